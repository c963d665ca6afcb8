package io.tapnet.transport.tcp;

import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Offload;
import io.tapnet.phy.Timer;
import io.tapnet.transport.SocketError;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.TcpOptions;
import io.tapnet.wire.TcpOptionsWriter;
import io.tapnet.wire.TcpView;

import java.nio.ByteBuffer;

/**
 * One TCP connection: the state machine of RFC 9293 3.10 ("Event Processing") over all eleven
 * states, option negotiation (MSS, window scale, SACK-permitted, timestamps with PAWS), RST and
 * ACK validation after RFC 5961, the timers that are not the sender's (delayed ACK, keepalive,
 * TIME_WAIT and FIN_WAIT_2), ICMP errors, and segment emission. Sending and receiving proper are
 * {@link TcpSender}'s and {@link TcpReceiver}'s; this class decides what each arriving segment means
 * and tells them.
 *
 * <p>Callbacks to the application are collected while a segment or timer is processed and
 * delivered at the end, so an application that calls back into the endpoint from a callback never
 * sees a half-updated connection.
 */
final class TcpConnection {
    private static final int ETH = EthernetView.HEADER_LENGTH;
    private static final int IP = Ipv4View.MIN_HEADER;
    /** RFC 9293 3.7.1: the default send MSS when the peer sends no MSS option. */
    static final int DEFAULT_MSS = 536;
    /** RFC 7323 5.5: a TS.Recent older than 24 days is too old for PAWS. */
    private static final long PAWS_IDLE_NANOS = 24L * 24 * 3600 * 1_000_000_000L;
    /** Linux's TCP_PAWS_WINDOW: timestamps this many ticks behind TS.Recent still pass. */
    private static final int PAWS_WINDOW_TICKS = 1;
    /** Linux's tcp_invalid_ratelimit default: at most one ACK per 500 ms answers rejected segments. */
    private static final long INVALID_ACK_INTERVAL_NANOS = 500_000_000L;
    private long lastPawsAck = Long.MIN_VALUE / 2;
    /** Timestamp clock: 1 ms per tick (RFC 7323 5.4 allows 1 ms to 1 s). */
    private static final long TS_TICK_NANOS = 1_000_000L;

    static final int EV_CONNECTED = 1;
    static final int EV_READABLE = 2;
    static final int EV_WRITABLE = 4;
    static final int EV_ERROR = 8;
    static final int EV_CLOSED = 16;

    final TcpLayer layer;
    final EventLoop loop;
    private final TcpConfig config;
    final TcpEndpoint endpoint;

    TcpState state = TcpState.CLOSED;
    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;
    boolean inTable;

    /** The listener a passively opened connection belongs to until it is accepted. */
    TcpListener parent;

    final RttEstimator rtt;
    final TcpSender sender;
    final TcpReceiver receiver;

    final Timer retransmitTimer;
    final Timer persistTimer;
    private final Timer delayedAckTimer;
    private final Timer keepAliveTimer;
    /** TIME_WAIT's 2*MSL, or the FIN_WAIT_2 timeout of a connection the application closed. */
    private final Timer lingerTimer;

    /** Our MSS (what we advertise): the outgoing interface's MTU minus 40 (RFC 9293 3.7.1). */
    int ourMss;
    boolean tsEnabled;
    long tsRecent;
    long tsRecentAt;
    long lastAckSent;
    private long tsOffset;
    boolean sackPermitted;
    /** Whether a SYN we sent or answered carried Window Scale, SACK-Permitted, Timestamps. */
    private boolean offerWs;
    private boolean offerSack;
    private boolean offerTs;
    private int handshakeRetransmits;
    private long synSentAt;
    /** Born from a SYN cookie: no options beyond MSS. */
    boolean fromCookie;

    boolean keepAlive;
    private long lastReceived;
    private int keepAliveProbesSent;

    /** The application closed the endpoint: no more callbacks, and data arriving now earns a RST. */
    boolean appClosed;
    boolean outputShutdown;
    /** The application wants to know when it can write again. */
    boolean writeBlocked;
    /** Bytes the blocked write still wanted: onWritable waits for that much room, or half the buffer. */
    private int writeWanted;
    SocketError error;
    private SocketError softError;
    private int pendingEvents;

    private final long[] sackEdges = new long[2 * TcpOptions.MAX_SACK_BLOCKS];

    TcpConnection(TcpLayer layer, TcpEndpoint endpoint) {
        this.layer = layer;
        this.loop = layer.loop();
        this.config = layer.config();
        this.endpoint = endpoint;
        this.rtt = new RttEstimator(config.initialRtoNanos(), config.minRtoNanos(), config.maxRtoNanos());
        this.sender = new TcpSender(this, config.sendBufferSize(), rtt);
        this.receiver = new TcpReceiver(config.receiveBufferSize());
        this.retransmitTimer = loop.newTimer(this::onRetransmitTimer);
        this.persistTimer = loop.newTimer(this::onPersistTimer);
        this.delayedAckTimer = loop.newTimer(this::onDelayedAckTimer);
        this.keepAliveTimer = loop.newTimer(this::onKeepAliveTimer);
        this.lingerTimer = loop.newTimer(this::onLingerTimer);
    }

    TcpConfig config() {
        return config;
    }

