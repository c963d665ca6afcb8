package io.tapnet.socket;

import io.tapnet.phy.EventLoop;
import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.transport.tcp.TcpEndpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Socket} that lives on an emulated host: every method is answered by tapnet's TCP on the
 * event loop, none by the operating system. Blocking calls wait for the endpoint's readiness events,
 * honour {@link #setSoTimeout} (in the network's time, virtual or real), and fail with the exceptions
 * {@code java.net} documents, so ordinary code runs unchanged.
 */
public final class TapnetSocket extends Socket {
    private final EmulatedHost host;
    private final EventLoop loop;
    private final Readiness readable;
    private final Readiness writable;
    private final Readiness connected;
    private TcpEndpoint endpoint;
    private InetSocketAddress bindAddress;
    private volatile int soTimeoutMillis;
    private boolean noDelay;
    private boolean keepAlive;
    private volatile boolean closed;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private InputStream in;
    private OutputStream out;
    /** One reader and one writer at a time: the endpoint's offer and take allow no more. */
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();

    TapnetSocket(EmulatedHost host) {
        this.host = host;
        this.loop = host.loop();
        this.readable = new Readiness(loop);
        this.writable = new Readiness(loop);
        this.connected = new Readiness(loop);
    }

    /** Wraps an endpoint a listener accepted. */
    TapnetSocket(EmulatedHost host, TcpEndpoint accepted) {
        this(host);
        this.endpoint = accepted;
        this.connectedOnce = true;
        accepted.setEvents(events());
        accepted.attach(this);
    }

    private TcpEndpoint.Events events() {
        return new TcpEndpoint.Events() {
            @Override
            public void onConnected(TcpEndpoint e) {
                connected.fire();
            }

            @Override
            public void onReadable(TcpEndpoint e) {
                readable.fire();
            }

            @Override
            public void onWritable(TcpEndpoint e) {
                writable.fire();
            }

            @Override
            public void onError(TcpEndpoint e, SocketError error) {
                fireAll();
            }

            @Override
            public void onClosed(TcpEndpoint e) {
                fireAll();
            }
        };
    }

    private void fireAll() {
        connected.fire();
        readable.fire();
        writable.fire();
    }

    public EmulatedHost host() {
        return host;
    }

    // ------------------------------------------------------------------ connecting

    @Override
    public void bind(SocketAddress local) throws IOException {
        checkOpen();
        if (bindAddress != null || endpoint != null) {
            throw new SocketException("Already bound");
        }
        InetSocketAddress a = local == null ? new InetSocketAddress(0) : (InetSocketAddress) local;
        int address = host.toInt(a);
        TcpEndpoint e = call(() -> host.tcp().open().bind(address, a.getPort()));
        e.setEvents(events());
        e.attach(this);
        endpoint = e;
        bindAddress = a;
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    @Override
    public void connect(SocketAddress remote, int timeoutMillis) throws IOException {
        checkOpen();
        if (!(remote instanceof InetSocketAddress target)) {
            throw new IllegalArgumentException("unsupported address type: " + remote);
        }
        if (isConnected()) {
            throw new SocketException("already connected");
        }
        int address = host.toInt(target);
        boolean app = loop.isAppThread();
        if (endpoint == null) {
            TcpEndpoint e = call(() -> host.tcp().open());
            e.setEvents(events());
            e.attach(this);
            endpoint = e;
        }
        TcpEndpoint e = endpoint;
        call(() -> {
            connected.arm(timeoutMillis * 1_000_000L, app);
            e.connect(address, target.getPort());
            return null;
        });
        while (true) {
            connected.block();
            Object state = loop.call(() -> e.isConnected() ? Boolean.TRUE : e.error());
            if (state == Boolean.TRUE) {
                connectedOnce = true;
                return;
            }
            if (state instanceof SocketError error) {
                closeQuietly();
                if (error == SocketError.TIMED_OUT) {
                    throw new java.net.ConnectException("Connection timed out");
                }
                throw SocketErrors.toIOException(error);
            }
            if (connected.timedOut()) {
                loop.call(() -> {
                    e.abort();
                    return null;
                });
                closed = true;
                throw new SocketTimeoutException("Connect timed out");
            }
            loop.call(() -> {
                connected.arm(0, app);
                return null;
            });
        }
    }

    // ------------------------------------------------------------------ data

    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        TcpEndpoint e = requireConnected();
        if (inputShutdown) {
            return -1;
        }
        readLock.lock();
        try {
            boolean app = loop.isAppThread();
            long timeout = soTimeoutMillis * 1_000_000L;
            while (true) {
                // Bytes already received are copied here, on the application's thread, with no hand-off;
                // only when there are none is the loop asked (which also tells EOF and errors apart).
                int n = e.take(b, off, len);
                if (n > 0) {
                    return n;
                }
                n = call(() -> {
                    int r = e.read(b, off, len);
                    if (r == 0) {
                        readable.arm(timeout, app);
                    }
                    return r;
                });
                if (n != 0) {
                    return n;
                }
                readable.block();
                if (readable.timedOut()) {
                    throw new SocketTimeoutException("Read timed out");
                }
                checkOpen();
            }
        } finally {
            readLock.unlock();
        }
    }

    int available() throws IOException {
        TcpEndpoint e = requireConnected();
        return call(e::readableBytes);
    }

    void write(byte[] b, int off, int len) throws IOException {
        TcpEndpoint e = requireConnected();
        if (outputShutdown) {
            throw new SocketException("Socket output is shutdown");
        }
        writeLock.lock();
        try {
            boolean app = loop.isAppThread();
            int done = 0;
            while (done < len) {
                // While the send buffer has room, the bytes are copied here and the loop is nudged
                // once; the loop is asked (and waited for) only when the buffer is full or the
                // connection is not simply established, so that its answer (or error) is exact.
                int n = e.offer(b, off + done, len - done);
                if (n > 0) {
                    done += n;
                    continue;
                }
                int from = off + done;
                int count = len - done;
                n = call(() -> {
                    int w = e.write(b, from, count);
                    if (w == 0) {
                        writable.arm(0, app);
                    }
                    return w;
                });
                if (n == 0) {
                    writable.block();
                    checkOpen();
                }
                done += n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public InputStream getInputStream() throws IOException {
        requireConnected();
        if (in == null) {
            in = new SocketInput(this);
        }
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        requireConnected();
        if (out == null) {
            out = new SocketOutput(this);
        }
        return out;
    }

    @Override
    public void shutdownInput() throws IOException {
        requireConnected();
        inputShutdown = true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        TcpEndpoint e = requireConnected();
        if (!outputShutdown) {
            outputShutdown = true;
            call(() -> {
                e.shutdownOutput();
                return null;
            });
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        TcpEndpoint e = endpoint;
        if (e != null) {
            loop.call(() -> {
                e.close();
                fireAll();
                return null;
            });
        }
    }

    private void closeQuietly() {
        closed = true;
        TcpEndpoint e = endpoint;
        if (e != null) {
            loop.call(() -> {
                e.close();
                return null;
            });
        }
    }

    // ------------------------------------------------------------------ state

    private TcpEndpoint requireConnected() throws IOException {
        checkOpen();
        if (!isConnected()) {
            throw new SocketException("Socket is not connected");
        }
        return endpoint;
    }

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    private <T> T call(java.util.function.Supplier<T> work) throws IOException {
        try {
            return loop.call(work);
        } catch (TransportException e) {
            throw SocketErrors.toIOException(e);
        }
    }

    /** As java.net's: true once connected, even after close. */
    @Override
    public boolean isConnected() {
        return connectedOnce;
    }

    private volatile boolean connectedOnce;

    @Override
    public boolean isBound() {
        return endpoint != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public InetAddress getInetAddress() {
        TcpEndpoint e = endpoint;
        return e == null || !isConnected() ? null : EmulatedHost.toInet(loop.call(e::remoteAddress));
    }

    @Override
    public int getPort() {
        TcpEndpoint e = endpoint;
        return e == null || !isConnected() ? 0 : loop.call(e::remotePort);
    }

    @Override
    public InetAddress getLocalAddress() {
        TcpEndpoint e = endpoint;
        return EmulatedHost.toInet(e == null ? 0 : loop.call(e::localAddress));
    }

    @Override
    public int getLocalPort() {
        TcpEndpoint e = endpoint;
        return e == null ? -1 : loop.call(e::localPort);
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return isConnected() ? new InetSocketAddress(getInetAddress(), getPort()) : null;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return isBound() ? new InetSocketAddress(getLocalAddress(), getLocalPort()) : null;
    }

    // ------------------------------------------------------------------ options

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        soTimeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return soTimeoutMillis;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        noDelay = on;
        TcpEndpoint e = endpoint;
        if (e != null) {
            loop.call(() -> {
                e.setNoDelay(on);
                return null;
            });
        }
    }

    @Override
    public boolean getTcpNoDelay() {
        return noDelay;
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        keepAlive = on;
        TcpEndpoint e = endpoint;
        if (e != null) {
            loop.call(() -> {
                e.setKeepAlive(on);
                return null;
            });
        }
    }

    @Override
    public boolean getKeepAlive() {
        return keepAlive;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
        // Accepted for compatibility; close() always finishes the connection in the background.
    }

    @Override
    public int getSoLinger() {
        return -1;
    }

    @Override
    public void setSendBufferSize(int size) {
        // Buffer sizes are per TCP layer (TcpConfig); the request is accepted and ignored, as the kernel may.
    }

    @Override
    public int getSendBufferSize() {
        return host.tcp().config().sendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public int getReceiveBufferSize() {
        return host.tcp().config().receiveBufferSize();
    }

    @Override
    public void setReuseAddress(boolean on) {
    }

    @Override
    public boolean getReuseAddress() {
        return false;
    }

    @Override
    public void setTrafficClass(int tc) {
    }

    @Override
    public int getTrafficClass() {
        return 0;
    }

    @Override
    public void setOOBInline(boolean on) {
    }

    @Override
    public boolean getOOBInline() {
        return false;
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported");
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (!supportedOptions().contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            return (T) Boolean.valueOf(noDelay);
        }
        if (name == StandardSocketOptions.SO_KEEPALIVE) {
            return (T) Boolean.valueOf(keepAlive);
        }
        if (name == StandardSocketOptions.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (name == StandardSocketOptions.SO_REUSEADDR) {
            return (T) Boolean.FALSE;
        }
        if (name == StandardSocketOptions.SO_LINGER) {
            return (T) Integer.valueOf(-1);
        }
        throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
                StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR,
                StandardSocketOptions.SO_LINGER);
    }

    @Override
    public String toString() {
        TcpEndpoint e = endpoint;
        return "TapnetSocket[" + host.name() + (e == null ? " unbound" : " " + loop.call(e::toString)) + "]";
    }
}
