package io.tapnet.wire;

/**
 * Frames as Linux hosts put them on a TAP device (no FCS). Each was decoded by tshark with checksum
 * validation on, and every checksum reported "correct"/"Good".
 */
final class Fixtures {
    private Fixtures() {
    }

    static final int ETH = 14;
    static final int IP_IN_FRAME = 14;
    static final int L4_IN_FRAME = 34;

    static final long HOST1_MAC = 0x525400123456L;
    static final long HOST2_MAC = 0x525400abcdefL;
    static final int HOST1_IP = 0x0a000001; // 10.0.0.1
    static final int HOST2_IP = 0x0a000002; // 10.0.0.2
    static final int DNS_IP = 0x0a000035; // 10.0.0.53

    /**
     * Broadcast ARP request "who has 10.0.0.2? tell 10.0.0.1" from 52:54:00:12:34:56, padded with 18
     * zero bytes to the 60-byte minimum frame.
     */
    static final String ARP_REQUEST_FRAME = """
            ffffffffffff 525400123456 0806
            0001 0800 06 04 0001 525400123456 0a000001 000000000000 0a000002
            000000000000000000000000000000000000""";

    /** The same ARP request on VLAN 100, priority 5 (TCI 0xa064); padding shortened to keep 60 bytes. */
    static final String VLAN_ARP_REQUEST_FRAME = """
            ffffffffffff 525400123456 8100 a064 0806
            0001 0800 06 04 0001 525400123456 0a000001 000000000000 0a000002
            0000000000000000000000000000""";

    /**
     * iputils ping 10.0.0.1 -> 10.0.0.2: IPv4 id 0x3c1d, DF, TTL 64, header checksum 0xea89; ICMP echo
     * request id 0x1c46 seq 1, checksum 0x86ad, 56 data bytes (16-byte timeval, then 0x10..0x37).
     */
    static final String ICMP_ECHO_REQUEST_FRAME = """
            525400abcdef 525400123456 0800
            4500 0054 3c1d 4000 4001 ea89 0a000001 0a000002
            0800 86ad 1c46 0001
            00f1536500000000 40e2010000000000
            101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637""";

    /** ICMP echo data of the frame above. */
    static final String ICMP_ECHO_DATA = """
            00f1536500000000 40e2010000000000
            101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637""";

    /**
     * DNS query for example.com A from 10.0.0.1:54321 to 10.0.0.53:53: IPv4 id 0x5a11, checksum 0xcc6d;
     * UDP length 37, checksum 0x3566.
     */
    static final String UDP_DNS_QUERY_FRAME = """
            525400abcdef 525400123456 0800
            4500 0039 5a11 4000 4011 cc6d 0a000001 0a000035
            d431 0035 0025 3566
            1234 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001""";

    /** DNS message of the frame above. */
    static final String DNS_QUERY = "1234 0100 0001 0000 0000 0000 076578616d706c6503636f6d00 0001 0001";

    /**
     * Linux connect() SYN 10.0.0.1:43210 -> 10.0.0.2:80, seq 0x9c8d2f01, window 64240, checksum 0x8e0b;
     * options in the kernel's order: MSS 1460, SACK-Permitted, Timestamps (TSval 0x0a1b2c3d, TSecr 0),
     * NOP, Window Scale 7.
     */
    static final String TCP_SYN_FRAME = """
            525400abcdef 525400123456 0800
            4500 003c d431 4000 4006 5288 0a000001 0a000002
            a8ca 0050 9c8d2f01 00000000 a0 02 faf0 8e0b 0000
            020405b4 0402 080a 0a1b2c3d 00000000 01 030307""";
}