    // =================================================================== opening

    private void prepare(long now) {
        ourMss = layer.mssFor(remoteAddress);
        sender.mss = Math.min(ourMss, DEFAULT_MSS);
        receiver.peerMss = Math.min(ourMss, DEFAULT_MSS);
        offerWs = config.windowScaling();
        offerSack = config.sack();
        offerTs = config.timestamps();
        receiver.shift = offerWs ? TcpReceiver.shiftFor(config.receiveBufferSize()) : 0;
        tsOffset = layer.timestampOffset(localAddress, localPort, remoteAddress, remotePort);
        lastReceived = now;
    }

    /** Active open (RFC 9293 3.10.1): send a SYN and enter SYN_SENT. The 4-tuple is set. */
    void connect(long now) {
        prepare(now);
        sender.init(layer.isn(localAddress, localPort, remoteAddress, remotePort, now));
        sender.cc = config.congestionControl().create(sender.mss, config.initialWindowSegments());
        state = TcpState.SYN_SENT;
        layer.register(this);
        sender.nxt = 0;
        sendSyn(false, now);
        retransmitTimer.scheduleAt(now + rtt.rto());
    }

    /**
     * Passive open from LISTEN (RFC 9293 3.10.7.2): record the peer's SYN, answer SYN-ACK and enter
     * SYN_RECEIVED.
     */
    void acceptSyn(TcpListener listener, Segment s, long now) {
        parent = listener;
        prepare(now);
        receiver.init(s.seq);
        negotiate(s);
        sender.init(layer.isn(localAddress, localPort, remoteAddress, remotePort, now));
        sender.cc = config.congestionControl().create(sender.mss, config.initialWindowSegments());
        sender.wl1 = s.seq;
        sender.window = s.window; // RFC 7323 2.2: the window in a SYN is never scaled
        sender.maxWindow = sender.window;
        state = TcpState.SYN_RECEIVED;
        layer.register(this);
        sender.nxt = 0;
        sendSyn(true, now);
        retransmitTimer.scheduleAt(now + rtt.rto());
    }

    /**
     * A connection born from a valid SYN-cookie ACK (RFC 4987 3.6): straight to ESTABLISHED, with
     * the MSS the cookie carried and no other options.
     */
    void acceptCookie(TcpListener listener, Segment s, int mss, long now) {
        parent = listener;
        fromCookie = true;
        prepare(now);
        offerWs = false;
        offerSack = false;
        offerTs = false;
        receiver.shift = 0;
        receiver.init(SeqNum.add(s.seq, -1));
        sender.init(SeqNum.add(s.ack, -1));
        sender.mss = Math.min(mss, ourMss);
        receiver.peerMss = sender.mss;
        sender.cc = config.congestionControl().create(sender.mss, config.initialWindowSegments());
        sender.una = 0;
        sender.nxt = 0;
        sender.wl1 = SeqNum.add(s.seq, -1);
        sender.window = s.window;
        sender.maxWindow = s.window;
        // The window our cookie SYN-ACK advertised.
        receiver.windowField(true);
        state = TcpState.ESTABLISHED;
        layer.register(this);
        layer.counters.passiveOpens++;
        layer.counters.currentEstablished++;
        startKeepAlive(now);
    }

    /** Records the peer's SYN options and settles what both sides agreed to (RFC 7323, RFC 2018). */
    private void negotiate(Segment s) {
        TcpOptions o = s.options;
        boolean valid = s.optionsValid;
        int peerMss = valid && o.mss() > 0 ? o.mss() : DEFAULT_MSS;
        sender.mss = Math.max(64, Math.min(peerMss, ourMss));
        receiver.peerMss = sender.mss;
        if (offerWs && valid && o.windowScale() >= 0) {
            sender.shift = Math.min(o.windowScale(), 14); // RFC 7323 2.3: clamp to 14
        } else {
            sender.shift = 0;
            receiver.shift = 0;
            offerWs = false;
        }
        sackPermitted = offerSack && valid && o.sackPermitted();
        sender.sackEnabled = sackPermitted;
        offerSack = sackPermitted;
        tsEnabled = offerTs && valid && o.hasTimestamps();
        offerTs = tsEnabled;
        if (tsEnabled) {
            tsRecent = o.tsVal();
            tsRecentAt = loop.now();
        }
    }

    // =================================================================== arriving segments

    /** RFC 9293 3.10.7: a segment for this connection. */
    void segmentArrives(Segment s, long now) {
        lastReceived = now;
        keepAliveProbesSent = 0;
        switch (state) {
            case CLOSED, LISTEN -> layer.sendResetFor(s);
            case SYN_SENT -> synSentArrives(s, now);
            default -> synchronizedArrives(s, now);
        }
        flushEvents();
    }

