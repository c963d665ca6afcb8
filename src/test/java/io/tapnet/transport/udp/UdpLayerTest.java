package io.tapnet.transport.udp;

import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Link;
import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two Java hosts on one link, 10.0.0.1 and 10.0.0.2, each with a {@link UdpLayer}. */
class UdpLayerTest {
    static final int A = Ipv4Address.parse("10.0.0.1");
    static final int B = Ipv4Address.parse("10.0.0.2");
    static final int B2 = Ipv4Address.parse("10.0.1.2");

    final EventLoop loop = EventLoop.virtual();
    final Ipv4Stack a = new Ipv4Stack(loop, "a", false);
    final Ipv4Stack b = new Ipv4Stack(loop, "b", false);
    final UdpLayer udpA;
    final UdpLayer udpB;

    UdpLayerTest() {
        Link.connect(a.addInterface("eth0", 0x020000000001L, A, 24, 1500).port(),
                b.addInterface("eth0", 0x020000000002L, B, 24, 1500).port());
        b.addInterface("eth1", 0x020000000003L, B2, 24, 1500);
        udpA = new UdpLayer(a, new SplittableRandom(1));
        udpB = new UdpLayer(b, new SplittableRandom(2));
        loop.runFor(10_000_000);
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String receive(UdpEndpoint e) {
        ByteBuffer into = ByteBuffer.allocate(2000);
        int n = e.receive(into);
        return n < 0 ? null : new String(into.array(), 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void datagramsReachTheBoundPortWithTheirSource() {
        UdpEndpoint server = udpB.bind(0, 7);
        List<String> events = new ArrayList<>();
        server.setEvents(new UdpEndpoint.Events() {
            @Override
            public void onReadable(UdpEndpoint e) {
                events.add("readable");
            }
        });
        UdpEndpoint client = udpA.open();
        client.send(text("hello"), B, 7);
        assertTrue(client.localPort() >= 49152, "an ephemeral port is bound on first send");
        loop.runFor(10_000_000);
        assertEquals(List.of("readable"), events);
        assertEquals("hello", receive(server));
        assertEquals(A, server.lastSourceAddress());
        assertEquals(client.localPort(), server.lastSourcePort());
        assertEquals(null, receive(server));
        // And back (an echo).
        server.send(text("hello"), server.lastSourceAddress(), server.lastSourcePort());
        loop.runFor(10_000_000);
        assertEquals("hello", receive(client));
        assertEquals(0, udpB.inErrors(), "checksums verify");
    }

    @Test
    void bindingRulesAndDemultiplexingPreferTheExactAddress() {
        UdpEndpoint wildcard = udpB.bind(0, 53);
        assertEquals(SocketError.ADDRESS_IN_USE,
                assertThrows(TransportException.class, () -> udpB.bind(B, 53)).error());
        wildcard.close();
        UdpEndpoint exact = udpB.bind(B, 53);
        UdpEndpoint other = udpB.bind(B2, 53); // different specific addresses may share a port
        assertEquals(SocketError.ADDRESS_NOT_AVAILABLE,
                assertThrows(TransportException.class, () -> udpB.bind(Ipv4Address.parse("10.9.9.9"), 54)).error());
        udpA.open().send(text("x"), B, 53);
        loop.runFor(10_000_000);
        assertEquals("x", receive(exact));
        assertEquals(null, receive(other));
    }

    @Test
    void closedPortAnswersWithIcmpPortUnreachableSurfacedToAConnectedSender() {
        UdpEndpoint client = udpA.open();
        client.connect(B, 9999);
        List<SocketError> errors = new ArrayList<>();
        client.setEvents(new UdpEndpoint.Events() {
            @Override
            public void onError(UdpEndpoint e, SocketError error) {
                errors.add(error);
            }
        });
        client.send(text("anyone?"));
        loop.runFor(10_000_000);
        assertEquals(1, udpB.noPorts());
        assertEquals(1, udpB.icmpErrorsSent());
        assertEquals(List.of(SocketError.PORT_UNREACHABLE), errors);
        // Like Linux, the next send reports it (ECONNREFUSED) and clears it.
        assertEquals(SocketError.PORT_UNREACHABLE,
                assertThrows(TransportException.class, () -> client.send(text("again"))).error());
        client.send(text("and again"));
    }

    @Test
    void unconnectedSendersDoNotHearIcmpErrors() {
        UdpEndpoint client = udpA.bind(0, 0);
        List<SocketError> errors = new ArrayList<>();
        client.setEvents(new UdpEndpoint.Events() {
            @Override
            public void onError(UdpEndpoint e, SocketError error) {
                errors.add(error);
            }
        });
        client.send(text("x"), B, 9999);
        loop.runFor(10_000_000);
        assertTrue(errors.isEmpty());
        assertEquals(null, client.takeError());
    }

    @Test
    void broadcastNeedsTheOptionAndIsNotAnsweredWithIcmp() {
        UdpEndpoint listener = udpB.bind(0, 67);
        UdpEndpoint sender = udpA.bind(0, 68);
        int subnetBroadcast = Ipv4Address.parse("10.0.0.255");
        assertEquals(SocketError.BROADCAST_NOT_ENABLED,
                assertThrows(TransportException.class, () -> sender.send(text("x"), subnetBroadcast, 67)).error());
        sender.setBroadcast(true);
        sender.send(text("discover"), subnetBroadcast, 67);
        sender.send(text("limited"), Ipv4Address.BROADCAST, 67);
        sender.send(text("nobody"), Ipv4Address.BROADCAST, 69);
        loop.runFor(10_000_000);
        assertEquals("discover", receive(listener));
        assertEquals("limited", receive(listener));
        assertEquals(0, udpB.icmpErrorsSent(), "no ICMP errors about broadcasts (RFC 1122 3.2.2)");
    }

    @Test
    void connectedEndpointsOnlyHearTheirPeer() {
        UdpEndpoint server = udpB.bind(0, 5000);
        server.connect(A, 6000);
        udpA.bind(0, 6001).send(text("stranger"), B, 5000);
        udpA.bind(0, 6000).send(text("friend"), B, 5000);
        loop.runFor(10_000_000);
        assertEquals("friend", receive(server));
        assertEquals(null, receive(server));
    }

    @Test
    void receiveQueueIsBoundedAndOversizedDatagramsAreRefused() {
        UdpEndpoint server = udpB.bind(0, 5000);
        server.setReceiveBufferSize(3000);
        UdpEndpoint client = udpA.open();
        for (int i = 0; i < 5; i++) {
            client.send(ByteBuffer.allocate(1000), B, 5000);
        }
        loop.runFor(10_000_000);
        assertEquals(3, server.queuedDatagrams());
        assertEquals(2, udpB.receiveBufferErrors());
        assertEquals(SocketError.MESSAGE_TOO_LONG,
                assertThrows(TransportException.class, () -> client.send(ByteBuffer.allocate(1473), B, 5000)).error());
        assertEquals(1472, client.send(ByteBuffer.allocate(1472), B, 5000), "1500 - 20 - 8 fits");
        ByteBuffer small = ByteBuffer.allocate(10);
        assertEquals(10, server.receive(small), "a datagram larger than the buffer is truncated");
    }
}
