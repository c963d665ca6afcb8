package io.tapnet.wire;

/**
 * An IPv4 address with a prefix length, as written in CIDR notation (RFC 4632 §3.1). The address may
 * have host bits set ({@code 10.0.1.7/24} names an interface address and its subnet);
 * {@link #network()} clears them.
 */
public record Ipv4Prefix(int address, int prefixLength) {

    /** @throws IllegalArgumentException if {@code prefixLength} is outside 0..32 */
    public Ipv4Prefix {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
    }

    /**
     * Parses {@code "a.b.c.d/n"}.
     *
     * @throws IllegalArgumentException naming which part is wrong and what was expected
     */
    public static Ipv4Prefix parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("IPv4 prefix is missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("bad IPv4 prefix \"" + text
                    + "\": missing \"/length\", expected CIDR form like 10.0.1.0/24");
        }
        int address;
        try {
            address = Ipv4Address.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad IPv4 prefix \"" + text + "\": " + e.getMessage(), e);
        }
        String length = text.substring(slash + 1);
        if (length.isEmpty() || length.length() > 2 || !isDigits(length)
                || (length.length() > 1 && length.charAt(0) == '0')) {
            throw new IllegalArgumentException("bad IPv4 prefix \"" + text + "\": prefix length \"" + length
                    + "\" is not a number 0..32");
        }
        int prefixLength = Integer.parseInt(length);
        if (prefixLength > 32) {
            throw new IllegalArgumentException("bad IPv4 prefix \"" + text + "\": prefix length "
                    + prefixLength + " is outside 0..32");
        }
        return new Ipv4Prefix(address, prefixLength);
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The netmask. */
    public int mask() {
        return Ipv4Address.prefixMask(prefixLength);
    }

    /** The address with host bits cleared. */
    public int network() {
        return address & mask();
    }

    /** The directed broadcast address of the subnet (all host bits set). */
    public int broadcast() {
        return network() | ~mask();
    }

    /** True when {@code addr} is in this subnet. */
    public boolean contains(int addr) {
        return Ipv4Address.inSubnet(addr, address, prefixLength);
    }

    /** CIDR form of the address as given, e.g. {@code 10.0.1.7/24}. */
    @Override
    public String toString() {
        return Ipv4Address.format(address) + "/" + prefixLength;
    }
}
