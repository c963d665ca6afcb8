package io.tapnet.transport.tcp;

import io.tapnet.transport.SocketError;
import io.tapnet.wire.TcpOptionsValue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.tapnet.transport.tcp.StepHarness.MS;
import static io.tapnet.transport.tcp.StepHarness.PEER;
import static io.tapnet.wire.TcpView.ACK;
import static io.tapnet.wire.TcpView.FIN;
import static io.tapnet.wire.TcpView.PSH;
import static io.tapnet.wire.TcpView.RST;
import static io.tapnet.wire.TcpView.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening connections: both handshakes, simultaneous open, option negotiation, closed ports. */
class TcpHandshakeTest {

    static final class Recorder implements TcpEndpoint.Events {
        final List<String> events = new ArrayList<>();
        SocketError error;

        @Override
        public void onConnected(TcpEndpoint e) {
            events.add("connected");
        }

        @Override
        public void onReadable(TcpEndpoint e) {
            events.add("readable");
        }

        @Override
        public void onWritable(TcpEndpoint e) {
            events.add("writable");
        }

        @Override
        public void onError(TcpEndpoint e, SocketError error) {
            events.add("error " + error);
            this.error = error;
        }

        @Override
        public void onClosed(TcpEndpoint e) {
            events.add("closed");
        }
    }

    @Test
    void passiveOpenAnswersSynWithSynAckAndCompletesOnAck() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        TcpListener l = h.tcp.listen(0, 80, 8);
        List<String> acceptable = new ArrayList<>();
        l.setEvents(x -> acceptable.add("acceptable"));
        h.send(40000, 80, 1000, 0, SYN, 65535, new byte[0],
                new TcpOptionsValue(1460, 7, true, List.of(), 5000, 0));
        StepHarness.Seg synAck = h.expect(SYN | ACK);
        assertEquals(1001, synAck.ack());
        assertEquals(1460, synAck.options().mss());
        assertTrue(synAck.options().sackPermitted());
        assertEquals(5000, synAck.options().tsEcr(), "TSecr echoes the SYN's TSval");
        assertTrue(synAck.options().windowScale() >= 0);
        assertEquals(1, l.halfOpen());
        assertNull(l.accept(), "nothing to accept before the handshake completes");