    /** RFC 9293 3.10.7.3, "If the state is SYN-SENT". */
    private void synSentArrives(Segment s, long now) {
        boolean ack = s.has(TcpView.ACK);
        if (ack && s.ack != sender.seqOf(0)) {
            // The ACK does not acknowledge our SYN (SEG.ACK =< ISS or > SND.NXT).
            if (!s.has(TcpView.RST)) {
                layer.sendReset(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.ack, 0, false);
            }
            return;
        }
        if (s.has(TcpView.RST)) {
            if (ack) {
                fail(SocketError.CONNECTION_REFUSED); // RFC 9293: "error: connection reset" -> refused
            }
            return;
        }
        if (!s.has(TcpView.SYN)) {
            return;
        }
        receiver.init(s.seq);
        negotiate(s);
        sender.cc.setMss(sender.mss);
        sender.cc.setCwnd((long) config.initialWindowSegments() * sender.mss);
        if (ack) {
            sender.una = 0;
            sender.wl1 = s.seq;
            sender.wl2 = s.ack;
            sender.window = s.window; // unscaled in a SYN (RFC 7323 2.2)
            sender.maxWindow = sender.window;
            takeHandshakeRtt(s, now);
            retransmitTimer.cancel();
            establish(now);
            sendAck(now);
            sender.output(now);
        } else {
            // Simultaneous open (RFC 9293 Figure 8): answer SYN-ACK from SYN_RECEIVED.
            sender.wl1 = s.seq;
            sender.window = s.window;
            sender.maxWindow = sender.window;
            state = TcpState.SYN_RECEIVED;
            sendSyn(true, now);
        }
    }

    private void takeHandshakeRtt(Segment s, long now) {
        if (handshakeRetransmits == 0) {
            rtt.sample(now - synSentAt);
        } else if (tsEnabled && s.hasTimestamps() && s.options.tsEcr() != 0) {
            rtt.sample(tsRtt(s.options.tsEcr(), now));
        } else {
            rtt.handshakeTimedOut(); // RFC 6298 5.7
        }
    }

    private void establish(long now) {
        state = TcpState.ESTABLISHED;
        layer.counters.currentEstablished++;
        handshakeRetransmits = 0;
        startKeepAlive(now);
        if (parent == null) {
            pendingEvents |= EV_CONNECTED;
        }
        if (outputShutdown) {
            // RFC 9293 3.10.4: a CLOSE in SYN_RECEIVED was queued until ESTABLISHED.
            state = TcpState.FIN_WAIT_1;
            sender.finQueued = true;
        }
    }

