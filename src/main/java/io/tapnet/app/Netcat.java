package io.tapnet.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * A netcat: joins an input and an output stream to a connection. Like {@code nc -N HOST PORT}, it copies
 * the input to the socket and the socket to the output, half-closes the connection when the input ends,
 * and returns when the peer closes its side. {@link #listen} is {@code nc -l PORT} for one connection,
 * and {@link #udp} is {@code nc -u}: each read of the input goes out as one datagram, and what comes back
 * is written out until the socket has been quiet for the idle timeout.
 *
 * <p>The input is copied on a thread of its own (from the {@link AppThreads} given), the output on the
 * caller's. When the peer closes first, the input thread may still be blocked reading its stream; it
 * ends at its next read or write, because the socket is closed by then.
 */
public final class Netcat {

    /**
     * What a session moved.
     *
     * @param sent     bytes (or datagram payload bytes) sent to the peer
     * @param received bytes received from the peer
     * @param error    what ended the session abnormally (reset, timeout, refused), or null
     */
    public record Result(long sent, long received, IOException error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final AppThreads threads;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ZERO;
    private Duration drainTimeout = Duration.ofSeconds(2);

    public Netcat() {
        this(AppThreads.virtual());
    }

    public Netcat(AppThreads threads) {
        this.threads = Objects.requireNonNull(threads, "threads");
    }

    /** Like {@code nc -w}: how long a TCP connect may take. */
    public Netcat connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * How long the connection may stay silent before the session ends (zero: forever for TCP). For UDP,
     * where nothing says "done", zero means one second.
     */
    public Netcat idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    /**
     * How long a TCP session waits, once the peer has closed its side, for the input still being sent
     * (default 2 s). Input that is still open after that is abandoned, as when {@code nc} exits.
     */
    public Netcat drainTimeout(Duration timeout) {
        this.drainTimeout = timeout;
        return this;
    }

    /** {@code nc -N HOST PORT}. Connection errors are thrown; errors after connecting are in the result. */
    public Result connect(SocketFactory factory, InetSocketAddress target, InputStream in, OutputStream out)
            throws IOException {
        Socket socket = Connector.connect(factory, target, (int) connectTimeout.toMillis());
        return session(socket, in, out);
    }

    /** {@code nc -l PORT}: waits for one connection (on {@code bindAddress}, or all addresses if null), then talks to it. */
    public Result listen(ServerSocketFactory factory, InetAddress bindAddress, int port, InputStream in,
                         OutputStream out) throws IOException {
        try (ServerSocket server = bindAddress == null ? factory.createServerSocket(port, 1)
                : factory.createServerSocket(port, 1, bindAddress)) {
            return listen(server, in, out);
        }
    }

    /** Accepts one connection on {@code server} (already listening; left open) and talks to it. */
    public Result listen(ServerSocket server, InputStream in, OutputStream out) throws IOException {
        return session(server.accept(), in, out);
    }

    /**
     * Talks over an open connection until the peer closes it; closes it afterwards. When the peer's
     * end-of-stream arrives while input is still being sent, the input gets up to
     * {@link #drainTimeout} to finish (so a short input is never cut off by a race with a fast peer),
     * but an input that never ends does not keep the session open.
     */
    public Result session(Socket socket, InputStream in, OutputStream out) {
        AtomicLong sent = new AtomicLong();
        AtomicReference<IOException> sendError = new AtomicReference<>();
        CountDownLatch inputDone = new CountDownLatch(1);
        long received = 0;
        IOException error = null;
        try (socket) {
            socket.setSoTimeout((int) idleTimeout.toMillis());
            OutputStream toPeer = socket.getOutputStream();
            try {
                threads.start("nc send " + socket.getRemoteSocketAddress(), () -> {
                    try {
                        byte[] buffer = new byte[16 * 1024];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            toPeer.write(buffer, 0, n);
                            toPeer.flush();
                            sent.addAndGet(n);
                        }
                        socket.shutdownOutput();
                    } catch (IOException e) {
                        if (!socket.isClosed()) {
                            sendError.set(e);
                        }
                    } finally {
                        inputDone.countDown();
                    }
                });
            } catch (RuntimeException e) {
                inputDone.countDown();
                throw e;
            }
            InputStream fromPeer = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = fromPeer.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                received += n;
            }
            awaitQuietly(inputDone, drainTimeout);
        } catch (IOException e) {
            error = e;
        }
        if (error == null) {
            error = sendError.get();
        }
        return new Result(sent.get(), received, error);
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code nc -u HOST PORT} on {@code socket} (bound, and closed afterwards): every read of {@code in}
     * is one datagram; replies are written to {@code out} until the input has ended and nothing has
     * arrived for the idle timeout. An ICMP port unreachable ends the session with its error.
     */
    public Result udp(DatagramSocket socket, InetSocketAddress target, InputStream in, OutputStream out) {
        AtomicLong sent = new AtomicLong();
        AtomicReference<IOException> sendError = new AtomicReference<>();
        AtomicBoolean inputEnded = new AtomicBoolean();
        long received = 0;
        IOException error = null;
        int idleMillis = idleTimeout.isZero() ? 1000 : (int) idleTimeout.toMillis();
        try (socket) {
            socket.connect(target);
            socket.setSoTimeout(idleMillis);
            threads.start("nc udp send " + target, () -> {
                try {
                    byte[] buffer = new byte[UdpEchoServer.MAX_DATAGRAM];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        socket.send(new DatagramPacket(buffer, n, target));
                        sent.addAndGet(n);
                    }
                } catch (IOException e) {
                    if (!socket.isClosed()) {
                        sendError.set(e);
                    }
                } finally {
                    inputEnded.set(true);
                }
            });
            byte[] buffer = new byte[UdpEchoServer.MAX_DATAGRAM];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (sendError.get() == null) {
                // A quiet wait ends the session only if the input had already ended when it began.
                boolean endedBeforeWait = inputEnded.get();
                try {
                    packet.setData(buffer);
                    socket.receive(packet);
                    out.write(packet.getData(), packet.getOffset(), packet.getLength());
                    out.flush();
                    received += packet.getLength();
                } catch (SocketTimeoutException e) {
                    if (endedBeforeWait) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            error = e;
        }
        if (error == null) {
            error = sendError.get();
        }
        return new Result(sent.get(), received, error);
    }
}
