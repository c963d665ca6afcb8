package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated frames into every view: no exception from any wrap, getter, checksum or option
 * parse, and every OK status keeps its promises (the header fits, the record round-trips).
 */
class FuzzTest {
    private static final int ITERATIONS = 100_000;
    private static final String[] SEEDS = {Fixtures.ARP_REQUEST_FRAME, Fixtures.VLAN_ARP_REQUEST_FRAME,
            Fixtures.ICMP_ECHO_REQUEST_FRAME, Fixtures.UDP_DNS_QUERY_FRAME, Fixtures.TCP_SYN_FRAME};
    /** Offsets where a layer starts in the seeds: frame, after Ethernet, after a tag, after IPv4. */
    private static final int[] LAYER_OFFSETS = {0, 14, 18, 34, 38};
    /** Byte values that sit on field boundaries: lengths, versions, kinds. */
    private static final int[] INTERESTING = {0x00, 0x01, 0x02, 0x04, 0x05, 0x08, 0x0a, 0x0f, 0x14, 0x40, 0x45,
            0x46, 0x4f, 0x50, 0x7f, 0x80, 0x81, 0xa0, 0xf0, 0xff};

    private final EthernetView ethernet = new EthernetView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ipv4 = new Ipv4View();
    private final IcmpView icmp = new IcmpView();
    private final UdpView udp = new UdpView();
    private final TcpView tcp = new TcpView();
    private final TcpOptions options = new TcpOptions();
    private final ByteBuffer direct = ByteBuffer.allocateDirect(256);
    private final ByteBuffer scratch = ByteBuffer.allocate(70_000);
    private final byte[][] seeds = new byte[SEEDS.length][];
    private long sink;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a parser stuck on a zero length must fail the build, not hang it
    void randomAndMutatedBytesNeverThrow() {
        for (int i = 0; i < SEEDS.length; i++) {
            seeds[i] = Hex.bytes(SEEDS[i]);
        }
        Random random = new Random(0x7a9e7);
        int[] okCount = new int[6];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            byte[] data = random.nextInt(4) == 0 ? randomBytes(random) : mutate(random, seeds[random.nextInt(seeds.length)]);
            int off = random.nextInt(8) == 0 ? random.nextInt(data.length + 3) - 1
                    : Math.min(LAYER_OFFSETS[random.nextInt(LAYER_OFFSETS.length)], data.length);
            int len = random.nextInt(8) == 0 ? random.nextInt(data.length + 4) - 2 : data.length - off;
            // Usually the addresses of the (possibly mutated) IPv4 header in front, as a real stack passes them.
            boolean fromHeader = data.length >= 34 && random.nextInt(4) > 0;
            int ip1 = fromHeader ? ByteBuffer.wrap(data).getInt(26) : random.nextInt();
            int ip2 = fromHeader ? ByteBuffer.wrap(data).getInt(30) : random.nextInt();
            boolean heap = random.nextBoolean();
            try {
                // Each view gets its own copy: fillChecksum and decrementTtl write into the buffer.
                okCount[0] += exerciseEthernet(buffer(heap, data), off, len) ? 1 : 0;
                okCount[1] += exerciseArp(buffer(heap, data), off, len) ? 1 : 0;
                okCount[2] += exerciseIpv4(buffer(heap, data), off, len) ? 1 : 0;
                okCount[3] += exerciseIcmp(buffer(heap, data), off, len) ? 1 : 0;
                okCount[4] += exerciseUdp(buffer(heap, data), off, len, ip1, ip2) ? 1 : 0;
                okCount[5] += exerciseTcp(buffer(heap, data), off, len, ip1, ip2) ? 1 : 0;
                exerciseOptions(buffer(heap, data), off, len);
            } catch (RuntimeException | AssertionError e) {
                fail("iteration " + iteration + " off " + off + " len " + len + " data " + Hex.of(ByteBuffer.wrap(data),
                        0, data.length), e);
            }
        }
        // Enough packets must reach the checked path (OK, or a bad checksum then refilled) for it to mean something.
        for (int i = 0; i < okCount.length; i++) {
            assertTrue(okCount[i] > 1000, "view " + i + " reached the OK path only " + okCount[i] + " times");
        }
        assertTrue(sink != 42); // keeps the getters' results alive
    }

    private static byte[] randomBytes(Random random) {
        byte[] data = new byte[random.nextInt(100)];
        random.nextBytes(data);
        if (data.length > 0 && random.nextBoolean()) {
            data[0] = (byte) 0x45; // often look like IPv4 to get past the version check
        }
        return data;
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] data = seed.clone();
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(data.length);
            data[at] = (byte) (random.nextBoolean() ? random.nextInt() : INTERESTING[random.nextInt(INTERESTING.length)]);
        }
        int shape = random.nextInt(6);
        if (shape == 0) {
            data = java.util.Arrays.copyOf(data, random.nextInt(data.length + 1));
        } else if (shape == 1) {
            int extra = random.nextInt(20);
            data = java.util.Arrays.copyOf(data, data.length + extra);
            for (int i = data.length - extra; i < data.length; i++) {
                data[i] = (byte) random.nextInt();
            }
        }
        return data;
    }

    /** Heap or direct, and the direct one reused with a limit that ends at the data. */
    private ByteBuffer buffer(boolean heap, byte[] data) {
        if (heap) {
            return ByteBuffer.wrap(data.clone());
        }
        direct.clear();
        for (int i = 0; i < direct.capacity(); i++) {
            direct.put(i, Hex.JUNK);
        }
        direct.put(0, data);
        direct.limit(data.length);
        return direct;
    }

    private void checkCommon(HeaderView v, int status, int off, int len) {
        assertTrue(status >= 0 && status < ParseStatus.COUNT, "status " + status);
        assertTrue(v.payloadLength() >= 0);
        if (!v.isAttached()) {
            assertEquals(ParseStatus.TRUNCATED, status);
            assertEquals(0, v.wrappedLength());
        }
        if (status == ParseStatus.OK) {
            assertTrue(v.headerLength() <= len, "header fits");
            assertTrue(v.payloadOffset() >= off && v.payloadOffset() + v.payloadLength() <= off + len, "payload fits");
        }
    }

    private boolean exerciseEthernet(ByteBuffer b, int off, int len) {
        int status = ethernet.wrap(b, off, len);
        checkCommon(ethernet, status, off, len);
        sink += ethernet.destination() + ethernet.source() + ethernet.etherType() + ethernet.vlanId()
                + ethernet.priority() + (ethernet.dropEligible() ? 1 : 0) + ethernet.headerLength();
        if (status != ParseStatus.OK) {
            return false;
        }
        EthernetHeader h = EthernetHeader.parse(ethernet);
        int n = h.emit(scratch, 0);
        assertEquals(ParseStatus.OK, ethernet.wrap(scratch, 0, n));
        assertEquals(h, EthernetHeader.parse(ethernet));
        return true;
    }

    private boolean exerciseArp(ByteBuffer b, int off, int len) {
        int status = arp.wrap(b, off, len);
        checkCommon(arp, status, off, len);
        sink += arp.hardwareType() + arp.protocolType() + arp.hardwareLength() + arp.protocolLength() + arp.operation()
                + arp.senderHardwareAddress() + arp.senderProtocolAddress() + arp.targetHardwareAddress()
                + arp.targetProtocolAddress();
        if (status != ParseStatus.OK) {
            return false;
        }
        ArpPacket p = ArpPacket.parse(arp);
        assertEquals(ParseStatus.OK, arp.wrap(scratch, 0, p.emit(scratch, 0)));
        assertEquals(p, ArpPacket.parse(arp));
        return true;
    }

    private boolean exerciseIpv4(ByteBuffer b, int off, int len) {
        int status = ipv4.wrap(b, off, len);
        checkCommon(ipv4, status, off, len);
        sink += ipv4.version() + ipv4.ihl() + ipv4.dscp() + ipv4.ecn() + ipv4.totalLength() + ipv4.identification()
                + ipv4.flags() + ipv4.fragmentOffset() + ipv4.ttl() + ipv4.protocol() + ipv4.headerChecksum()
                + ipv4.source() + ipv4.destination() + ipv4.optionsLength() + (ipv4.isFragment() ? 1 : 0)
                + (ipv4.dontFragment() ? 1 : 0) + (ipv4.moreFragments() ? 1 : 0) + (ipv4.isChecksumValid() ? 1 : 0);
        if (status != ParseStatus.OK) {
            return false;
        }
        assertTrue(ipv4.isChecksumValid());
        Ipv4Header h = Ipv4Header.parse(ipv4);
        int ttl = ipv4.ttl();
        assertEquals(ttl == 0 ? -1 : ttl - 1, ipv4.decrementTtl());
        assertTrue(ipv4.isChecksumValid(), "decrementTtl keeps the checksum valid");
        h.emit(scratch, 0);
        assertEquals(ParseStatus.OK, ipv4.wrap(scratch, 0, h.totalLength()));
        assertEquals(h, Ipv4Header.parse(ipv4));
        return true;
    }

    private boolean exerciseIcmp(ByteBuffer b, int off, int len) {
        int status = icmp.wrap(b, off, len);
        checkCommon(icmp, status, off, len);
        sink += icmp.type() + icmp.code() + icmp.checksum() + icmp.identifier() + icmp.sequenceNumber()
                + icmp.restOfHeader() + icmp.nextHopMtu();
        if (status != ParseStatus.OK && status != ParseStatus.BAD_CHECKSUM) {
            return false;
        }
        icmp.fillChecksum();
        assertEquals(ParseStatus.OK, icmp.wrap(b, off, len), "fillChecksum makes any message verify");
        IcmpHeader h = IcmpHeader.parse(icmp);
        assertEquals(ParseStatus.OK, icmp.wrap(scratch, 0, h.emit(scratch, 0)));
        assertEquals(h, IcmpHeader.parse(icmp));
        return true;
    }

    private boolean exerciseUdp(ByteBuffer b, int off, int len, int src, int dst) {
        int status = udp.wrap(b, off, len, src, dst);
        checkCommon(udp, status, off, len);
        sink += udp.sourcePort() + udp.destinationPort() + udp.length() + udp.checksum()
                + (udp.isChecksumValid(src, dst) ? 1 : 0);
        if (status != ParseStatus.OK && status != ParseStatus.BAD_CHECKSUM) {
            return false;
        }
        udp.fillChecksum(src, dst);
        assertEquals(ParseStatus.OK, udp.wrap(b, off, len, src, dst), "fillChecksum makes any datagram verify");
        assertTrue(udp.checksum() != 0);
        UdpHeader h = UdpHeader.parse(udp);
        h.emit(scratch, 0);
        assertEquals(ParseStatus.OK, udp.wrap(scratch, 0, h.length()));
        assertEquals(h, UdpHeader.parse(udp));
        return true;
    }

    private boolean exerciseTcp(ByteBuffer b, int off, int len, int src, int dst) {
        int status = tcp.wrap(b, off, len, src, dst);
        checkCommon(tcp, status, off, len);
        sink += tcp.sourcePort() + tcp.destinationPort() + tcp.sequenceNumber() + tcp.acknowledgmentNumber()
                + tcp.dataOffset() + tcp.flags() + tcp.window() + tcp.checksum() + tcp.urgentPointer()
                + tcp.optionsOffset() + tcp.optionsLength() + (tcp.isChecksumValid(src, dst) ? 1 : 0);
        int optionsStatus = tcp.parseOptions(options);
        assertTrue(optionsStatus == ParseStatus.OK || optionsStatus == ParseStatus.ILLEGAL, "options " + optionsStatus);
        if (status != ParseStatus.OK && status != ParseStatus.BAD_CHECKSUM) {
            return false;
        }
        tcp.fillChecksum(src, dst, len);
        assertEquals(ParseStatus.OK, tcp.wrap(b, off, len, src, dst), "fillChecksum makes any segment verify");
        if (optionsStatus == ParseStatus.OK) {
            TcpHeader h;
            try {
                h = TcpHeader.parse(tcp);
            } catch (IllegalArgumentException e) {
                // Only a compactly packed header can hold what the aligned layout cannot.
                assertTrue(e.getMessage().contains("room for 40"), e.getMessage());
                return true;
            }
            int n = h.emit(scratch, 0);
            assertEquals(ParseStatus.OK, tcp.wrap(scratch, 0, n));
            assertEquals(h, TcpHeader.parse(tcp));
        }
        return true;
    }

    private void exerciseOptions(ByteBuffer b, int off, int len) {
        int status = options.parse(b, off, len);
        assertTrue(status >= 0 && status < ParseStatus.COUNT);
        if (status == ParseStatus.OK) {
            assertTrue(options.mss() >= -1 && options.mss() <= 0xffff);
            assertTrue(options.windowScale() >= -1 && options.windowScale() <= 0xff);
            assertTrue(options.sackBlockCount() >= 0 && options.sackBlockCount() <= TcpOptions.MAX_SACK_BLOCKS);
            for (int i = 0; i < options.sackBlockCount(); i++) {
                sink += options.sackLeft(i) + options.sackRight(i);
            }
            sink += options.tsVal() + options.tsEcr();
        }
    }
}