    /** RFC 9293 3.10.7.4, "Otherwise" (every synchronized state, and SYN_RECEIVED). */
    private void synchronizedArrives(Segment s, long now) {
        long segOff = receiver.toOffset(s.seq);
        int segLen = s.length();
        boolean rst = s.has(TcpView.RST);
        // Simultaneous open (RFC 9293 Figure 8, line 5): in SYN_RECEIVED the peer's SYN-ACK repeats
        // its SYN, which RCV.NXT has passed; it is the ACK of our SYN, not an old duplicate (Linux
        // makes the same exception in tcp_validate_incoming).
        if (state == TcpState.SYN_RECEIVED && parent == null && s.has(TcpView.SYN) && s.has(TcpView.ACK)
                && !rst && s.seq == receiver.irs && s.ack == sender.seqOf(0)) {
            sender.una = 0;
            sender.wl1 = s.seq;
            sender.wl2 = s.ack;
            sender.window = s.window;
            sender.maxWindow = Math.max(sender.maxWindow, sender.window);
            takeHandshakeRtt(s, now);
            retransmitTimer.cancel();
            establish(now);
            sender.output(now);
            return;
        }

        // RFC 7323 5.3 PAWS: a timestamp older than TS.Recent marks an old duplicate. As Linux does,
        // one tick of disorder is tolerated (TCP_PAWS_WINDOW), since jitter reorders segments sent a
        // tick apart, and the duplicate ACK that answers a rejected segment is rate-limited.
        if (tsEnabled && s.hasTimestamps() && !rst && (int) (tsRecent - s.options.tsVal()) > PAWS_WINDOW_TICKS
                && now - tsRecentAt < PAWS_IDLE_NANOS) {
            layer.counters.pawsRejected++;
            if (now - lastPawsAck >= INVALID_ACK_INTERVAL_NANOS) {
                lastPawsAck = now;
                sendAck(now);
            }
            return;
        }

        // First, check the sequence number.
        if (!receiver.acceptable(segOff, segLen)) {
            if (state == TcpState.TIME_WAIT && s.has(TcpView.FIN) && !rst) {
                lingerTimer.scheduleAt(now + config.timeWaitNanos()); // RFC 9293: restart the 2 MSL timeout
            }
            if (!rst) {
                layer.counters.outOfWindow++;
                sendAck(now); // RFC 9293: an unacceptable segment is answered with an ACK and dropped
            }
            return;
        }
        // RFC 7323 4.3 (and 5.3 R3): remember the newest timestamp of an in-window segment.
        if (tsEnabled && s.hasTimestamps() && SeqNum.le(s.seq, lastAckSent)
                && SeqNum.ge(s.options.tsVal(), tsRecent)) {
            tsRecent = s.options.tsVal();
            tsRecentAt = now;
        }

        // Second, check the RST bit - RFC 5961 3.2: only an exact match resets, others get a challenge.
        if (rst) {
            if (s.seq != receiver.rcvNxtSeq()) {
                sendChallengeAck(now);
                return;
            }
            layer.counters.inResets++;
            switch (state) {
                case SYN_RECEIVED -> {
                    if (parent != null) {
                        destroy(); // back to LISTEN: the listener simply forgets it
                    } else {
                        fail(SocketError.CONNECTION_REFUSED);
                    }
                }
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> fail(SocketError.CONNECTION_RESET);
                default -> closeQuietly(); // CLOSING, LAST_ACK, TIME_WAIT
            }
            return;
        }

        // Fourth, check the SYN bit - RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK.
        if (s.has(TcpView.SYN)) {
            sendChallengeAck(now);
            return;
        }

        // Fifth, check the ACK field.
        if (!s.has(TcpView.ACK)) {
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (s.ack != sender.seqOf(0)) {
                layer.sendReset(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.ack, 0, false);
                return;
            }
            if (parent != null && parent.acceptQueueFull()) {
                // Like Linux with tcp_abort_on_overflow off: ignore the ACK; the SYN-ACK timer will
                // resend and the client's ACK will come again when there may be room.
                layer.counters.listenOverflows++;
                return;
            }
            sender.una = 0;
            sender.wl1 = s.seq;
            sender.wl2 = s.ack;
            sender.window = (long) s.window << sender.shift;
            sender.maxWindow = Math.max(sender.maxWindow, sender.window);
            takeHandshakeRtt(s, now);
            retransmitTimer.cancel();
            establish(now);
            if (parent != null) {
                parent.established(this);
                layer.counters.passiveOpens++;
            }
        }
        long ackOff = sender.toOffset(s.ack);
        if (ackOff > sender.nxt) {
            layer.counters.ackTooNew++;
            sendAck(now); // RFC 9293: it acknowledges something not yet sent
            return;
        }
        // RFC 5961 5.2: an ACK older than SND.UNA - MAX.SND.WND is not just old but suspicious.
        if (ackOff < sender.una - Math.max(sender.maxWindow, 1)) {
            sendChallengeAck(now);
            return;
        }
        if (ackOff >= sender.una) {
            boolean windowChanged = sender.updateWindow(s.seq, s.ack, s.window, false);
            long tsSample = -1;
            if (ackOff > sender.una && tsEnabled && s.hasTimestamps() && s.options.tsEcr() != 0) {
                tsSample = tsRtt(s.options.tsEcr(), now);
            }
            long freedBefore = sender.freeSpace();
            long acked = sender.onAck(ackOff, s, windowChanged, tsSample, now);
            // Like Linux's sk_stream_write_space, a blocked writer is woken once there is room worth
            // waking for - what it wanted, or half the buffer - not for every ACK that frees a little.
            int free = sender.freeSpace();
            if (acked > 0 && writeBlocked && free > freedBefore && free > 0
                    && free >= Math.min(writeWanted, sender.bufferSize() / 2)
                    && state.acceptsWrites() && !outputShutdown) {
                writeBlocked = false;
                pendingEvents |= EV_WRITABLE;
            }
        }
        switch (state) {
            case FIN_WAIT_1 -> {
                if (sender.finAcked()) {
                    state = TcpState.FIN_WAIT_2;
                    if (appClosed) {
                        lingerTimer.scheduleAt(now + config.finWait2TimeoutNanos());
                    }
                }
            }
            case CLOSING -> {
                if (sender.finAcked()) {
                    enterTimeWait(now);
                }
            }
            case LAST_ACK -> {
                if (sender.finAcked()) {
                    closeQuietly();
                    return;
                }
            }
            default -> {
            }
        }

        // Seventh, process the segment text; eighth, check the FIN bit.
        int payload = s.payloadLength;
        boolean fin = s.has(TcpView.FIN);
        if (payload > 0 || fin) {
            if (state.receivesData()) {
                if (appClosed && payload > 0) {
                    // RFC 9293 3.10.4 / RFC 2525 2.17: nobody will read this; tell the peer.
                    abortWithReset();
                    return;
                }
                int r = receiver.receive(segOff, s.buffer, s.payloadOffset, payload, fin, s.segmentSize);
                if (s.segmentSize > 0 && payload > s.segmentSize) {
                    // Like Linux's GRO receiver: a coalesced run of segments is acknowledged at once.
                    receiver.ackNow = true;
                }
                if ((r & (TcpReceiver.OUT_OF_ORDER | TcpReceiver.FILLED_HOLE | TcpReceiver.DUPLICATE)) != 0) {
                    receiver.ackNow = true; // RFC 5681 4.2: out-of-order data and filled holes are ACKed at once
                }
                if (payload > 0 && (r & (TcpReceiver.IN_ORDER | TcpReceiver.OUT_OF_ORDER)) == 0) {
                    receiver.ackNow = true;
                }
                if ((r & TcpReceiver.IN_ORDER) != 0) {
                    pendingEvents |= EV_READABLE;
                }
                if ((r & TcpReceiver.FIN) != 0) {
                    receiver.ackNow = true;
                    pendingEvents |= EV_READABLE;
                    finArrived(now);
                    if (state == TcpState.CLOSED) {
                        return;
                    }
                }
            } else {
                // CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT: a retransmitted FIN (or stray data); ACK it.
                receiver.ackNow = true;
                if (state == TcpState.TIME_WAIT && fin) {
                    lingerTimer.scheduleAt(now + config.timeWaitNanos()); // RFC 9293: restart the 2 MSL timeout
                }
            }
        }
        if (state == TcpState.TIME_WAIT) {
            if (receiver.ackNow) {
                sendAck(now);
            }
            return;
        }
        sender.output(now);
        if (receiver.owesImmediateAck()) {
            sendAck(now);
        } else if (receiver.unackedBytes > 0 && !delayedAckTimer.isScheduled()) {
            delayedAckTimer.scheduleAt(now + config.delayedAckNanos());
        }
    }

