package io.tapnet.topology;

/**
 * An IPv4 address with a prefix length, as written in CIDR notation (RFC 4632): {@code 10.0.1.10/24}.
 *
 * <p>The address keeps its host bits, so the same type serves for interface addresses
 * ({@code 10.0.1.10/24}: host 10.0.1.10 on network 10.0.1.0/24) and for route destinations
 * ({@code 10.0.2.0/24}).
 *
 * @param address      the address, most significant octet first
 * @param prefixLength 0..32
 */
public record Cidr(int address, int prefixLength) {

    /** {@code 0.0.0.0/0}, the destination of a default route. */
    public static final Cidr DEFAULT_ROUTE = new Cidr(0, 0);

    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0..32");
        }
    }

    /** Parses {@code A.B.C.D/len}; see {@link AddressSyntax#parseCidr(String)}. */
    public static Cidr parse(String text) {
        return AddressSyntax.parseCidr(text);
    }

    /** The netmask, e.g. {@code 0xffffff00} for /24. */
    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The address with its host bits cleared. */
    public int network() {
        return address & mask();
    }

    /** The address with its host bits set: the subnet's directed broadcast address. */
    public int broadcast() {
        return network() | ~mask();
    }

    /** This prefix with the host bits cleared: {@code 10.0.1.10/24} gives {@code 10.0.1.0/24}. */
    public Cidr subnet() {
        return new Cidr(network(), prefixLength);
    }

    /** Whether {@code ip} lies in this prefix. */
    public boolean contains(int ip) {
        return (ip & mask()) == network();
    }

    /** Whether the host bits are all zero, as a route destination's must be. */
    public boolean isNetwork() {
        return address == network();
    }

    /**
     * Whether the address is one of the two a subnet reserves (all-zero or all-one host bits) and so
     * cannot name a host. /31 (RFC 3021) and /32 have no reserved addresses.
     */
    public boolean isReservedInSubnet() {
        return prefixLength <= 30 && (address == network() || address == broadcast());
    }

    @Override
    public String toString() {
        return AddressSyntax.formatIpv4(address) + "/" + prefixLength;
    }
}
