package io.tapnet.transport.tcp;

import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.TcpView;

import java.util.ArrayDeque;

/**
 * A listening endpoint (RFC 9293 LISTEN). Two bounded queues, as in Linux: the SYN queue of
 * half-open connections (SYN_RECEIVED), bounded by {@link TcpConfig#synQueueLimit()}, and the accept
 * queue of established connections waiting for {@link #accept()}, bounded by the backlog.
 *
 * <p>Under a SYN flood the SYN queue fills; from then on SYNs are answered with SYN cookies (RFC
 * 4987 3.6) that cost no memory, so a legitimate client still gets in, or - with cookies off - are
 * dropped. When the accept queue is full, SYNs are dropped and final ACKs ignored (Linux's
 * behaviour without {@code tcp_abort_on_overflow}), and clients retry.
 */
public final class TcpListener {
    /** Called on the loop when a connection can be accepted. */
    public interface Events {
        void onAcceptable(TcpListener listener);
    }

    private final TcpLayer layer;
    private final int backlog;
    private final ArrayDeque<TcpEndpoint> acceptQueue = new ArrayDeque<>();
    private int synQueue;
    private Events events;
    private boolean closed;
    int localAddress;
    int localPort;
    TcpListener nextOnPort;

    TcpListener(TcpLayer layer, int backlog) {
        this.layer = layer;
        this.backlog = Math.max(1, backlog);
    }

    public TcpListener setEvents(Events events) {
        this.events = events;
        return this;
    }

    /** The next established connection, or null when none is waiting. */
    public TcpEndpoint accept() {
        if (closed) {
            throw new TransportException(SocketError.CLOSED);
        }
        TcpEndpoint e = acceptQueue.poll();
        if (e != null) {
            e.conn.parent = null;
        }
        return e;
    }

    /** Connections waiting in the accept queue. */
    public int pending() {
        return acceptQueue.size();
    }

    /** Half-open connections in the SYN queue. */
    public int halfOpen() {
        return synQueue;
    }

    public int backlog() {
        return backlog;
    }

    public int localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops listening; connections not yet accepted are reset, half-open ones forgotten. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        layer.removeListener(this);
        TcpEndpoint e;
        while ((e = acceptQueue.poll()) != null) {
            e.conn.parent = null;
            e.abort();
        }
        for (TcpEndpoint c : layer.connections()) {
            if (c.conn.parent == this && c.conn.state == TcpState.SYN_RECEIVED) {
                c.conn.destroy();
            }
        }
    }

    boolean acceptQueueFull() {
        return acceptQueue.size() >= backlog;
    }

    void established(TcpConnection c) {
        synQueue--;
        acceptQueue.add(c.endpoint);
        if (events != null) {
            events.onAcceptable(this);
        }
    }

    void halfOpenGone(TcpConnection c) {
        synQueue--;
    }

    /** RFC 9293 3.10.7.2, "If the state is LISTEN". */
    void segmentArrives(Segment s, long now) {
        if (s.has(TcpView.RST)) {
            return;
        }
        if (s.has(TcpView.ACK)) {
            if (!s.has(TcpView.SYN) && layer.config().synCookies() && tryCookie(s, now)) {
                return;
            }
            layer.sendReset(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.ack, 0, false);
            return;
        }
        if (!s.has(TcpView.SYN)) {
            return;
        }
        if (acceptQueueFull()) {
            layer.counters.listenOverflows++;
            layer.counters.listenDrops++;
            return;
        }
        if (synQueue >= layer.config().synQueueLimit()) {
            if (layer.config().synCookies()) {
                layer.sendCookieSynAck(s, now);
            } else {
                layer.counters.listenDrops++;
            }
            return;
        }
        TcpEndpoint e = new TcpEndpoint(layer);
        TcpConnection c = e.conn;
        c.localAddress = s.localAddress;
        c.localPort = s.localPort;
        c.remoteAddress = s.remoteAddress;
        c.remotePort = s.remotePort;
        synQueue++;
        c.acceptSyn(this, s, now);
    }

    private boolean tryCookie(Segment s, long now) {
        long cookie = SeqNum.add(s.ack, -1);
        long clientIsn = SeqNum.add(s.seq, -1);
        int mss = layer.cookies.check(s.localAddress, s.localPort, s.remoteAddress, s.remotePort, clientIsn, cookie, now);
        if (mss < 0) {
            layer.counters.synCookiesFailed++;
            return false;
        }
        if (acceptQueueFull()) {
            layer.counters.listenOverflows++;
            return true; // drop; the client retransmits
        }
        layer.counters.synCookiesReceived++;
        TcpEndpoint e = new TcpEndpoint(layer);
        TcpConnection c = e.conn;
        c.localAddress = s.localAddress;
        c.localPort = s.localPort;
        c.remoteAddress = s.remoteAddress;
        c.remotePort = s.remotePort;
        c.acceptCookie(this, s, mss, now);
        acceptQueue.add(e);
        c.segmentArrives(s, now); // the ACK may carry data
        if (events != null) {
            events.onAcceptable(this);
        }
        return true;
    }

    @Override
    public String toString() {
        return "LISTEN " + Ipv4Address.format(localAddress) + ":" + localPort + " " + acceptQueue.size() + "/" + backlog;
    }
}
