package io.tapnet.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The netcat over the real loopback: half-close, peer close, listen mode and UDP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetcatTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void halfClosesAtInputEndAndReadsTheReplyUntilThePeerCloses() throws Exception {
        // A server that answers only once it has seen the client's FIN: without the half-close it would hang.
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    byte[] all = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("got " + all.length + " bytes: "
                            + new String(all, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Netcat.Result r = new Netcat().connect(SocketFactory.getDefault(),
                    new InetSocketAddress(LOOPBACK, server.getLocalPort()), text("hello\n"), out);
            served.get(10, TimeUnit.SECONDS);
            assertNull(r.error());
            assertEquals("got 6 bytes: hello\n", out.toString(StandardCharsets.UTF_8));
            assertEquals(6, r.sent());
            assertEquals(out.size(), r.received());
        }
    }

    @Test
    void returnsWhenThePeerClosesEvenIfTheInputNeverEnds() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
             PipedOutputStream keepOpen = new PipedOutputStream();
             PipedInputStream never = new PipedInputStream(keepOpen)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("banner\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test fails on the client side
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long start = System.nanoTime();
            Netcat.Result r = new Netcat().drainTimeout(Duration.ofMillis(200)).connect(SocketFactory.getDefault(),
                    new InetSocketAddress(LOOPBACK, server.getLocalPort()), never, out);
            assertEquals("banner\n", out.toString(StandardCharsets.US_ASCII));
            assertTrue(r.ok());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the open input did not hold it");
        }
    }

    @Test
    void talksToTheEchoServer() throws Exception {
        try (EchoServer echo = EchoServer.start(ServerSocketFactory.getDefault(), LOOPBACK, 0, AppThreads.virtual())) {
            String data = "line\n".repeat(50_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Netcat.Result r = new Netcat().connect(SocketFactory.getDefault(),
                    new InetSocketAddress(LOOPBACK, echo.port()), text(data), out);
            assertEquals(data, out.toString(StandardCharsets.US_ASCII));
            assertEquals(data.length(), r.sent());
            assertEquals(data.length(), r.received());
        }
    }

    @Test
    void listenAcceptsOneConnection() throws Exception {
        try (ServerSocket listening = ServerSocketFactory.getDefault().createServerSocket(0, 1, LOOPBACK)) {
            ByteArrayOutputStream heard = new ByteArrayOutputStream();
            CompletableFuture<Netcat.Result> nc = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Netcat().listen(listening, text("welcome\n"), heard);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket client = new Socket(LOOPBACK, listening.getLocalPort())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write("from client\n".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                assertEquals("welcome\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
                        "the listener half-closes after its input, so the client sees EOF");
            }
            Netcat.Result r = nc.get(10, TimeUnit.SECONDS);
            assertEquals("from client\n", heard.toString(StandardCharsets.US_ASCII));
            assertEquals(8, r.sent());
        }
    }

    @Test
    void udpSendsDatagramsAndCollectsReplies() throws Exception {
        try (UdpEchoServer echo = UdpEchoServer.start(new DatagramSocket(0, LOOPBACK))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Netcat.Result r = new Netcat().idleTimeout(Duration.ofMillis(300))
                    .udp(new DatagramSocket(0, LOOPBACK), new InetSocketAddress(LOOPBACK, echo.port()),
                            text("ping over udp\n"), out);
            assertNull(r.error());
            assertEquals("ping over udp\n", out.toString(StandardCharsets.US_ASCII));
            assertEquals(14, r.sent());
        }
    }

    @Test
    void udpToAClosedPortReportsPortUnreachable() throws Exception {
        int closed;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            closed = probe.getLocalPort();
        }
        Netcat.Result r = new Netcat().idleTimeout(Duration.ofSeconds(2))
                .udp(new DatagramSocket(0, LOOPBACK), new InetSocketAddress(LOOPBACK, closed),
                        text("anyone?\n"), new ByteArrayOutputStream());
        assertInstanceOf(PortUnreachableException.class, r.error(), String.valueOf(r.error()));
    }

    @Test
    void talksToLinuxNc() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(HttpServerTest.commandExists("nc"), "nc is not installed");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        Process nc = new ProcessBuilder("nc", "-l", "-N", "127.0.0.1", Integer.toString(port)).start();
        try {
            nc.getOutputStream().write("from linux\n".getBytes(StandardCharsets.US_ASCII));
            nc.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Netcat.Result r = null;
            for (int attempt = 0; attempt < 50 && r == null; attempt++) {
                try {
                    r = new Netcat().connect(SocketFactory.getDefault(), new InetSocketAddress(LOOPBACK, port),
                            text("from java\n"), out);
                } catch (java.net.ConnectException notYet) {
                    Thread.sleep(100);
                }
            }
            assertTrue(r != null && r.ok(), String.valueOf(r));
            assertEquals("from linux\n", out.toString(StandardCharsets.US_ASCII));
            assertEquals("from java\n", new String(nc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            assertTrue(nc.waitFor(10, TimeUnit.SECONDS));
        } finally {
            nc.destroy();
        }
    }
}
