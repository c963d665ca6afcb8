package io.tapnet.wire;

import java.nio.ByteBuffer;

/**
 * 48-bit IEEE 802 MAC addresses held in the low bits of a {@code long} ({@code 0x0000_aabb_ccdd_eeff}),
 * so that they can be compared, hashed and stored in tables without objects.
 */
public final class MacAddress {
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xffff_ffff_ffffL;
    /** Individual/Group bit: the least significant bit of the first octet (IEEE 802-2014 §8.2). */
    public static final long GROUP_BIT = 0x0100_0000_0000L;
    /** Universal/Local bit: the second least significant bit of the first octet (IEEE 802-2014 §8.2). */
    public static final long LOCAL_BIT = 0x0200_0000_0000L;
    /** Number of bytes on the wire. */
    public static final int LENGTH = 6;

    private static final long MASK = 0xffff_ffff_ffffL;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MacAddress() {
    }

    /** Reads six bytes at absolute index {@code off}. */
    public static long read(ByteBuffer b, int off) {
        return ((long) (b.getShort(off) & 0xffff) << 32) | (b.getInt(off + 2) & 0xffffffffL);
    }

    /** Writes the low 48 bits of {@code mac} as six bytes at absolute index {@code off}. */
    public static void write(ByteBuffer b, int off, long mac) {
        b.putShort(off, (short) (mac >>> 32));
        b.putInt(off + 2, (int) mac);
    }

    /** Lower-case colon form, {@code "aa:bb:cc:dd:ee:ff"}. */
    public static String format(long mac) {
        char[] out = new char[17];
        for (int i = 0; i < LENGTH; i++) {
            int octet = (int) (mac >>> (40 - 8 * i)) & 0xff;
            out[3 * i] = HEX[octet >>> 4];
            out[3 * i + 1] = HEX[octet & 0xf];
            if (i < LENGTH - 1) {
                out[3 * i + 2] = ':';
            }
        }
        return new String(out);
    }

    /**
     * Parses exactly six colon-separated pairs of hex digits (either case).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static long parse(String text) {
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("bad MAC address \"" + text
                    + "\": expected six colon-separated hex pairs like 52:54:00:12:34:56");
        }
        long mac = 0;
        for (int i = 0; i < LENGTH; i++) {
            int hi = Character.digit(text.charAt(3 * i), 16);
            int lo = Character.digit(text.charAt(3 * i + 1), 16);
            if (hi < 0 || lo < 0 || (i < LENGTH - 1 && text.charAt(3 * i + 2) != ':')) {
                throw new IllegalArgumentException("bad MAC address \"" + text
                        + "\": expected six colon-separated hex pairs like 52:54:00:12:34:56");
            }
            mac = (mac << 8) | (hi << 4) | lo;
        }
        return mac;
    }

    /** True for ff:ff:ff:ff:ff:ff only. */
    public static boolean isBroadcast(long mac) {
        return (mac & MASK) == BROADCAST;
    }

    /** True when the I/G bit is set: multicast and broadcast alike are delivered to a group. */
    public static boolean isMulticast(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    /**
     * A unicast, locally administered address derived from {@code seed}: sets the U/L bit so it cannot
     * collide with a vendor-assigned address and clears the I/G bit so it is a valid source address.
     */
    public static long locallyAdministered(long seed) {
        return ((seed & MASK) | LOCAL_BIT) & ~GROUP_BIT;
    }
}