    /** RFC 9293 3.10.7.4 "eighth, check the FIN bit": the peer has finished sending. */
    private void finArrived(long now) {
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (sender.finAcked()) {
                    enterTimeWait(now);
                } else {
                    state = TcpState.CLOSING; // simultaneous close (RFC 9293 Figure 13)
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> {
            }
        }
    }

    private long tsRtt(long tsEcr, long now) {
        long ticks = (tsNow(now) - tsEcr) & 0xffffffffL;
        if (ticks > 0x7fffffffL) {
            return -1;
        }
        return ticks * TS_TICK_NANOS;
    }

    private long tsNow(long now) {
        return (now / TS_TICK_NANOS + tsOffset) & 0xffffffffL;
    }

    // =================================================================== application calls

    int write(ByteBuffer src, long now) {
        int n = sender.write(src);
        if (src.hasRemaining()) {
            writeBlocked = true;
            writeWanted = src.remaining();
        }
        if (n > 0 && state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED) {
            sender.output(now);
        }
        return n;
    }

    /**
     * The application appended to the send buffer or read from the receive buffer on its own
     * thread ({@link TcpEndpoint#offer}, {@link TcpEndpoint#take}): send what was appended, and
     * tell the peer if reading opened the window enough.
     */
    void appProgress(long now) {
        if (!state.isSynchronized() || state == TcpState.TIME_WAIT || state == TcpState.SYN_RECEIVED) {
            return;
        }
        if (sender.pull() && sender.una >= 0 && state.acceptsWrites()) {
            sender.output(now);
        }
        if (receiver.windowUpdateWorthwhile()) {
            sendAck(now);
        }
    }

    /** Whether an application thread may append without the loop: established, open, no error. */
    private void publishAppState() {
        boolean appendable = (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT) && !appClosed
                && !outputShutdown && error == null;
        if (endpoint.appendable != appendable) {
            endpoint.appendable = appendable;
        }
    }

    int read(ByteBuffer dst, long now) {
        int n = receiver.read(dst);
        if (n > 0 && state.isSynchronized() && state != TcpState.TIME_WAIT && receiver.windowUpdateWorthwhile()) {
            sendAck(now); // the window reopened enough to tell the peer (RFC 9293 3.8.6.2.2)
        }
        return n;
    }

    /** RFC 9293 3.10.4 CLOSE of the sending direction: queue a FIN after the data. */
    void shutdownOutput(long now) {
        if (outputShutdown) {
            return;
        }
        outputShutdown = true;
        switch (state) {
            case SYN_SENT -> {
                closeQuietly();
                return;
            }
            case SYN_RECEIVED -> {
                return; // the FIN waits for ESTABLISHED (see establish)
            }
            case ESTABLISHED -> state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> state = TcpState.LAST_ACK;
            default -> {
                return;
            }
        }
        sender.finQueued = true;
        if (sender.una >= 0) {
            sender.output(now);
        }
    }

    /** The application closed the endpoint. */
    void close(long now) {
        if (appClosed) {
            return;
        }
        appClosed = true;
        switch (state) {
            case CLOSED -> destroy();
            case SYN_SENT -> closeQuietly();
            case TIME_WAIT -> {
            }
            default -> {
                if (receiver.readable() > 0) {
                    abortWithReset(); // RFC 2525 2.17: unread data means the peer must learn of the loss
                    return;
                }
                shutdownOutput(now);
                if (state == TcpState.FIN_WAIT_2) {
                    lingerTimer.scheduleAt(now + config.finWait2TimeoutNanos());
                }
            }
        }
        flushEvents();
    }

    /** RFC 9293 3.10.5 ABORT: a RST if synchronized, then gone. */
    void abort() {
        appClosed = true;
        abortWithReset();
    }

    private void abortWithReset() {
        if (state.isSynchronized() && state != TcpState.TIME_WAIT) {
            layer.sendReset(localAddress, localPort, remoteAddress, remotePort, sender.seqOf(sender.nxt),
                    receiver.rcvNxtSeq(), true);
        }
        if (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT) {
            layer.counters.estabResets++;
        }
        if (!appClosed) {
            error = SocketError.CONNECTION_ABORTED;
            pendingEvents |= EV_ERROR;
        }
        closeQuietly();
    }

    void setKeepAlive(boolean on, long now) {
        keepAlive = on;
        if (on) {
            startKeepAlive(now);
        } else {
            keepAliveTimer.cancel();
        }
    }

    private void startKeepAlive(long now) {
        if (keepAlive && state.isSynchronized() && !keepAliveTimer.isScheduled()) {
            keepAliveTimer.scheduleAt(now + config.keepAliveIdleNanos());
        }
    }

    // =================================================================== errors and teardown

