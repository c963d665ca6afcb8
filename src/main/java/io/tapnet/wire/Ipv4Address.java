package io.tapnet.wire;

/**
 * IPv4 addresses held in an {@code int}, most significant byte first (10.0.0.1 is {@code 0x0a000001}),
 * so that masks and comparisons are plain integer operations.
 */
public final class Ipv4Address {
    /** 255.255.255.255, the limited broadcast address (RFC 919 §7). */
    public static final int BROADCAST = 0xffffffff;
    /** 0.0.0.0, "this host" as a source before an address is known (RFC 1122 §3.2.1.3). */
    public static final int ANY = 0;
    /** Number of bytes on the wire. */
    public static final int LENGTH = 4;

    private Ipv4Address() {
    }

    /**
     * Parses a strict dotted quad: four decimal parts 0..255, no leading zeros (they mean octal to
     * {@code inet_aton}, so accepting them would be ambiguous), no spaces, no short forms.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static int parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 address is missing");
        }
        int address = 0;
        int part = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw bad(text, "part " + (part + 1) + " must be a number 0..255 without leading zeros");
            }
            address = (address << 8) | value;
            part++;
            if (part == 4) {
                if (i != n) {
                    throw bad(text, "unexpected text after the fourth part");
                }
                return address;
            }
            if (i >= n || text.charAt(i) != '.') {
                throw bad(text, "expected four dot-separated parts like 10.0.0.1");
            }
            i++;
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad IPv4 address \"" + text + "\": " + why);
    }

    /** Dotted quad. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /**
     * The netmask with {@code prefixLength} leading one bits.
     *
     * @throws IllegalArgumentException if {@code prefixLength} is outside 0..32
     */
    public static int prefixMask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
        // A shift by 32 is a shift by 0 in Java, hence the special case for /0.
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** True when {@code address} and {@code network} agree on the first {@code prefixLength} bits. */
    public static boolean inSubnet(int address, int network, int prefixLength) {
        return ((address ^ network) & prefixMask(prefixLength)) == 0;
    }
}
