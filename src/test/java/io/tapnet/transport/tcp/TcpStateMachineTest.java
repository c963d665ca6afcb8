package io.tapnet.transport.tcp;

import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.wire.TcpOptionsValue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static io.tapnet.transport.tcp.StepHarness.MS;
import static io.tapnet.transport.tcp.StepHarness.PEER;
import static io.tapnet.transport.tcp.StepHarness.bytes;
import static io.tapnet.wire.TcpView.ACK;
import static io.tapnet.wire.TcpView.FIN;
import static io.tapnet.wire.TcpView.PSH;
import static io.tapnet.wire.TcpView.RST;
import static io.tapnet.wire.TcpView.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step tests of the state machine after the handshake: every close sequence through TIME_WAIT, RST
 * in each state, out-of-window segments, zero windows and probes, retransmission timing and backoff,
 * fast retransmit, SACK blocks sent and used, delayed ACK, Nagle and keepalive. Options are off
 * unless a test needs them, so the segments are easy to read; the peer announces an MSS of 1000.
 */
class TcpStateMachineTest {
    static final int HOST_PORT = 80;
    static final int PEER_PORT = 40000;
    static final TcpOptionsValue MSS_1000 = new TcpOptionsValue(1000, -1, false, List.of(), -1, -1);

    /** A connection accepted from the peer, with both sides' next sequence numbers. */
    static final class Conn {
        final StepHarness h;
        final TcpEndpoint e;
        final TcpHandshakeTest.Recorder events = new TcpHandshakeTest.Recorder();
        long peerNxt;
        long hostNxt;

        Conn(StepHarness h, TcpEndpoint e, long peerNxt, long hostNxt) {
            this.h = h;
            this.e = e;
            this.peerNxt = peerNxt;
            this.hostNxt = hostNxt;
            e.setEvents(events);
        }

        /** The peer sends {@code flags} with its current sequence number and an ACK of everything. */
        void peer(int flags, byte[] data, int window) {
            h.send(PEER_PORT, HOST_PORT, peerNxt, hostNxt, flags, window, data, TcpOptionsValue.NONE);
            peerNxt += data.length + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
        }

        void peer(int flags) {
            peer(flags, new byte[0], 8000);
        }

        void peerAck(long ack, int window) {
            h.send(PEER_PORT, HOST_PORT, peerNxt, ack, ACK, window, new byte[0], TcpOptionsValue.NONE);
        }
    }

