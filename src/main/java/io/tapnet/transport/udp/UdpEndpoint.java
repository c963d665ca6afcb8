package io.tapnet.transport.udp;

import io.tapnet.phy.Frame;
import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.wire.Ipv4Address;

import java.nio.ByteBuffer;

/**
 * A non-blocking UDP endpoint on the event loop: the core that a {@code DatagramSocket}-shaped
 * facade drives. All methods must be called on the loop.
 *
 * <p>Arriving datagrams wait in a bounded queue (by count and by payload bytes, like a socket's
 * receive buffer); when it is full, new datagrams are dropped and counted. The queue holds the
 * arriving frames themselves, so receiving copies the payload exactly once, into the caller's
 * buffer. {@link Events#onReadable} fires for every datagram queued.
 */
public final class UdpEndpoint {
    /** Linux's default {@code net.core.rmem_default}. */
    public static final int DEFAULT_RECEIVE_BUFFER = 212_992;
    /** At most this many datagrams wait, whatever their size. */
    public static final int DEFAULT_QUEUE_LIMIT = 1024;

    /** Readiness and error callbacks; both run on the loop. */
    public interface Events {
        /** A datagram is waiting. */
        default void onReadable(UdpEndpoint endpoint) {
        }

        /** An ICMP error about a datagram this connected endpoint sent (RFC 1122 4.1.3.3). */
        default void onError(UdpEndpoint endpoint, SocketError error) {
        }
    }

    private static final Events NO_EVENTS = new Events() {
    };

    private final UdpLayer layer;
    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;
    boolean broadcast;
    UdpEndpoint nextOnPort;
    private boolean closed;
    private Events events = NO_EVENTS;
    private SocketError pendingError;
    private int receiveBufferSize = DEFAULT_RECEIVE_BUFFER;

    private Frame[] frames = new Frame[16];
    private int[] payloadOffsets = new int[16];
    private int[] payloadLengths = new int[16];
    private int[] sources = new int[16];
    private int[] sourcePorts = new int[16];
    private int head;
    private int count;
    private int queuedBytes;
    private int lastSource;
    private int lastSourcePort;

    UdpEndpoint(UdpLayer layer) {
        this.layer = layer;
    }

    public UdpEndpoint setEvents(Events events) {
        this.events = events == null ? NO_EVENTS : events;
        return this;
    }

    /**
     * Binds to {@code address} (0 for every local address) and {@code port} (0 for an ephemeral
     * one).
     *
     * @throws TransportException ADDRESS_IN_USE, ADDRESS_NOT_AVAILABLE, INVALID_STATE if bound
     */
    public UdpEndpoint bind(int address, int port) {
        checkOpen();
        if (isBound()) {
            throw new TransportException(SocketError.INVALID_STATE, "already bound");
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        layer.bind(this, address, port);
        return this;
    }

    /**
     * Sets the default destination and filters arriving datagrams to those from it (RFC 1122
     * 4.1.3.4's "connected" UDP). Binds an ephemeral port first if unbound.
     */
    public void connect(int address, int port) {
        checkOpen();
        if (port <= 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        if (!isBound()) {
            bind(Ipv4Address.ANY, 0);
        }
        remoteAddress = address;
        remotePort = port;
    }

    public void disconnect() {
        remoteAddress = 0;
        remotePort = 0;
    }

    /** SO_BROADCAST: without it, sends to a broadcast address fail (as in Linux). */
    public void setBroadcast(boolean on) {
        broadcast = on;
    }

    public boolean isBroadcast() {
        return broadcast;
    }

    /** SO_RCVBUF: the most payload bytes that may wait in the queue. */
    public void setReceiveBufferSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("receive buffer " + bytes);
        }
        receiveBufferSize = bytes;
    }

    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram; advances its position. Binds an
     * ephemeral port first if unbound. A pending ICMP error on a connected endpoint is reported here
     * first, as Linux's next {@code send} does.
     *
     * @return the payload length
     * @throws TransportException NETWORK_UNREACHABLE, MESSAGE_TOO_LONG, BROADCAST_NOT_ENABLED, or
     *     the pending error
     */
    public int send(ByteBuffer src, int address, int port) {
        checkOpen();
        if (remotePort != 0) {
            SocketError e = takeError();
            if (e != null) {
                throw new TransportException(e);
            }
        }
        if (!isBound()) {
            bind(Ipv4Address.ANY, 0);
        }
        return layer.send(this, src, address, port);
    }

