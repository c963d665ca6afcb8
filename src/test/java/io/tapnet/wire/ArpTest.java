package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArpTest {
    private static final int AT = Fixtures.ETH;
    private static final ArpPacket REQUEST =
            new ArpPacket(ArpView.OP_REQUEST, Fixtures.HOST1_MAC, Fixtures.HOST1_IP, 0, Fixtures.HOST2_IP);

    private final ArpView view = new ArpView();

    private static String fixtureArp() {
        return Hex.normalize(Fixtures.ARP_REQUEST_FRAME).substring(2 * AT, 2 * (AT + ArpView.LENGTH));
    }

    @Test
    void readsFieldsFromTheFixture() {
        ByteBuffer b = Hex.direct(Fixtures.ARP_REQUEST_FRAME, 0);
        assertEquals(ParseStatus.OK, view.wrap(b, AT, 46));
        assertEquals(ArpView.HARDWARE_TYPE_ETHERNET, view.hardwareType());
        assertEquals(EthernetView.ETHERTYPE_IPV4, view.protocolType());
        assertEquals(6, view.hardwareLength());
        assertEquals(4, view.protocolLength());
        assertEquals(ArpView.OP_REQUEST, view.operation());
        assertEquals(0x525400123456L, view.senderHardwareAddress());
        assertEquals(Ipv4Address.parse("10.0.0.1"), view.senderProtocolAddress());
        assertEquals(0L, view.targetHardwareAddress());
        assertEquals(Ipv4Address.parse("10.0.0.2"), view.targetProtocolAddress());
        assertEquals(28, view.headerLength());
    }

    @Test
    void writesFieldsWithSetters() {
        ByteBuffer b = Hex.junk(30);
        assertEquals(ParseStatus.UNSUPPORTED, view.wrap(b, 1, 28)); // junk is not Ethernet/IPv4 yet
        view.hardwareType(1);
        view.protocolType(0x0800);
        view.hardwareLength(6);
        view.protocolLength(4);
        view.operation(ArpView.OP_REQUEST);
        view.senderHardwareAddress(Fixtures.HOST1_MAC);
        view.senderProtocolAddress(Fixtures.HOST1_IP);
        view.targetHardwareAddress(0);
        view.targetProtocolAddress(Fixtures.HOST2_IP);
        assertEquals(fixtureArp(), Hex.of(b, 1, 28));
        assertEquals(ParseStatus.OK, view.wrap(b, 1, 28));
    }

    @Test
    void parsesIntoTheRecord() {
        view.wrap(Hex.direct(Fixtures.ARP_REQUEST_FRAME, 0), AT, 28);
        assertEquals(REQUEST, ArpPacket.parse(view));
        assertEquals(REQUEST, ArpPacket.request(Fixtures.HOST1_MAC, Fixtures.HOST1_IP, Fixtures.HOST2_IP));
    }

    @Test
    void emitsTheFixtureBytes() {
        ByteBuffer b = Hex.junk(40);
        assertEquals(28, REQUEST.emit(b, 7));
        assertEquals(fixtureArp(), Hex.of(b, 7, 28));
    }

    @Test
    void replySwapsTheAddresses() {
        ArpPacket reply = ArpPacket.replyTo(REQUEST, Fixtures.HOST2_MAC);
        assertEquals(new ArpPacket(ArpView.OP_REPLY, Fixtures.HOST2_MAC, Fixtures.HOST2_IP, Fixtures.HOST1_MAC,
                Fixtures.HOST1_IP), reply);
    }

    @Test
    void parseOfEmitIsIdentity() {
        Random random = new Random(826);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocate(40);
        for (int i = 0; i < 5000; i++) {
            ArpPacket p = headers.arp();
            int off = random.nextInt(12);
            assertEquals(ParseStatus.OK, view.wrap(b, off, p.emit(b, off)));
            assertEquals(p, ArpPacket.parse(view));
        }
    }

    @Test
    void otherAddressPairsAreUnsupported() {
        int[][] patches = {{0, 0x01}, {1, 0x06}, {2, 0x86}, {4, 16}, {5, 16}}; // htype 257, htype 6, ptype 0x8600, hlen, plen
        for (int[] patch : patches) {
            ByteBuffer b = Hex.direct(Fixtures.ARP_REQUEST_FRAME, 0);
            b.put(AT + patch[0], (byte) patch[1]);
            assertEquals(ParseStatus.UNSUPPORTED, view.wrap(b, AT, 28), "byte " + patch[0]);
        }
    }

    @Test
    void shortPacketsAreTruncated() {
        ByteBuffer b = Hex.direct(Fixtures.ARP_REQUEST_FRAME, 0);
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, AT, 27));
        assertEquals(0, view.operation());
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, b.limit() - 27, 28)); // past the buffer's limit
    }

    @Test
    void recordRejectsInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new ArpPacket(0x10000, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArpPacket(1, 1L << 48, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ArpPacket(1, 0, 0, -1L, 0));
    }
}
