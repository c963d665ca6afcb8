package io.tapnet.transport.tcp;

import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.wire.Ipv4Address;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A non-blocking TCP endpoint on the event loop: what a {@code java.net.Socket}-shaped facade drives.
 * Every method must be called on the loop, except {@link #offer} and {@link #take}, which an
 * application thread calls to move bytes in and out of the connection's buffers without waiting for
 * the loop. Obtain one from {@link TcpLayer#open()} (then {@link #bind} and/or {@link #connect}) or
 * from {@link TcpListener#accept()}.
 *
 * <p>Readiness is reported through {@link Events}, delivered after the segment or timer that caused
 * it has been fully processed (so calling back into the endpoint from a callback is safe):
 * <ul>
 *   <li>{@code onConnected} once, when an active open reaches ESTABLISHED;</li>
 *   <li>{@code onReadable} whenever new in-order data or the peer's FIN arrives;</li>
 *   <li>{@code onWritable} when acknowledgments free send-buffer space after a {@link #write}
 *       could not take everything offered (edge-triggered, like EPOLLET);</li>
 *   <li>{@code onError} when the connection fails (refused, reset, timed out, unreachable); the
 *       error stays readable through {@link #error()};</li>
 *   <li>{@code onClosed} once, when the connection has ended in either direction: TIME_WAIT or
 *       CLOSED reached, including after an error.</li>
 * </ul>
 * After {@link #close()} or {@link #abort()}, no more callbacks are made.
 */
public final class TcpEndpoint {

    /** Readiness callbacks; all run on the loop. */
    public interface Events {
        default void onConnected(TcpEndpoint endpoint) {
        }

        default void onReadable(TcpEndpoint endpoint) {
        }

        default void onWritable(TcpEndpoint endpoint) {
        }

        default void onError(TcpEndpoint endpoint, SocketError error) {
        }

        default void onClosed(TcpEndpoint endpoint) {
        }
    }

    private static final Events NO_EVENTS = new Events() {
    };

    private final TcpLayer layer;
    final TcpConnection conn;
    private Events events = NO_EVENTS;
    boolean bound;
    private volatile boolean closed;
    private Object attachment;
    /** Set by the loop: the connection is open and takes data, so {@link #offer} may append. */
    volatile boolean appendable;
    /** Whether {@link #progress} is queued on the loop; one at a time, however many offers and takes. */
    private final AtomicBoolean progressQueued = new AtomicBoolean();
    private final Runnable progress = this::progress;

    TcpEndpoint(TcpLayer layer) {
        this.layer = layer;
        this.conn = new TcpConnection(layer, this);
    }

    Events events() {
        return events;
    }

    public TcpEndpoint setEvents(Events events) {
        this.events = events == null ? NO_EVENTS : events;
        return this;
    }

    /** A slot for the facade or application (the blocking socket that owns this endpoint, say). */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    // ------------------------------------------------------------------ opening

    /**
     * Binds the local address (0 for any) and port (0 for an ephemeral one) before {@link #connect}.
     *
     * @throws TransportException ADDRESS_IN_USE, ADDRESS_NOT_AVAILABLE, INVALID_STATE
     */
    public TcpEndpoint bind(int address, int port) {
        checkOpen();
        if (bound || conn.state != TcpState.CLOSED) {
            throw new TransportException(SocketError.INVALID_STATE, "already bound");
        }
        layer.bind(this, address, port);
        conn.localAddress = address;
        conn.localPort = layer.lastBoundPort();
        bound = true;
        return this;
    }

    /**
     * Starts connecting (sends the SYN); completion arrives as {@code onConnected}, failure as
     * {@code onError} with CONNECTION_REFUSED, TIMED_OUT, HOST_UNREACHABLE or NETWORK_UNREACHABLE.
     *
     * @throws TransportException ALREADY_CONNECTED, NETWORK_UNREACHABLE (no route), ADDRESS_IN_USE
     */
    public void connect(int address, int port) {
        checkOpen();
        if (conn.state != TcpState.CLOSED || conn.error != null) {
            throw new TransportException(SocketError.ALREADY_CONNECTED);
        }
        if (port <= 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        layer.connect(this, address, port);
        conn.flushPendingEvents();
    }

    // ------------------------------------------------------------------ data

    /**
     * Queues bytes from {@code src} (advancing its position) for sending; returns how many fit in
     * the send buffer, possibly 0. Allowed while connecting: the data goes out once established.
     *
     * @throws TransportException the connection's error, BROKEN_PIPE after shutdownOutput or once the
     *     connection is gone, NOT_CONNECTED before connect
     */
    public int write(ByteBuffer src) {
        checkOpen();
        if (conn.error != null) {
            throw new TransportException(conn.error);
        }
        if (conn.outputShutdown) {
            throw new TransportException(SocketError.BROKEN_PIPE);
        }
        if (!conn.state.acceptsWrites()) {
            throw new TransportException(conn.state == TcpState.CLOSED && !wasConnected()
                    ? SocketError.NOT_CONNECTED : SocketError.BROKEN_PIPE);
        }
        int n = conn.write(src, layer.loop().now());
        conn.flushPendingEvents();
        return n;
    }

    /** As {@link #write(ByteBuffer)} from an array. */
    public int write(byte[] data, int offset, int length) {
        return write(ByteBuffer.wrap(data, offset, length));
    }

    /**
     * From an application thread (one at a time per endpoint, and not concurrently with
     * {@link #write}): copies up to {@code length} bytes into the send buffer on the caller's thread
     * and asks the loop, at most once until it has looked, to send them.
     *
     * @return the bytes taken, 0 when the send buffer is full, -1 when the connection is not (or no
     *     longer) established and open for writing: then {@link #write} on the loop says why
     */
    public int offer(byte[] data, int offset, int length) {
        if (!appendable || closed) {
            return -1;
        }
        int n = conn.sender.append(data, offset, length);
        if (n > 0) {
            queueProgress();
        }
        return n;
    }

    /**
     * From an application thread (one at a time per endpoint, and not concurrently with
     * {@link #read}): copies received bytes into {@code into} on the caller's thread, and asks the
     * loop to send a window update if reading may have opened the window enough for one.
     *
     * @return the bytes copied; 0 when none are ready (then {@link #read} on the loop tells end of
     *     stream and errors apart from "nothing yet"); -1 once the endpoint is closed
     */
    public int take(byte[] into, int offset, int length) {
        if (closed) {
            return -1;
        }
        int n = conn.receiver.take(into, offset, length);
        if (n > 0 && conn.receiver.mayWantWindowUpdate()) {
            queueProgress();
        }
        return n;
    }

    private void queueProgress() {
        if (!progressQueued.get() && progressQueued.compareAndSet(false, true)) {
            layer.loop().execute(progress);
        }
    }

    /** On the loop: catch up with what application threads did through offer and take. */
    private void progress() {
        progressQueued.set(false);
        if (!closed) {
            conn.appProgress(layer.loop().now());
            conn.flushPendingEvents();
        }
    }

    /**
     * Copies received bytes into {@code dst} (advancing its position).
     *
     * @return the bytes copied; 0 when nothing is ready; -1 at end of stream (the peer's FIN and
     *     every byte before it have been read)
     * @throws TransportException the connection's error once buffered data is exhausted
     */
    public int read(ByteBuffer dst) {
        checkOpen();
        if (conn.receiver.readable() > 0) {
            int n = conn.read(dst, layer.loop().now());
            conn.flushPendingEvents();
            return n;
        }
        if (conn.error != null) {
            throw new TransportException(conn.error);
        }
        if (conn.receiver.atEof()) {
            return -1;
        }
        return 0;
    }

    /** As {@link #read(ByteBuffer)} into an array. */
    public int read(byte[] into, int offset, int length) {
        return read(ByteBuffer.wrap(into, offset, length));
    }

    /** Half-close (RFC 9293 3.10.4 CLOSE of the sending side): a FIN follows the queued data. */
    public void shutdownOutput() {
        checkOpen();
        conn.sender.pull(); // what was offered goes before the FIN
        conn.shutdownOutput(layer.loop().now());
        conn.flushPendingEvents();
    }

    /**
     * Closes the endpoint: the connection finishes in the background (FIN after queued data, then
     * FIN_WAIT/TIME_WAIT) unless unread data remains, in which case it is reset (RFC 2525 2.17).
     * No more callbacks follow. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        conn.sender.pull(); // what was offered goes before the FIN
        conn.close(layer.loop().now());
    }

    /** Resets the connection at once (RFC 9293 3.10.5 ABORT); like close with SO_LINGER 0. */
    public void abort() {
        closed = true;
        conn.abort();
    }

    // ------------------------------------------------------------------ options

    /** TCP_NODELAY: turn Nagle's algorithm off. */
    public void setNoDelay(boolean on) {
        conn.sender.noDelay = on;
        if (on && conn.state.isSynchronized() && conn.sender.una >= 0) {
            conn.sender.output(layer.loop().now());
        }
    }

    public boolean noDelay() {
        return conn.sender.noDelay;
    }

    /** SO_KEEPALIVE: probe an idle connection (RFC 1122 4.2.3.6) with the layer's timings. */
    public void setKeepAlive(boolean on) {
        conn.setKeepAlive(on, layer.loop().now());
    }

    public boolean keepAlive() {
        return conn.keepAlive;
    }

    // ------------------------------------------------------------------ state

    public TcpState state() {
        return conn.state;
    }

    public boolean isConnected() {
        return conn.state.isSynchronized() && conn.state != TcpState.SYN_RECEIVED;
    }

    public boolean isClosed() {
        return closed;
    }

    private boolean wasConnected() {
        return conn.sender.iss != 0 || conn.sender.una >= 0;
    }

    /** The pending error (SO_ERROR), or null. */
    public SocketError error() {
        return conn.error;
    }

    /** Bytes {@link #read} would return now. */
    public int readableBytes() {
        return Math.max(0, conn.receiver.readable());
    }

    /** Room in the send buffer. */
    public int writableBytes() {
        return conn.sender.freeSpace();
    }

    /** The peer's FIN has arrived and all data before it was read. */
    public boolean isInputShutdown() {
        return conn.receiver.atEof();
    }

    public boolean isOutputShutdown() {
        return conn.outputShutdown;
    }

    /** Send-Q as {@code ss} shows it: bytes not yet acknowledged (sent or not). */
    public int sendQueue() {
        return conn.sender.queued();
    }

    /** Recv-Q as {@code ss} shows it: bytes received and not yet read. */
    public int receiveQueue() {
        return readableBytes();
    }

    public int localAddress() {
        return conn.localAddress;
    }

    public int localPort() {
        return conn.localPort;
    }

    public int remoteAddress() {
        return conn.remoteAddress;
    }

    public int remotePort() {
        return conn.remotePort;
    }

    /** A snapshot of the connection's internals, like Linux's {@code TCP_INFO}. */
    public TcpInfo info() {
        TcpSender s = conn.sender;
        return new TcpInfo(conn.state, s.mss, conn.ourMss, s.cc == null ? 0 : s.cc.cwnd(),
                s.cc == null ? 0 : s.cc.ssthresh(), conn.rtt.srtt(), conn.rtt.rto(), s.window,
                conn.receiver.window(), s.sentSegments, s.retransmittedSegments, s.fastRetransmits,
                s.timeoutRetransmits, conn.sackPermitted, conn.tsEnabled, s.shift, conn.receiver.shift,
                s.cc == null ? "" : s.cc.name(), s.recovery.name());
    }

    @Override
    public String toString() {
        return conn.state.ssName() + " " + Ipv4Address.format(conn.localAddress) + ":" + conn.localPort + " "
                + Ipv4Address.format(conn.remoteAddress) + ":" + conn.remotePort
                + " send-q " + sendQueue() + " recv-q " + receiveQueue();
    }

    private void checkOpen() {
        if (closed) {
            throw new TransportException(SocketError.CLOSED);
        }
    }
}