    /** Sends to the connected peer. */
    public int send(ByteBuffer src) {
        if (remotePort == 0) {
            throw new TransportException(SocketError.NOT_CONNECTED);
        }
        return send(src, remoteAddress, remotePort);
    }

    public int send(byte[] data, int offset, int length, int address, int port) {
        return send(ByteBuffer.wrap(data, offset, length), address, port);
    }

    /**
     * Copies the next datagram's payload into {@code dst} (a datagram longer than the room left is
     * truncated and the rest discarded, as {@code recvfrom} does) and dequeues it.
     *
     * @return the bytes copied, or -1 when no datagram is waiting
     */
    public int receive(ByteBuffer dst) {
        if (count == 0) {
            return -1;
        }
        int n = Math.min(payloadLengths[head], dst.remaining());
        dst.put(dst.position(), frames[head].buffer(), payloadOffsets[head], n);
        dst.position(dst.position() + n);
        dequeue();
        return n;
    }

    /** As {@link #receive(ByteBuffer)} into an array. */
    public int receive(byte[] into, int offset, int length) {
        return receive(ByteBuffer.wrap(into, offset, length));
    }

    /** Payload length of the next waiting datagram, or -1. */
    public int nextLength() {
        return count == 0 ? -1 : payloadLengths[head];
    }

    /** Source address of the datagram last returned by {@code receive}. */
    public int lastSourceAddress() {
        return lastSource;
    }

    /** Source port of the datagram last returned by {@code receive}. */
    public int lastSourcePort() {
        return lastSourcePort;
    }

    public int queuedDatagrams() {
        return count;
    }

    public int queuedBytes() {
        return queuedBytes;
    }

    /** SO_ERROR: the pending asynchronous error, cleared by reading it; null if none. */
    public SocketError takeError() {
        SocketError e = pendingError;
        pendingError = null;
        return e;
    }

    /** Unbinds and drops every queued datagram. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (isBound()) {
            layer.unbind(this);
        }
        while (count > 0) {
            dequeue();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isBound() {
        return localPort != 0;
    }

    public boolean isConnected() {
        return remotePort != 0;
    }

    public int localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public int remoteAddress() {
        return remoteAddress;
    }

    public int remotePort() {
        return remotePort;
    }

    @Override
    public String toString() {
        return "udp " + Ipv4Address.format(localAddress) + ":" + localPort
                + (remotePort == 0 ? "" : " -> " + Ipv4Address.format(remoteAddress) + ":" + remotePort)
                + " queued " + count + "/" + queuedBytes + "B";
    }

    // ------------------------------------------------------------------ called by the layer

    /** Takes ownership of {@code frame} when it returns true. */
    boolean enqueue(Frame frame, int payloadOffset, int payloadLength, int source, int sourcePort) {
        if (count >= DEFAULT_QUEUE_LIMIT || queuedBytes + payloadLength > receiveBufferSize) {
            return false;
        }
        if (count == frames.length) {
            grow();
        }
        int i = (head + count) & (frames.length - 1);
        frames[i] = frame;
        payloadOffsets[i] = payloadOffset;
        payloadLengths[i] = payloadLength;
        sources[i] = source;
        sourcePorts[i] = sourcePort;
        count++;
        queuedBytes += payloadLength;
        events.onReadable(this);
        return true;
    }

    void icmpError(SocketError error) {
        pendingError = error;
        events.onError(this, error);
    }

    private void dequeue() {
        Frame f = frames[head];
        frames[head] = null;
        lastSource = sources[head];
        lastSourcePort = sourcePorts[head];
        queuedBytes -= payloadLengths[head];
        head = (head + 1) & (frames.length - 1);
        count--;
        f.release();
    }

    private void grow() {
        int n = frames.length;
        Frame[] nf = new Frame[n * 2];
        int[] no = new int[n * 2];
        int[] nl = new int[n * 2];
        int[] ns = new int[n * 2];
        int[] np = new int[n * 2];
        for (int k = 0; k < count; k++) {
            int i = (head + k) & (n - 1);
            nf[k] = frames[i];
            no[k] = payloadOffsets[i];
            nl[k] = payloadLengths[i];
            ns[k] = sources[i];
            np[k] = sourcePorts[i];
        }
        frames = nf;
        payloadOffsets = no;
        payloadLengths = nl;
        sources = ns;
        sourcePorts = np;
        head = 0;
    }

    private void checkOpen() {
        if (closed) {
            throw new TransportException(SocketError.CLOSED);
        }
    }
}
