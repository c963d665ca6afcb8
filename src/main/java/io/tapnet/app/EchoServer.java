package io.tapnet.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ServerSocketFactory;

/**
 * The TCP echo service (RFC 862): whatever a client sends comes back, until the client closes its side;
 * then the server closes too. One thread per connection. {@link UdpEchoServer} is the UDP variant.
 * {@link #startDiscard} runs its sibling, the discard service (RFC 863): what a client sends is read
 * and thrown away, which makes it the receiving end of a throughput test.
 */
public final class EchoServer implements Service {
    /** RFC 862: "A server listens for TCP connections on TCP port 7." */
    public static final int DEFAULT_PORT = 7;
    /** RFC 863: "A server listens for TCP connections on TCP port 9." */
    public static final int DISCARD_PORT = 9;
    private static final int BUFFER = 16 * 1024;

    private final AcceptLoop loop;
    private final AtomicLong echoed = new AtomicLong();
    private final boolean discard;

    private EchoServer(ServerSocketFactory factory, InetAddress bindAddress, int port, AppThreads threads,
                       boolean discard) throws IOException {
        this.discard = discard;
        this.loop = AcceptLoop.start(factory, bindAddress, port, threads, kind(), this::echo);
    }

    /** Listens on {@code port} of every address, with a virtual thread per connection. */
    public static EchoServer start(ServerSocketFactory factory, int port) throws IOException {
        return start(factory, null, port, AppThreads.virtual());
    }

    /**
     * Listens and serves in the background until {@link #close()}.
     *
     * @param bindAddress the local address, or null for all
     * @param port        0 for an ephemeral port ({@link #port()} tells which)
     * @param threads     where the accept thread and the connection threads run
     */
    public static EchoServer start(ServerSocketFactory factory, InetAddress bindAddress, int port, AppThreads threads)
            throws IOException {
        return new EchoServer(factory, bindAddress, port, threads, false);
    }

    /** Like {@link #start(ServerSocketFactory, InetAddress, int, AppThreads)}, as the discard service. */
    public static EchoServer startDiscard(ServerSocketFactory factory, InetAddress bindAddress, int port,
                                          AppThreads threads) throws IOException {
        return new EchoServer(factory, bindAddress, port, threads, true);
    }

    private void echo(Socket connection) throws IOException {
        connection.setTcpNoDelay(true);
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();
        byte[] buffer = new byte[discard ? 4 * BUFFER : BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (discard) {
                echoed.addAndGet(n);
                continue;
            }
            out.write(buffer, 0, n);
            out.flush();
            echoed.addAndGet(n);
        }
    }

    /** Bytes sent back (echo) or thrown away (discard) so far, over all connections. */
    public long bytesEchoed() {
        return echoed.get();
    }

    /** Connections accepted so far. */
    public long connections() {
        return loop.acceptedConnections();
    }

    /** Connections open now. */
    public int openConnections() {
        return loop.openConnections();
    }

    @Override
    public String kind() {
        return discard ? "discard" : "echo";
    }

    @Override
    public String protocol() {
        return "tcp";
    }

    @Override
    public int port() {
        return loop.port();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public String describe() {
        String state = loop.isRunning() ? "" : loop.failure() != null ? " failed: " + loop.failure() : " stopped";
        return kind() + " :" + port() + "/tcp (" + loop.openConnections() + " open, " + loop.acceptedConnections()
                + " accepted, " + echoed.get() + (discard ? " bytes discarded)" : " bytes echoed)") + state;
    }

    @Override
    public void close() {
        loop.close();
    }

    @Override
    public String toString() {
        return describe();
    }
}