    /**
     * ICMP error quoting one of our segments (RFC 1122 4.2.3.9, RFC 5927): hard errors abort a
     * connection that is still opening; otherwise they are remembered as soft errors and reported if
     * the connection times out. Fragmentation needed lowers the MSS (RFC 1191).
     */
    void icmpError(int type, int code, long quotedSeq, int nextHopMtu, long now) {
        // RFC 5927 4.1: the quoted sequence number must be in flight.
        long off = sender.toOffset(quotedSeq);
        boolean inFlight = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED
                ? quotedSeq == sender.iss : off >= sender.una && off < Math.max(sender.nxt, sender.una + 1);
        if (!inFlight) {
            layer.counters.icmpIgnored++;
            return;
        }
        if (type == IcmpView.TYPE_DEST_UNREACHABLE && code == IcmpView.CODE_FRAGMENTATION_NEEDED) {
            int mss = nextHopMtu - IP - TcpView.MIN_HEADER;
            if (nextHopMtu >= 68 && mss < sender.mss) {
                sender.reduceMss(Math.max(mss, 48));
                if (state.isSynchronized() && !sender.queue.isEmpty()) {
                    sender.queue.markAllUnsacked(RetransmitQueue.LOST);
                    if (sender.recovery == TcpSender.Recovery.NONE || sender.recovery == TcpSender.Recovery.FAST) {
                        sender.recovery = TcpSender.Recovery.LOSS;
                        sender.recoverPoint = sender.nxt;
                    }
                    sender.queue.clearAll(RetransmitQueue.RETRANSMITTED);
                    sender.pipe = sender.queue.pipe();
                    sender.output(now);
                }
            }
            return;
        }
        SocketError e;
        if (type == IcmpView.TYPE_DEST_UNREACHABLE) {
            e = switch (code) {
                case IcmpView.CODE_PORT_UNREACHABLE, IcmpView.CODE_PROTOCOL_UNREACHABLE -> SocketError.CONNECTION_REFUSED;
                case IcmpView.CODE_NET_UNREACHABLE, 6 -> SocketError.NETWORK_UNREACHABLE;
                default -> SocketError.HOST_UNREACHABLE;
            };
        } else {
            e = SocketError.HOST_UNREACHABLE; // time exceeded: a routing loop or too far
        }
        if (state == TcpState.SYN_SENT && type == IcmpView.TYPE_DEST_UNREACHABLE) {
            fail(e);
            flushEvents();
            return;
        }
        softError = e;
    }

