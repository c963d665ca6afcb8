package io.tapnet.wire;

/** Component checks shared by the records; messages name the component and the allowed range. */
final class Require {
    private static final long MAC_BITS = 0xffff_ffff_ffffL;

    private Require() {
    }

    static void inRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is outside " + min + ".." + max);
        }
    }

    static void mac(String name, long mac) {
        if ((mac & ~MAC_BITS) != 0) {
            throw new IllegalArgumentException(name + " MAC 0x" + Long.toHexString(mac) + " has more than 48 bits");
        }
    }
}