    static Conn accepted(TcpConfig config) {
        StepHarness h = new StepHarness(config);
        TcpListener l = h.tcp.listen(0, HOST_PORT, 8);
        h.send(PEER_PORT, HOST_PORT, 1000, 0, SYN, 8000, new byte[0], MSS_1000);
        StepHarness.Seg synAck = h.expect(SYN | ACK);
        h.send(PEER_PORT, HOST_PORT, 1001, synAck.seq() + 1, ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        h.expectNothing();
        return new Conn(h, l.accept(), 1001, synAck.seq() + 1);
    }

    static TcpConfig plain() {
        return StepHarness.defaults().withOptions(false, false, false).withTimeWait(Duration.ofSeconds(10));
    }

    // =================================================================== closing

    @Test
    void activeCloseGoesThroughFinWaitsAndTimeWait() {
        Conn c = accepted(plain());
        c.e.shutdownOutput();
        StepHarness.Seg fin = c.h.expect(FIN | ACK);
        assertEquals(c.hostNxt, fin.seq());
        assertEquals(TcpState.FIN_WAIT_1, c.e.state());
        c.peerAck(c.hostNxt + 1, 8000);
        assertEquals(TcpState.FIN_WAIT_2, c.e.state());
        c.h.expectNothing();
        c.peer(FIN | ACK);
        StepHarness.Seg ack = c.h.expect(ACK);
        assertEquals(c.peerNxt, ack.ack());
        assertEquals(TcpState.TIME_WAIT, c.e.state());
        assertEquals(-1, c.e.read(ByteBuffer.allocate(10)));
        assertTrue(c.events.events.contains("closed"));
        // A retransmitted FIN is acknowledged again and restarts the 2 MSL timer (RFC 9293 3.10.7.4).
        c.h.advanceMs(4_000);
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt - 1, c.hostNxt + 1, FIN | ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack());
        c.h.advanceMs(9_999);
        assertEquals(TcpState.TIME_WAIT, c.e.state(), "TIME_WAIT lasts the configured 10 s from the last FIN");
        c.h.advanceMs(1);
        assertEquals(TcpState.CLOSED, c.e.state());
        assertEquals(0, c.h.tcp.connections().size());
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        Conn c = accepted(plain());
        c.peer(FIN | ACK);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack(), "a FIN is acknowledged at once");
        assertEquals(TcpState.CLOSE_WAIT, c.e.state());
        assertEquals(-1, c.e.read(ByteBuffer.allocate(10)));
        assertTrue(c.events.events.contains("readable"), "end of stream is readable");
        c.e.write(ByteBuffer.wrap("bye".getBytes()));
        assertArrayEquals("bye".getBytes(), c.h.expect(ACK | PSH).payload(), "half-closed: we may still send");
        c.e.close();
        StepHarness.Seg fin = c.h.expect(FIN | ACK);
        assertEquals(c.hostNxt + 3, fin.seq());
        assertEquals(TcpState.LAST_ACK, c.e.state());
        c.peerAck(c.hostNxt + 4, 8000);
        assertEquals(TcpState.CLOSED, c.e.state());
        assertEquals(0, c.h.tcp.connections().size());
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        Conn c = accepted(plain());
        c.e.shutdownOutput();
        StepHarness.Seg fin = c.h.expect(FIN | ACK);
        // The peer's FIN crosses ours: it does not acknowledge our FIN.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt, c.hostNxt, FIN | ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        c.peerNxt++;
        assertEquals(c.peerNxt, c.h.expect(ACK).ack());
        assertEquals(TcpState.CLOSING, c.e.state());
        c.peerAck(fin.seq() + 1, 8000);
        assertEquals(TcpState.TIME_WAIT, c.e.state());
        c.h.advanceMs(10_000);
        assertEquals(TcpState.CLOSED, c.e.state());
    }

    @Test
    void finWait1WithFinAndAckTogetherGoesStraightToTimeWait() {
        Conn c = accepted(plain());
        c.e.shutdownOutput();
        c.h.expect(FIN | ACK);
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt, c.hostNxt + 1, FIN | ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        c.h.expect(ACK);
        assertEquals(TcpState.TIME_WAIT, c.e.state());
    }

    @Test
    void closeWithUnreadDataResets() {
        Conn c = accepted(plain());
        c.peer(ACK | PSH, bytes(10, 1), 8000);
        c.h.advanceMs(100);
        c.h.sent.clear();
        c.e.close();
        StepHarness.Seg rst = c.h.expect(RST | ACK);
        assertEquals(c.hostNxt, rst.seq());
        assertEquals(0, c.h.tcp.connections().size());
    }

    // =================================================================== resets

    @Test
    void resetInEachSynchronizedStateEndsTheConnection() {
        // ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT report "connection reset".
        for (TcpState target : new TcpState[] {TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2,
                TcpState.CLOSE_WAIT, TcpState.CLOSING, TcpState.LAST_ACK, TcpState.TIME_WAIT}) {
            Conn c = accepted(plain());
            driveTo(c, target);
            assertEquals(target, c.e.state());
            c.h.sent.clear();
            c.peer(RST);
            assertEquals(TcpState.CLOSED, c.e.state(), "RST in " + target);
            c.h.expectNothing();
            boolean reportsError = target == TcpState.ESTABLISHED || target == TcpState.FIN_WAIT_1
                    || target == TcpState.FIN_WAIT_2 || target == TcpState.CLOSE_WAIT;
            assertEquals(reportsError ? SocketError.CONNECTION_RESET : null, c.e.error(), "error after RST in " + target);
            assertEquals(0, c.h.tcp.connections().size());
        }
    }

    private static void driveTo(Conn c, TcpState target) {
        switch (target) {
            case ESTABLISHED -> {
            }
            case FIN_WAIT_1 -> {
                c.e.shutdownOutput();
                c.h.expect(FIN | ACK);
            }
            case FIN_WAIT_2 -> {
                c.e.shutdownOutput();
                c.h.expect(FIN | ACK);
                c.peerAck(c.hostNxt + 1, 8000);
            }
            case CLOSE_WAIT -> {
                c.peer(FIN | ACK);
                c.h.expect(ACK);
            }
            case CLOSING -> {
                c.e.shutdownOutput();
                c.h.expect(FIN | ACK);
                c.peer(FIN | ACK);
                c.h.expect(ACK);
            }
            case LAST_ACK -> {
                c.peer(FIN | ACK);
                c.h.expect(ACK);
                c.e.shutdownOutput();
                c.h.expect(FIN | ACK);
            }
            case TIME_WAIT -> {
                c.e.shutdownOutput();
                c.h.expect(FIN | ACK);
                c.hostNxt++;
                c.peer(FIN | ACK);
                c.h.expect(ACK);
            }
            default -> throw new IllegalArgumentException(target.toString());
        }
    }

    @Test
    void resetInSynReceivedReturnsToListen() {
        StepHarness h = new StepHarness(plain());
        TcpListener l = h.tcp.listen(0, HOST_PORT, 8);
        h.send(PEER_PORT, HOST_PORT, 1000, 0, SYN, 8000, new byte[0], MSS_1000);
        h.expect(SYN | ACK);
        assertEquals(1, l.halfOpen());
        h.send(PEER_PORT, HOST_PORT, 1001, 0, RST, 0, new byte[0], TcpOptionsValue.NONE);
        assertEquals(0, l.halfOpen());
        assertEquals(0, h.tcp.connections().size());
        h.expectNothing();
        // The listener still listens.
        h.send(PEER_PORT, HOST_PORT, 5000, 0, SYN, 8000, new byte[0], MSS_1000);
        h.expect(SYN | ACK);
    }

    @Test
    void resetValidationFollowsRfc5961() {
        Conn c = accepted(plain());
        // In the window but not exactly RCV.NXT: a challenge ACK, and the connection survives.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt + 100, 0, RST, 0, new byte[0], TcpOptionsValue.NONE);
        StepHarness.Seg challenge = c.h.expect(ACK);
        assertEquals(c.peerNxt, challenge.ack());
        assertEquals(TcpState.ESTABLISHED, c.e.state());
        // Outside the window: silently dropped.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt + 1_000_000, 0, RST, 0, new byte[0], TcpOptionsValue.NONE);
        c.h.expectNothing();
        assertEquals(TcpState.ESTABLISHED, c.e.state());
        // A SYN on an established connection: challenge ACK (RFC 5961 4.2).
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt + 5, 0, SYN, 8000, new byte[0], TcpOptionsValue.NONE);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack());
        assertEquals(TcpState.ESTABLISHED, c.e.state());
        assertEquals(2, c.h.tcp.counters().get("ChallengeACKs"));
    }

    @Test
    void abortSendsResetAndWriteAfterResetFails() {
        Conn c = accepted(plain());
        c.e.abort();
        StepHarness.Seg rst = c.h.expect(RST | ACK);
        assertEquals(c.hostNxt, rst.seq());
        assertEquals(c.peerNxt, rst.ack());
        Conn d = accepted(plain());
        d.peer(RST);
        TransportException x = assertThrows(TransportException.class, () -> d.e.write(ByteBuffer.allocate(1)));
        assertEquals(SocketError.CONNECTION_RESET, x.error());
        assertEquals(List.of("error CONNECTION_RESET", "closed"), d.events.events);
    }

    // =================================================================== windows

    @Test
    void outOfWindowSegmentsAreAcknowledgedAndDropped() {
        Conn c = accepted(plain().withBuffers(8192, 8192));
        // Entirely beyond the window.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt + 100_000, c.hostNxt, ACK, 8000, bytes(100, 1), TcpOptionsValue.NONE);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack());
        // An old duplicate.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt - 500, c.hostNxt, ACK, 8000, bytes(100, 1), TcpOptionsValue.NONE);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack());
        assertEquals(0, c.e.readableBytes());
        // An ACK of data never sent is answered with an ACK and ignored.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt, c.hostNxt + 5000, ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack());
        // A segment overlapping the left edge is trimmed and its new part taken.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt - 10, c.hostNxt, ACK, 8000, bytes(20, 7), TcpOptionsValue.NONE);
        assertEquals(10, c.e.readableBytes());
    }

    @Test
    void receiveWindowClosesAndReopensWithAnUpdate() {
        Conn c = accepted(plain().withBuffers(4096, 4096));
        for (int i = 0; i < 4; i++) {
            c.peer(ACK, bytes(1000, i), 8000);
        }
        c.h.advanceMs(50);
        StepHarness.Seg last = null;
        while (!c.h.sent.isEmpty()) {
            last = c.h.expect();
        }
        assertEquals(c.peerNxt, last.ack());
        assertEquals(96, last.window(), "4096 buffered minus 4000 unread");
        c.peer(ACK, bytes(96, 9), 8000);
        c.h.advanceMs(50);
        StepHarness.Seg zero = c.h.sent.pollLast();
        assertEquals(0, zero.window(), "the window is closed");
        // A zero-window probe from the peer gets an ACK that repeats the zero window.
        c.h.send(PEER_PORT, HOST_PORT, c.peerNxt - 1, c.hostNxt, ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        StepHarness.Seg probeAck = c.h.expect(ACK);
        assertEquals(0, probeAck.window());
        assertEquals(c.peerNxt, probeAck.ack());
        // Reading opens the window and sends an update.
        byte[] into = new byte[4096];
        assertEquals(4096, c.e.read(into, 0, 4096));
        StepHarness.Seg update = c.h.expect(ACK);
        assertEquals(4096, update.window());
    }

    @Test
    void zeroWindowIsProbedWithBackoffUntilItOpens() {
        Conn c = accepted(plain());
        c.peerAck(c.hostNxt, 0); // the peer closes its window
        c.e.write(ByteBuffer.wrap(bytes(500, 3)));
        c.h.expectNothing();
        long t0 = c.h.now();
        // No RTT sample yet beyond the handshake (0 ms here): RTO = 200 ms minimum.
        long[] expected = {200, 600, 1400, 3000};
        for (long at : expected) {
            StepHarness.Seg probe = c.h.awaitSegment(10_000).expectFlags(ACK);
            assertEquals(0, probe.payload().length);
            assertEquals(c.hostNxt - 1, probe.seq(), "probe just left of the window");
            assertEquals(at * MS, probe.time() - t0);
            c.peerAck(c.hostNxt, 0);
        }
        c.peerAck(c.hostNxt, 8000);
        StepHarness.Seg data = c.h.expect(ACK | PSH);
        assertEquals(500, data.payload().length);
        assertEquals(c.hostNxt, data.seq());
    }

    // =================================================================== retransmission

    @Test
    void retransmissionTimeoutBacksOffExactly() {
        StepHarness h = new StepHarness(plain());
        TcpListener l = h.tcp.listen(0, HOST_PORT, 8);
        h.send(PEER_PORT, HOST_PORT, 1000, 0, SYN, 8000, new byte[0], MSS_1000);
        StepHarness.Seg synAck = h.expect(SYN | ACK);
        h.advanceMs(100);
        h.send(PEER_PORT, HOST_PORT, 1001, synAck.seq() + 1, ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        Conn c = new Conn(h, l.accept(), 1001, synAck.seq() + 1);
        // RFC 6298 2.2: SRTT = 100 ms, RTTVAR = 50 ms, RTO = SRTT + 4 * RTTVAR = 300 ms.
        assertEquals(100 * MS, c.e.info().srttNanos());
        assertEquals(300 * MS, c.e.info().rtoNanos());
        c.e.write(ByteBuffer.wrap(bytes(100, 2)));
        long t0 = c.h.expect(ACK | PSH).time();
        long[] expected = {300, 900, 2100, 4500};
        for (long at : expected) {
            StepHarness.Seg again = c.h.awaitSegment(20_000);
            assertEquals(c.hostNxt, again.seq(), "the first unacknowledged segment is resent");
            assertEquals(at * MS, again.time() - t0, "RFC 6298 5.5 doubling");
        }
        assertEquals(4800 * MS, c.e.info().rtoNanos(), "backed off four times");
        // Karn: the ACK of a retransmitted segment gives no sample; new data drops the backoff.
        c.h.advanceMs(10);
        c.peerAck(c.hostNxt + 100, 8000);
        assertEquals(100 * MS, c.e.info().srttNanos());
        assertEquals(300 * MS, c.e.info().rtoNanos());
    }

    @Test
    void retransmissionsGiveUpAfterTheLimit() {
        Conn c = accepted(plain().withRetries(6, 5, 3));
        c.e.write(ByteBuffer.wrap(bytes(10, 1)));
        c.h.expect(ACK | PSH);
        c.h.advanceMs(60_000);
        assertEquals(TcpState.CLOSED, c.e.state());
        assertEquals(SocketError.TIMED_OUT, c.e.error());
    }

    @Test
    void threeDuplicateAcksTriggerFastRetransmitAndNewRenoRecovery() {
        Conn c = accepted(plain());
        c.e.setNoDelay(true);
        c.e.write(ByteBuffer.wrap(bytes(8000, 1)));
        long base = c.hostNxt;
        for (int i = 0; i < 8; i++) {
            StepHarness.Seg s = c.h.expect(ACK | (i == 7 ? PSH : 0));
            assertEquals(base + 1000L * i, s.seq());
            assertEquals(1000, s.payload().length);
        }
        c.h.expectNothing();
        // Segment 2 (base+1000) is lost; 3..8 arrive and each causes a duplicate ACK.
        c.peerAck(base + 1000, 64000);
        c.peerAck(base + 1000, 64000);
        c.peerAck(base + 1000, 64000);
        c.h.expectNothing();
        c.peerAck(base + 1000, 64000);
        StepHarness.Seg rexmit = c.h.expect(ACK);
        assertEquals(base + 1000, rexmit.seq(), "fast retransmit on the third duplicate");
        assertEquals(1, c.e.info().fastRetransmits());
        assertEquals("FAST", c.e.info().recovery());
        // A partial ACK (RFC 6582): segment 4 was lost too; it is resent at once.
        c.peerAck(base + 3000, 64000);
        StepHarness.Seg second = c.h.expect();
        assertEquals(base + 3000, second.seq());
        c.peerAck(base + 8000, 64000);
        assertEquals("NONE", c.e.info().recovery());
        assertEquals(0, c.e.info().timeouts());
    }

    @Test
    void sackBlocksAreSentForOutOfOrderData() {
        TcpConfig config = StepHarness.defaults().withOptions(false, true, false);
        StepHarness h = new StepHarness(config);
        TcpListener l = h.tcp.listen(0, HOST_PORT, 8);
        h.send(PEER_PORT, HOST_PORT, 1000, 0, SYN, 8000, new byte[0], new TcpOptionsValue(1000, -1, true, List.of(), -1, -1));
        StepHarness.Seg synAck = h.expect(SYN | ACK);
        assertTrue(synAck.options().sackPermitted());
        h.send(PEER_PORT, HOST_PORT, 1001, synAck.seq() + 1, ACK, 8000, new byte[0], TcpOptionsValue.NONE);
        TcpEndpoint e = l.accept();
        long ack = synAck.seq() + 1;
        // 1001..2000 lost; 2001..3000 arrives: immediate ACK with one SACK block.
        h.send(PEER_PORT, HOST_PORT, 2001, ack, ACK, 8000, bytes(1000, 2), TcpOptionsValue.NONE);
        StepHarness.Seg a1 = h.expect(ACK);
        assertEquals(1001, a1.ack());
        assertEquals(List.of(new io.tapnet.wire.SackBlock(2001, 3001)), a1.options().sackBlocks());
        // 4001..5000: a second block, listed first as the most recent (RFC 2018 4).
        h.send(PEER_PORT, HOST_PORT, 4001, ack, ACK, 8000, bytes(1000, 4), TcpOptionsValue.NONE);
        StepHarness.Seg a2 = h.expect(ACK);
        assertEquals(List.of(new io.tapnet.wire.SackBlock(4001, 5001), new io.tapnet.wire.SackBlock(2001, 3001)),
                a2.options().sackBlocks());
        // The first hole fills: the ACK jumps over the first block, one block remains.
        h.send(PEER_PORT, HOST_PORT, 1001, ack, ACK, 8000, bytes(1000, 1), TcpOptionsValue.NONE);
        StepHarness.Seg a3 = h.expect(ACK);
        assertEquals(3001, a3.ack());
        assertEquals(List.of(new io.tapnet.wire.SackBlock(4001, 5001)), a3.options().sackBlocks());
        assertEquals(2000, e.readableBytes());
        h.send(PEER_PORT, HOST_PORT, 3001, ack, ACK, 8000, bytes(1000, 3), TcpOptionsValue.NONE);
        StepHarness.Seg a4 = h.expect(ACK);
        assertEquals(5001, a4.ack());
        assertTrue(a4.options().sackBlocks().isEmpty());
        assertEquals(4000, e.readableBytes());
    }

    @Test
    void sackInformationDrivesRecoveryPerRfc6675() {
        TcpConfig config = StepHarness.defaults().withOptions(false, true, false);
        StepHarness h = new StepHarness(config);
        TcpListener l = h.tcp.listen(0, HOST_PORT, 8);
        h.send(PEER_PORT, HOST_PORT, 1000, 0, SYN, 64000, new byte[0], new TcpOptionsValue(1000, -1, true, List.of(), -1, -1));
        StepHarness.Seg synAck = h.expect(SYN | ACK);
        long base = synAck.seq() + 1;
        h.send(PEER_PORT, HOST_PORT, 1001, base, ACK, 64000, new byte[0], TcpOptionsValue.NONE);
        TcpEndpoint e = l.accept();
        e.setNoDelay(true);
        e.write(ByteBuffer.wrap(bytes(10_000, 5)));
        for (int i = 0; i < 10; i++) {
            assertEquals(base + 1000L * i, h.expect().seq());
        }
        // Segments 1 (base) and 5 (base+4000) are lost. Duplicate ACKs carry SACK blocks.
        h.send(PEER_PORT, HOST_PORT, 1001, base, ACK, 64000, new byte[0], StepHarness.sack(base + 1000, base + 2000));
        h.send(PEER_PORT, HOST_PORT, 1001, base, ACK, 64000, new byte[0], StepHarness.sack(base + 1000, base + 3000));
        h.expectNothing();
        h.send(PEER_PORT, HOST_PORT, 1001, base, ACK, 64000, new byte[0], StepHarness.sack(base + 1000, base + 4000));
        StepHarness.Seg r1 = h.expect(ACK);
        assertEquals(base, r1.seq(), "the first hole is resent");
        assertEquals("SACK", e.info().recovery());
        h.send(PEER_PORT, HOST_PORT, 1001, base, ACK, 64000, new byte[0],
                StepHarness.sack(base + 5000, base + 10_000, base + 1000, base + 4000));
        StepHarness.Seg r2 = h.expect(ACK);
        assertEquals(base + 4000, r2.seq(), "the second hole, and only it: SACKed data is not resent");
        h.expectNothing();
        h.send(PEER_PORT, HOST_PORT, 1001, base + 4000, ACK, 64000, new byte[0], StepHarness.sack(base + 5000, base + 10_000));
        h.send(PEER_PORT, HOST_PORT, 1001, base + 10_000, ACK, 64000, new byte[0], TcpOptionsValue.NONE);
        assertEquals("NONE", e.info().recovery());
        assertEquals(2, e.info().retransmits());
        assertEquals(0, e.info().timeouts());
    }

    // =================================================================== ACK and segment pacing

    @Test
    void delayedAckWaitsFortyMillisecondsOrTwoFullSegments() {
        Conn c = accepted(plain());
        c.peer(ACK, bytes(1000, 1), 8000);
        c.h.expectNothing();
        StepHarness.Seg delayed = c.h.awaitSegment(1000);
        assertEquals(40 * MS, delayed.time() - (c.h.now() - 40 * MS) - 0, "the delayed-ACK timer is 40 ms");
        assertEquals(c.peerNxt, delayed.ack());
        c.peer(ACK, bytes(1000, 2), 8000);
        c.h.expectNothing();
        c.peer(ACK, bytes(1000, 3), 8000);
        assertEquals(c.peerNxt, c.h.expect(ACK).ack(), "every second full-sized segment is ACKed at once");
    }

    @Test
    void nagleHoldsSmallSegmentsUnlessNoDelay() {
        Conn c = accepted(plain());
        c.e.write(ByteBuffer.wrap(bytes(10, 1)));
        c.h.expect(ACK | PSH);
        c.e.write(ByteBuffer.wrap(bytes(10, 2)));
        c.e.write(ByteBuffer.wrap(bytes(10, 3)));
        c.h.expectNothing();
        c.peerAck(c.hostNxt + 10, 8000);
        StepHarness.Seg coalesced = c.h.expect(ACK | PSH);
        assertEquals(20, coalesced.payload().length, "held data goes out together once the ACK arrives");
        c.e.setNoDelay(true);
        c.e.write(ByteBuffer.wrap(bytes(10, 4)));
        assertEquals(10, c.h.expect(ACK | PSH).payload().length, "TCP_NODELAY sends at once");
    }

    @Test
    void keepAliveProbesAnIdleConnectionAndGivesUp() {
        Conn c = accepted(plain().withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(1), 3));
        c.e.setKeepAlive(true);
        long t0 = c.h.now();
        StepHarness.Seg p1 = c.h.awaitSegment(20_000);
        assertEquals(10_000 * MS, p1.time() - t0);
        assertEquals(c.hostNxt - 1, p1.seq(), "RFC 1122 4.2.3.6: SEG.SEQ = SND.NXT - 1");
        // An answer resets the probing.
        c.peerAck(c.hostNxt, 8000);
        StepHarness.Seg p2 = c.h.awaitSegment(20_000);
        assertEquals(20_000 * MS, p2.time() - t0);
        assertEquals(21_000 * MS, c.h.awaitSegment(5_000).time() - t0);
        assertEquals(22_000 * MS, c.h.awaitSegment(5_000).time() - t0);
        c.h.advanceMs(999);
        assertEquals(TcpState.ESTABLISHED, c.e.state());
        c.h.advanceMs(1);
        assertEquals(SocketError.TIMED_OUT, c.e.error());
    }

    @Test
    void fragmentationNeededLowersTheMss() {
        Conn c = accepted(plain());
        c.e.setNoDelay(true);
        c.e.write(ByteBuffer.wrap(bytes(1000, 1)));
        StepHarness.Seg big = c.h.expect(ACK | PSH);
        c.h.sendIcmpError(3, 4, 576, HOST_PORT, PEER_PORT, big.seq());
        assertEquals(536, c.e.info().sendMss());
        StepHarness.Seg part = c.h.expect(ACK);
        assertEquals(536, part.payload().length, "the lost segment is resent in pieces that fit");
        assertEquals(big.seq(), part.seq());
    }

    @Test
    void connectionsAcceptedUseThePeerAddress() {
        Conn c = accepted(plain());
        assertEquals(PEER, c.e.remoteAddress());
        assertEquals(TcpState.ESTABLISHED, c.e.state());
    }
}