    /** The connection failed: report {@code e} and release everything. */
    void fail(SocketError e) {
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            layer.counters.attemptFails++;
        } else if (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT) {
            layer.counters.estabResets++;
        }
        if (parent != null && state == TcpState.SYN_RECEIVED) {
            destroy();
            return;
        }
        error = e;
        pendingEvents |= EV_ERROR;
        closeQuietly();
    }

    private void closeQuietly() {
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT) {
            pendingEvents |= EV_CLOSED;
        }
        destroy();
    }

    private void enterTimeWait(long now) {
        state = TcpState.TIME_WAIT;
        layer.counters.currentEstablished--;
        retransmitTimer.cancel();
        persistTimer.cancel();
        delayedAckTimer.cancel();
        keepAliveTimer.cancel();
        pendingEvents |= EV_CLOSED;
        if (config.timeWaitNanos() <= 0) {
            destroy();
        } else {
            lingerTimer.scheduleAt(now + config.timeWaitNanos());
        }
    }

    /** Removes the connection from every table and stops its timers; the state becomes CLOSED. */
    void destroy() {
        TcpState was = state;
        if (was == TcpState.ESTABLISHED || was == TcpState.FIN_WAIT_1 || was == TcpState.FIN_WAIT_2
                || was == TcpState.CLOSE_WAIT || was == TcpState.CLOSING || was == TcpState.LAST_ACK) {
            layer.counters.currentEstablished--;
        }
        state = TcpState.CLOSED;
        publishAppState();
        retransmitTimer.cancel();
        persistTimer.cancel();
        delayedAckTimer.cancel();
        keepAliveTimer.cancel();
        lingerTimer.cancel();
        sender.queue.clearAllRecords();
        if (parent != null && was == TcpState.SYN_RECEIVED) {
            parent.halfOpenGone(this);
        }
        if (inTable) {
            layer.unregister(this);
        }
        layer.releasePort(endpoint);
    }

    // =================================================================== timers

    private void onRetransmitTimer() {
        long now = loop.now();
        switch (state) {
            case SYN_SENT, SYN_RECEIVED -> {
                int limit = state == TcpState.SYN_SENT || parent == null ? config.synRetries() : config.synAckRetries();
                if (++handshakeRetransmits > limit) {
                    fail(softError != null ? softError : SocketError.TIMED_OUT);
                    break;
                }
                rtt.backOff();
                layer.counters.retransSegs++;
                sendSyn(state == TcpState.SYN_RECEIVED, now);
                retransmitTimer.scheduleAt(now + rtt.rto());
            }
            case CLOSED, LISTEN, TIME_WAIT -> {
            }
            default -> {
                if (!sender.onRetransmitTimeout(now, config.maxRetransmits())) {
                    fail(softError != null ? softError : SocketError.TIMED_OUT);
                }
            }
        }
        flushEvents();
    }

    private void onPersistTimer() {
        if (state.isSynchronized() && state != TcpState.TIME_WAIT) {
            sender.onPersistTimeout(loop.now());
        }
    }

    private void onDelayedAckTimer() {
        if (state.isSynchronized() && state != TcpState.TIME_WAIT && state != TcpState.SYN_RECEIVED
                && (receiver.unackedBytes > 0 || receiver.ackNow)) {
            sendAck(loop.now());
        }
    }

    /** RFC 1122 4.2.3.6: after an idle period, probe with SEG.SEQ = SND.NXT - 1 and no data. */
    private void onKeepAliveTimer() {
        long now = loop.now();
        if (!keepAlive || !state.isSynchronized() || state == TcpState.TIME_WAIT) {
            return;
        }
        long idleSince = lastReceived;
        if (keepAliveProbesSent == 0 && now - idleSince < config.keepAliveIdleNanos()) {
            keepAliveTimer.scheduleAt(idleSince + config.keepAliveIdleNanos());
            return;
        }
        if (keepAliveProbesSent >= config.keepAliveProbes()) {
            fail(softError != null ? softError : SocketError.TIMED_OUT);
            flushEvents();
            return;
        }
        keepAliveProbesSent++;
        layer.counters.keepAliveProbes++;
        emit(sender.seqOf(sender.nxt - 1), TcpView.ACK, 0, 0, now);
        keepAliveTimer.scheduleAt(now + config.keepAliveIntervalNanos());
    }

    private void onLingerTimer() {
        if (state == TcpState.TIME_WAIT) {
            destroy();
        } else if (state == TcpState.FIN_WAIT_2 && appClosed) {
            // Linux's tcp_fin_timeout: an orphan does not wait forever for the peer's FIN.
            closeQuietly();
        }
        flushEvents();
    }

    // =================================================================== emission

    /** Bytes of data that fit a segment next to the options it will carry (RFC 9293 3.7.1). */
    int payloadRoom(int mss) {
        int options = tsEnabled ? 12 : 0;
        if (sackPermitted && receiver.outOfOrderRanges() > 0) {
            int blocks = Math.min(receiver.outOfOrderRanges(), tsEnabled ? 3 : 4);
            options += 4 + 8 * blocks;
        }
        return Math.max(1, mss - options);
    }

    private void sendSyn(boolean withAck, long now) {
        synSentAt = now;
        emit(sender.iss, TcpView.SYN | (withAck ? TcpView.ACK : 0), 0, 0, now);
    }

    /** An ACK reflecting the receiver's state; in SYN_RECEIVED it is the SYN-ACK again. */
    void sendAck(long now) {
        if (state == TcpState.SYN_RECEIVED) {
            sendSyn(true, now);
            return;
        }
        if (state == TcpState.CLOSED || state == TcpState.SYN_SENT || state == TcpState.LISTEN) {
            return;
        }
        emit(sender.seqOf(sender.nxt), TcpView.ACK, 0, 0, now);
    }

    /** RFC 5961 7: challenge ACKs are rate limited per layer. */
    private void sendChallengeAck(long now) {
        layer.counters.challengeAcks++;
        if (layer.challengeAckAllowed(now)) {
            sendAck(now);
        }
    }

    /** The persist timer's probe: a zero-length segment just left of the window (like Linux). */
    void sendProbe(long now) {
        layer.counters.windowProbes++;
        emit(sender.seqOf(sender.una - 1), TcpView.ACK, 0, 0, now);
    }

    /**
     * Whether this connection hands IP super-frames and partial checksums (the stack's
     * {@linkplain Ipv4Stack#segmentationOffload() offloads}, for a peer not on this node).
     */
    boolean offloads() {
        Ipv4Stack stack = layer.stack();
        return stack.segmentationOffload() && !stack.isLocalAddress(remoteAddress);
    }

    /** A data segment (or a bare FIN) from the send buffer at {@code offset}. */
    void emitData(long offset, int len, boolean fin, long now) {
        emitData(offset, len, fin, 0, now);
    }

    /**
     * Data from the send buffer at {@code offset}; with {@code segmentSize} &gt; 0 and {@code len}
     * larger, one TSO super-frame standing for segments of {@code segmentSize} bytes each.
     */
    void emitData(long offset, int len, boolean fin, int segmentSize, long now) {
        int flags = TcpView.ACK;
        if (fin) {
            flags |= TcpView.FIN;
        }
        if (len > 0 && offset + len == sender.writeEnd) {
            flags |= TcpView.PSH; // RFC 9293 3.9.1: push at the end of what the application wrote
        }
        emit(sender.seqOf(offset), flags, offset, len, segmentSize, now);
    }

    private void emit(long seq, int flags, long dataOffset, int len, long now) {
        emit(seq, flags, dataOffset, len, 0, now);
    }

    /**
     * Builds one segment in a pooled frame and hands it to IP. Options: on a SYN those we offer;
     * otherwise timestamps when negotiated and SACK blocks while we hold out-of-order data.
     */
    private void emit(long seq, int flags, long dataOffset, int len, int segmentSize, long now) {
        Frame f = loop.acquire(ETH + IP + TcpView.MAX_HEADER + len);
        ByteBuffer b = f.buffer();
        int ipAt = f.offset() + ETH;
        int tcpAt = ipAt + IP;
        int p = tcpAt + TcpView.MIN_HEADER;
        boolean syn = (flags & TcpView.SYN) != 0;
        boolean ack = (flags & TcpView.ACK) != 0;
        long ackSeq = ack ? receiver.rcvNxtSeq() : 0;
        if (syn) {
            p += TcpOptionsWriter.writeMss(b, p, ourMss);
            if (offerSack) {
                p += TcpOptionsWriter.writeSackPermitted(b, p);
            }
            if (offerTs) {
                if (!offerSack) {
                    p += TcpOptionsWriter.writeNop(b, p);
                    p += TcpOptionsWriter.writeNop(b, p);
                }
                p += TcpOptionsWriter.writeTimestamps(b, p, tsNow(now), ack ? tsRecent : 0);
            } else if (offerSack) {
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeNop(b, p);
            }
            if (offerWs) {
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeWindowScale(b, p, receiver.shift);
            }
        } else {
            if (tsEnabled) {
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeTimestamps(b, p, tsNow(now), tsRecent);
            }
            if (sackPermitted && ack && receiver.outOfOrderRanges() > 0) {
                int n = receiver.sackBlocks(sackEdges, tsEnabled ? 3 : 4);
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeNop(b, p);
                p += TcpOptionsWriter.writeSack(b, p, sackEdges, n);
            }
        }
        int optionsLength = p - (tcpAt + TcpView.MIN_HEADER);
        p += TcpOptionsWriter.padToWord(b, p, optionsLength);
        int headerLength = p - tcpAt;
        if (len > 0) {
            sender.copyOut(dataOffset, b, p, len);
        }
        int segmentLength = headerLength + len;
        int window = receiver.windowField(syn);
        b.putShort(tcpAt + TcpView.SOURCE_PORT_OFFSET, (short) localPort);
        b.putShort(tcpAt + TcpView.DESTINATION_PORT_OFFSET, (short) remotePort);
        b.putInt(tcpAt + TcpView.SEQUENCE_NUMBER_OFFSET, (int) seq);
        b.putInt(tcpAt + TcpView.ACKNOWLEDGMENT_NUMBER_OFFSET, (int) ackSeq);
        b.put(tcpAt + TcpView.DATA_OFFSET_OFFSET, (byte) ((headerLength / 4) << 4));
        b.put(tcpAt + TcpView.FLAGS_OFFSET, (byte) flags);
        b.putShort(tcpAt + TcpView.WINDOW_OFFSET, (short) window);
        b.putShort(tcpAt + TcpView.URGENT_POINTER_OFFSET, (short) 0);
        int segments = 1;
        if (offloads()) {
            // CHECKSUM_PARTIAL: only the pseudo-header sum, folded and not complemented; whoever puts
            // the frame on a wire (or cuts it into segments) completes it.
            b.putShort(tcpAt + TcpView.CHECKSUM_OFFSET, (short) ~InternetChecksum.fold(
                    InternetChecksum.pseudoHeaderSum(localAddress, remoteAddress, Ipv4View.PROTO_TCP, segmentLength)));
            Offload.setNeedsChecksum(f, ETH + IP, TcpView.CHECKSUM_OFFSET);
            if (segmentSize > 0 && len > segmentSize) {
                Offload.setGso(f, Offload.GSO_TCPV4, segmentSize, ETH + IP + headerLength);
                segments = (len + segmentSize - 1) / segmentSize;
            }
        } else {
            TcpView view = layer.outView;
            view.wrap(b, tcpAt, segmentLength);
            view.fillChecksum(localAddress, remoteAddress, segmentLength);
        }
        // RFC 1191: DF set, so routers report a smaller path MTU instead of fragmenting.
        Ipv4Stack.writeIpv4Header(b, ipAt, IP + segmentLength, layer.stack().nextIdentification(), 0x4000,
                Ipv4Stack.DEFAULT_TTL, Ipv4View.PROTO_TCP, localAddress, remoteAddress);
        f.setLength(ETH + IP + segmentLength);
        if (ack) {
            receiver.ackSent();
            lastAckSent = ackSeq;
            delayedAckTimer.cancel();
        }
        layer.counters.outSegs += segments;
        layer.stack().send(f);
    }

    // =================================================================== events

    private void flushEvents() {
        publishAppState();
        while (pendingEvents != 0) {
            int ev = pendingEvents;
            pendingEvents = 0;
            if (appClosed) {
                continue;
            }
            TcpEndpoint.Events h = endpoint.events();
            if ((ev & EV_CONNECTED) != 0) {
                h.onConnected(endpoint);
            }
            if ((ev & EV_READABLE) != 0) {
                h.onReadable(endpoint);
            }
            if ((ev & EV_WRITABLE) != 0) {
                h.onWritable(endpoint);
            }
            if ((ev & EV_ERROR) != 0 && error != null) {
                h.onError(endpoint, error);
            }
            if ((ev & EV_CLOSED) != 0) {
                h.onClosed(endpoint);
            }
        }
    }

    /** Delivers callbacks collected during an application call. */
    void flushPendingEvents() {
        flushEvents();
    }

    @Override
    public String toString() {
        return state + " " + io.tapnet.wire.Ipv4Address.format(localAddress) + ":" + localPort + " -> "
                + io.tapnet.wire.Ipv4Address.format(remoteAddress) + ":" + remotePort;
    }
}
