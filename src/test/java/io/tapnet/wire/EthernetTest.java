package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EthernetTest {
    private static final int LEAD = 5;
    private static final EthernetHeader ARP_HEADER =
            EthernetHeader.untagged(MacAddress.BROADCAST, Fixtures.HOST1_MAC, EthernetView.ETHERTYPE_ARP);
    private static final EthernetHeader VLAN_HEADER =
            new EthernetHeader(MacAddress.BROADCAST, Fixtures.HOST1_MAC, EthernetView.ETHERTYPE_ARP, 100, 5);

    private final EthernetView view = new EthernetView();

    @Test
    void readsFieldsFromTheUntaggedFixture() {
        ByteBuffer b = Hex.direct(Fixtures.ARP_REQUEST_FRAME, LEAD);
        assertEquals(ParseStatus.OK, view.wrap(b, LEAD, 60));
        assertEquals(MacAddress.BROADCAST, view.destination());
        assertEquals(0x525400123456L, view.source());
        assertEquals(EthernetView.ETHERTYPE_ARP, view.etherType());
        assertFalse(view.hasVlanTag());
        assertEquals(-1, view.vlanId());
        assertEquals(0, view.priority());
        assertEquals(14, view.headerLength());
        assertEquals(LEAD + 14, view.payloadOffset());
        assertEquals(46, view.payloadLength()); // 28 bytes of ARP and 18 of padding
    }

    @Test
    void readsFieldsFromTheTaggedFixture() {
        ByteBuffer b = Hex.direct(Fixtures.VLAN_ARP_REQUEST_FRAME, LEAD);
        assertEquals(ParseStatus.OK, view.wrap(b, LEAD, 60));
        assertTrue(view.hasVlanTag());
        assertEquals(100, view.vlanId());
        assertEquals(5, view.priority());
        assertFalse(view.dropEligible());
        assertEquals(EthernetView.ETHERTYPE_ARP, view.etherType());
        assertEquals(18, view.headerLength());
        assertEquals(LEAD + 18, view.payloadOffset());
        assertEquals(42, view.payloadLength());
    }

    @Test
    void writesFieldsWithSetters() {
        ByteBuffer b = ByteBuffer.allocate(14);
        assertEquals(ParseStatus.OK, view.wrap(b, 0, 14));
        view.destination(MacAddress.BROADCAST);
        view.source(Fixtures.HOST1_MAC);
        view.etherType(EthernetView.ETHERTYPE_ARP);
        assertEquals(Hex.normalize("ffffffffffff 525400123456 0806"), Hex.of(b, 0, 14));

        ByteBuffer t = Hex.junk(18);
        assertEquals(ParseStatus.OK, view.wrap(t, 0, 18));
        view.destination(MacAddress.BROADCAST);
        view.source(Fixtures.HOST1_MAC);
        view.etherType(EthernetView.ETHERTYPE_VLAN); // untagged so far: writes the TPID at 12
        view.vlanId(100);
        view.priority(5);
        view.dropEligible(true);
        view.dropEligible(false);
        view.etherType(EthernetView.ETHERTYPE_ARP); // tagged now: writes the inner type at 16
        assertEquals(Hex.normalize("ffffffffffff 525400123456 8100 a064 0806"), Hex.of(t, 0, 18));
        view.dropEligible(true);
        assertTrue(view.dropEligible());
        assertEquals(100, view.vlanId());
        assertEquals(5, view.priority());
        assertEquals("b064", Hex.of(t, 14, 2));
    }

    @Test
    void parsesIntoTheRecord() {
        view.wrap(Hex.direct(Fixtures.ARP_REQUEST_FRAME, LEAD), LEAD, 60);
        assertEquals(ARP_HEADER, EthernetHeader.parse(view));
        view.wrap(Hex.direct(Fixtures.VLAN_ARP_REQUEST_FRAME, 0), 0, 60);
        assertEquals(VLAN_HEADER, EthernetHeader.parse(view));
    }

    @Test
    void emitsTheFixtureBytes() {
        ByteBuffer b = Hex.junk(40);
        assertEquals(14, ARP_HEADER.emit(b, 3));
        assertEquals(Hex.normalize(Fixtures.ARP_REQUEST_FRAME).substring(0, 28), Hex.of(b, 3, 14));
        assertEquals(18, VLAN_HEADER.emit(b, 3));
        assertEquals(Hex.normalize(Fixtures.VLAN_ARP_REQUEST_FRAME).substring(0, 36), Hex.of(b, 3, 18));
    }

    @Test
    void parseOfEmitIsIdentity() {
        Random random = new Random(8021);
        RandomHeaders headers = new RandomHeaders(random);
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 5000; i++) {
            EthernetHeader h = headers.ethernet();
            int off = random.nextInt(8);
            int written = h.emit(b, off);
            assertEquals(h.headerLength(), written);
            assertEquals(ParseStatus.OK, view.wrap(b, off, written), h.toString());
            assertEquals(h, EthernetHeader.parse(view));
        }
    }

    @Test
    void truncatedFramesDetachTheView() {
        ByteBuffer b = Hex.direct(Fixtures.VLAN_ARP_REQUEST_FRAME, 0);
        assertEquals(ParseStatus.TRUNCATED, view.wrap(b, 0, 17)); // tag present, inner type cut
        assertFalse(view.isAttached());
        assertEquals(0, view.source());
        assertEquals(ParseStatus.OK, view.wrap(b, 0, 18));
        assertEquals(0, view.payloadLength());
        assertEquals(ParseStatus.TRUNCATED, view.wrap(Hex.direct(Fixtures.ARP_REQUEST_FRAME, 0), 0, 13));
    }

    @Test
    void recordRejectsInvalidComponents() {
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(1L << 48, 0, 0x0800, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, -1L, 0x0800, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x10000, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x0800, 4096, 0));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x0800, -2, 0));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x0800, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x0800, -1, 3));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x8100, -1, 0));
    }
}