        h.send(40000, 80, 1001, synAck.seq() + 1, ACK, 1000, new byte[0], StepHarness.ts(5001, synAck.options().tsVal()));
        h.expectNothing();
        assertEquals(List.of("acceptable"), acceptable);
        TcpEndpoint e = l.accept();
        assertNotNull(e);
        assertEquals(TcpState.ESTABLISHED, e.state());
        assertEquals(PEER, e.remoteAddress());
        assertEquals(40000, e.remotePort());
        assertEquals(80, e.localPort());
        TcpInfo info = e.info();
        assertTrue(info.sack());
        assertTrue(info.timestamps());
        assertEquals(7, info.sendScale());
        assertEquals(1000L << 7, info.sendWindow());
        assertEquals(1460, e.info().sendMss(), "MSS from the option");
    }

    @Test
    void activeOpenSendsSynWithOptionsAndAcksSynAck() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        Recorder r = new Recorder();
        TcpEndpoint e = h.tcp.connect(PEER, 80, r);
        StepHarness.Seg syn = h.expect(SYN);
        assertEquals(80, syn.destinationPort());
        assertEquals(1460, syn.options().mss(), "MTU 1500 - 40");
        assertTrue(syn.options().sackPermitted());
        assertTrue(syn.options().hasTimestamps());
        assertEquals(0, syn.options().tsEcr());
        assertEquals(TcpReceiver.shiftFor(TcpConfig.DEFAULT_BUFFER), syn.options().windowScale());
        assertTrue(syn.sourcePort() >= 49152, "ephemeral port from the IANA range");
        assertEquals(TcpState.SYN_SENT, e.state());

        h.advanceMs(50);
        h.send(80, syn.sourcePort(), 7000, syn.seq() + 1, SYN | ACK, 29200, new byte[0],
                new TcpOptionsValue(1400, 2, true, List.of(), 900, syn.options().tsVal()));
        StepHarness.Seg ack = h.expect(ACK);
        assertEquals(syn.seq() + 1, ack.seq());
        assertEquals(7001, ack.ack());
        assertEquals(900, ack.options().tsEcr());
        assertEquals(TcpState.ESTABLISHED, e.state());
        assertEquals(List.of("connected"), r.events);
        assertEquals(1400, e.info().sendMss());
        assertEquals(50 * MS, e.info().srttNanos(), "the handshake gives the first RTT sample");
    }

    @Test
    void optionsAreOnlyUsedWhenBothSidesOfferThem() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        TcpEndpoint e = h.tcp.connect(PEER, 80, null);
        StepHarness.Seg syn = h.expect(SYN);
        h.send(80, syn.sourcePort(), 7000, syn.seq() + 1, SYN | ACK, 8192, new byte[0], TcpOptionsValue.NONE);
        StepHarness.Seg ack = h.expect(ACK);
        assertFalse(ack.options().hasTimestamps());
        TcpInfo info = e.info();
        assertFalse(info.sack());
        assertFalse(info.timestamps());
        assertEquals(0, info.sendScale());
        assertEquals(0, info.receiveScale());
        assertEquals(536, info.sendMss(), "RFC 9293 3.7.1 default without an MSS option");
        assertEquals(8192, info.sendWindow());
    }

    @Test
    void simultaneousOpenGoesThroughSynReceived() {
        StepHarness h = new StepHarness(StepHarness.defaults().withOptions(false, false, false));
        Recorder r = new Recorder();
        TcpEndpoint e = h.tcp.open().setEvents(r).bind(0, 5000);
        e.connect(PEER, 6000);
        StepHarness.Seg syn = h.expect(SYN);
        // RFC 9293 Figure 8: the peer's SYN crosses ours.
        h.send(6000, 5000, 300, 0, SYN, 8000, new byte[0], new TcpOptionsValue(1460, -1, false, List.of(), -1, -1));
        StepHarness.Seg synAck = h.expect(SYN | ACK);
        assertEquals(syn.seq(), synAck.seq(), "the SYN-ACK repeats our ISN");
        assertEquals(301, synAck.ack());
        assertEquals(TcpState.SYN_RECEIVED, e.state());
        h.send(6000, 5000, 300, syn.seq() + 1, SYN | ACK, 8000, new byte[0], new TcpOptionsValue(1460, -1, false, List.of(), -1, -1));
        assertEquals(TcpState.ESTABLISHED, e.state());
        assertEquals(List.of("connected"), r.events);
        // Data flows both ways.
        e.write(ByteBuffer.wrap("hi".getBytes()));
        StepHarness.Seg data = h.expect(ACK | PSH);
        assertEquals(syn.seq() + 1, data.seq());
        assertArrayEquals("hi".getBytes(), data.payload());
    }

    @Test
    void closedPortAnswersWithResetPerRfc9293() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        h.send(40000, 81, 5000, 0, SYN, 1000, new byte[0], TcpOptionsValue.NONE);
        StepHarness.Seg rst = h.expect(RST | ACK);
        assertEquals(0, rst.seq());
        assertEquals(5001, rst.ack(), "SEG.SEQ + SEG.LEN, the SYN counting one");
        h.send(40000, 81, 5000, 777, ACK, 1000, new byte[10], TcpOptionsValue.NONE);
        StepHarness.Seg rst2 = h.expect(RST);
        assertEquals(777, rst2.seq(), "<SEQ=SEG.ACK><CTL=RST>");
        h.send(40000, 81, 5000, 777, RST, 1000, new byte[0], TcpOptionsValue.NONE);
        h.expectNothing(); // never a RST for a RST
        h.send(40000, 81, 5000, 0, FIN, 1000, new byte[3], TcpOptionsValue.NONE);
        assertEquals(5004, h.expect(RST | ACK).ack(), "data and FIN both count");
    }

    @Test
    void connectToClosedPortFailsWithConnectionRefused() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        Recorder r = new Recorder();
        TcpEndpoint e = h.tcp.connect(PEER, 80, r);
        StepHarness.Seg syn = h.expect(SYN);
        // A RST without an acceptable ACK is ignored in SYN_SENT.
        h.send(80, syn.sourcePort(), 0, syn.seq() + 5, RST | ACK, 0, new byte[0], TcpOptionsValue.NONE);
        assertEquals(TcpState.SYN_SENT, e.state());
        h.send(80, syn.sourcePort(), 0, syn.seq() + 1, RST | ACK, 0, new byte[0], TcpOptionsValue.NONE);
        assertEquals(TcpState.CLOSED, e.state());
        assertEquals(SocketError.CONNECTION_REFUSED, e.error());
        assertEquals(List.of("error CONNECTION_REFUSED", "closed"), r.events);
        assertEquals(0, h.tcp.connections().size());
    }

    @Test
    void synAckWithWrongAckInSynSentGetsReset() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        TcpEndpoint e = h.tcp.connect(PEER, 80, null);
        StepHarness.Seg syn = h.expect(SYN);
        h.send(80, syn.sourcePort(), 7000, syn.seq() + 99, SYN | ACK, 1000, new byte[0], TcpOptionsValue.NONE);
        StepHarness.Seg rst = h.expect(RST);
        assertEquals(syn.seq() + 99, rst.seq());
        assertEquals(TcpState.SYN_SENT, e.state());
    }

    @Test
    void icmpErrorsDuringConnectBecomeSocketErrors() {
        StepHarness h = new StepHarness(StepHarness.defaults());
        TcpEndpoint e = h.tcp.connect(PEER, 80, null);
        StepHarness.Seg syn = h.expect(SYN);
        // A quote with a sequence number that is not in flight is ignored (RFC 5927 4.1).
        h.sendIcmpError(3, 3, 0, syn.sourcePort(), 80, syn.seq() + 1000);
        assertEquals(TcpState.SYN_SENT, e.state());
        h.sendIcmpError(3, 3, 0, syn.sourcePort(), 80, syn.seq());
        assertEquals(SocketError.CONNECTION_REFUSED, e.error());

        TcpEndpoint e2 = h.tcp.connect(PEER, 80, null);
        StepHarness.Seg syn2 = h.expect(SYN);
        h.sendIcmpError(3, 1, 0, syn2.sourcePort(), 80, syn2.seq());
        assertEquals(SocketError.HOST_UNREACHABLE, e2.error());
        assertEquals(TcpState.CLOSED, e2.state());
    }

    @Test
    void synRetransmissionsBackOffExponentiallyThenTimeOut() {
        StepHarness h = new StepHarness(StepHarness.defaults().withRetries(3, 5, 15));
        Recorder r = new Recorder();
        h.tcp.connect(PEER, 80, r);
        long t0 = h.expect(SYN).time();
        long[] expectedMs = {1000, 3000, 7000};
        for (long at : expectedMs) {
            StepHarness.Seg again = h.awaitSegment(20_000);
            again.expectFlags(SYN);
            assertEquals(at * MS, again.time() - t0, "RFC 6298 5.5: initial RTO 1 s, doubled each time");
        }
        h.advanceMs(7_999);
        assertTrue(r.events.isEmpty());
        h.advanceMs(2);
        assertEquals(List.of("error TIMED_OUT", "closed"), r.events, "timed out 15 s after the first SYN");
    }

    @Test
    void synCookiesKeepTheBacklogBoundedUnderSynFlood() {
        StepHarness h = new StepHarness(StepHarness.defaults().withSynQueue(4, true));
        TcpListener l = h.tcp.listen(0, 80, 16);
        for (int i = 0; i < 100; i++) {
            h.send(10000 + i, 80, 100L * i, 0, SYN, 1000, new byte[0], new TcpOptionsValue(1460, -1, false, List.of(), -1, -1));
            h.expect(SYN | ACK);
        }
        assertEquals(4, l.halfOpen(), "the SYN queue stays at its limit");
        assertEquals(4, h.tcp.connections().size(), "flooding SYNs beyond it cost no state");
        assertEquals(96, h.tcp.counters().get("SyncookiesSent"));
        // A legitimate client still gets in: its SYN is answered with a cookie, and its ACK returns it.
        h.send(33333, 80, 9000, 0, SYN, 1000, new byte[0], new TcpOptionsValue(1460, -1, false, List.of(), -1, -1));
        StepHarness.Seg cookie = h.expect(SYN | ACK);
        assertEquals(1460, cookie.options().mss());
        h.send(33333, 80, 9001, cookie.seq() + 1, ACK, 1000, "GET /".getBytes(), TcpOptionsValue.NONE);
        TcpEndpoint e = l.accept();
        assertNotNull(e);
        assertEquals(33333, e.remotePort());
        assertEquals(TcpState.ESTABLISHED, e.state());
        byte[] got = new byte[5];
        assertEquals(5, e.read(got, 0, 5));
        assertArrayEquals("GET /".getBytes(), got);
        // A forged cookie is refused with a RST.
        h.send(44444, 80, 9001, cookie.seq() + 1, ACK, 1000, new byte[0], TcpOptionsValue.NONE);
        h.settle();
        assertNull(l.accept());
        assertTrue(h.sent.stream().anyMatch(s -> s.has(RST) && s.destinationPort() == 44444));
    }

    @Test
    void acceptQueueIsBoundedByTheBacklog() {
        StepHarness h = new StepHarness(StepHarness.defaults().withOptions(false, false, false));
        TcpListener l = h.tcp.listen(0, 80, 2);
        long[] iss = new long[3];
        for (int i = 0; i < 3; i++) {
            h.send(20000 + i, 80, 1000, 0, SYN, 1000, new byte[0], TcpOptionsValue.NONE);
            iss[i] = h.expect(SYN | ACK).seq();
        }
        for (int i = 0; i < 3; i++) {
            h.send(20000 + i, 80, 1001, iss[i] + 1, ACK, 1000, new byte[0], TcpOptionsValue.NONE);
        }
        assertEquals(2, l.pending());
        assertEquals(1, l.halfOpen(), "the third final ACK is ignored while the accept queue is full");
        h.send(20009, 80, 1000, 0, SYN, 1000, new byte[0], TcpOptionsValue.NONE);
        h.expectNothing(); // accept queue full: the SYN is dropped and the client will retry
        assertNotNull(l.accept());
        h.send(20002, 80, 1001, iss[2] + 1, ACK, 1000, new byte[0], TcpOptionsValue.NONE);
        assertEquals(2, l.pending(), "the retried ACK completes the third connection");
        assertEquals(0, l.halfOpen());
    }
}
