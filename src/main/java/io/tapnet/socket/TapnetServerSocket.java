package io.tapnet.socket;

import io.tapnet.phy.EventLoop;
import io.tapnet.transport.TransportException;
import io.tapnet.transport.tcp.TcpEndpoint;
import io.tapnet.transport.tcp.TcpListener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.util.Set;

/** A {@link ServerSocket} that listens on an emulated host's TCP. */
public final class TapnetServerSocket extends ServerSocket {
    /** Linux's default somaxconn is 4096; java.net's default backlog is 50. */
    private static final int DEFAULT_BACKLOG = 50;

    private final EmulatedHost host;
    private final EventLoop loop;
    private final Readiness acceptable;
    private volatile TcpListener listener;
    private volatile boolean closed;
    private volatile int soTimeoutMillis;

    TapnetServerSocket(EmulatedHost host) throws IOException {
        super();
        this.host = host;
        this.loop = host.loop();
        this.acceptable = new Readiness(loop);
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
        bind(endpoint, DEFAULT_BACKLOG);
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (listener != null) {
            throw new SocketException("Already bound");
        }
        InetSocketAddress a = endpoint == null ? new InetSocketAddress(0) : (InetSocketAddress) endpoint;
        int address = host.toInt(a);
        int queue = backlog < 1 ? DEFAULT_BACKLOG : backlog;
        try {
            TcpListener l = loop.call(() -> host.tcp().listen(address, a.getPort(), queue));
            loop.call(() -> {
                l.setEvents(x -> acceptable.fire());
                return null;
            });
            listener = l;
        } catch (TransportException e) {
            throw SocketErrors.toIOException(e);
        }
    }

    @Override
    public Socket accept() throws IOException {
        TcpListener l = listener;
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (l == null) {
            throw new SocketException("Socket is not bound yet");
        }
        boolean app = loop.isAppThread();
        long timeout = soTimeoutMillis * 1_000_000L;
        while (true) {
            TcpEndpoint e = loop.call(() -> {
                if (l.isClosed()) {
                    return null;
                }
                TcpEndpoint accepted = l.accept();
                if (accepted == null) {
                    acceptable.arm(timeout, app);
                }
                return accepted;
            });
            if (e != null) {
                return loop.call(() -> new TapnetSocket(host, e));
            }
            if (closed) {
                throw new SocketException("Socket closed");
            }
            acceptable.block();
            if (closed) {
                throw new SocketException("Socket closed");
            }
            if (acceptable.timedOut()) {
                throw new SocketTimeoutException("Accept timed out");
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        TcpListener l = listener;
        loop.call(() -> {
            if (l != null) {
                l.close();
            }
            acceptable.fire();
            return null;
        });
    }

    @Override
    public boolean isBound() {
        return listener != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public InetAddress getInetAddress() {
        TcpListener l = listener;
        return l == null ? null : EmulatedHost.toInet(loop.call(l::localAddress));
    }

    @Override
    public int getLocalPort() {
        TcpListener l = listener;
        return l == null ? -1 : loop.call(l::localPort);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return listener == null ? null : new InetSocketAddress(getInetAddress(), getLocalPort());
    }

    @Override
    public void setSoTimeout(int timeout) {
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
    public void setReuseAddress(boolean on) {
    }

    @Override
    public boolean getReuseAddress() {
        return true;
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public int getReceiveBufferSize() {
        return host.tcp().config().receiveBufferSize();
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) {
        if (!supportedOptions().contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) {
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (name == StandardSocketOptions.SO_REUSEADDR) {
            return (T) Boolean.TRUE;
        }
        throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public String toString() {
        TcpListener l = listener;
        return "TapnetServerSocket[" + host.name() + (l == null ? " unbound" : " " + loop.call(l::toString)) + "]";
    }
}
