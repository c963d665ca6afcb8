package io.tapnet.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ServerSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TCP and UDP echo (RFC 862) over the real loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoServerTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static EchoServer tcp() throws IOException {
        return EchoServer.start(ServerSocketFactory.getDefault(), LOOPBACK, 0, AppThreads.virtual());
    }

    /** Sends {@code data}, half-closes, and reads until the server closes. */
    static byte[] roundTrip(int port, byte[] data) throws Exception {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(10_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.join();
            return back;
        }
    }

    @Test
    void tcpEchoesEverythingAndClosesAfterTheClient() throws Exception {
        try (EchoServer echo = tcp()) {
            byte[] data = new byte[3 << 20];
            new Random(1).nextBytes(data);
            assertArrayEquals(data, roundTrip(echo.port(), data));
            assertEquals(data.length, echo.bytesEchoed());
            assertEquals("tcp", echo.protocol());
            assertTrue(echo.describe().startsWith("echo :" + echo.port() + "/tcp"), echo.describe());
        }
    }

    @Test
    void discardReadsEverythingAndSendsNothing() throws Exception {
        try (EchoServer discard = EchoServer.startDiscard(ServerSocketFactory.getDefault(), LOOPBACK, 0,
                AppThreads.virtual())) {
            byte[] data = new byte[3 << 20];
            new Random(2).nextBytes(data);
            assertEquals(0, roundTrip(discard.port(), data).length, "discard answers nothing");
            assertEquals(data.length, discard.bytesEchoed());
            assertEquals("discard", discard.kind());
            assertTrue(discard.describe().startsWith("discard :" + discard.port() + "/tcp"), discard.describe());
            assertTrue(discard.describe().contains(data.length + " bytes discarded"), discard.describe());
        }
    }

    @Test
    void tcpServesManyClientsAtOnce() throws Exception {
        try (EchoServer echo = tcp(); ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] data = ("client " + i + " ").repeat(100 + i).getBytes(StandardCharsets.US_ASCII);
                results.add(clients.submit(() -> java.util.Arrays.equals(data, roundTrip(echo.port(), data))));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
            assertEquals(200, echo.connections());
        }
    }

    @Test
    void interactiveEchoLineByLine() throws IOException {
        try (EchoServer echo = tcp(); Socket s = new Socket(LOOPBACK, echo.port())) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            for (String line : List.of("one\n", "two\n", "three\n")) {
                s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
                assertEquals(line, new String(in.readNBytes(line.length()), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void stopClosesConnectionsAndRefusesNewOnes() throws IOException {
        AtomicInteger threads = new AtomicInteger();
        EchoServer echo = EchoServer.start(ServerSocketFactory.getDefault(), LOOPBACK, 0, (name, task) -> {
            threads.incrementAndGet();
            return Thread.ofVirtual().name(name).start(task);
        });
        int port = echo.port();
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());
            assertEquals(2, threads.get(), "one accept thread and one for the connection");
            echo.close();
            assertFalse(echo.isRunning());
            assertEquals(-1, s.getInputStream().read());
        }
        assertRefusedSoon(port);
    }

    /** Closing a listener that a thread is blocked on completes when that thread wakes: allow a moment. */
    static void assertRefusedSoon(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                new Socket(LOOPBACK, port).close();
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("port " + port + " still accepts connections after stop");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void udpEchoesEachDatagram() throws IOException {
        DatagramSocket serverSocket = new DatagramSocket(0, LOOPBACK);
        try (UdpEchoServer echo = UdpEchoServer.start(serverSocket, AppThreads.virtual());
             DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(5000);
            for (int size : new int[] {0, 1, 1400, 9000, UdpEchoServer.MAX_DATAGRAM}) {
                byte[] data = new byte[size];
                new Random(size).nextBytes(data);
                client.send(new DatagramPacket(data, size, LOOPBACK, echo.port()));
                DatagramPacket back = new DatagramPacket(new byte[70_000], 70_000);
                client.receive(back);
                assertEquals(size, back.getLength());
                assertArrayEquals(data, java.util.Arrays.copyOf(back.getData(), back.getLength()));
                assertEquals(echo.port(), back.getPort());
            }
            assertEquals(5, echo.datagramsEchoed());
            assertEquals("udp", echo.protocol());
        }
    }

    @Test
    void udpStopClosesTheSocket() throws IOException {
        DatagramSocket serverSocket = new DatagramSocket(0, LOOPBACK);
        UdpEchoServer echo = UdpEchoServer.start(serverSocket);
        int port = echo.port();
        echo.close();
        assertTrue(serverSocket.isClosed());
        assertEquals(port, echo.port());
        try (DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            client.setSoTimeout(300);
            client.send(new DatagramPacket(new byte[] {1}, 1, LOOPBACK, port));
            assertThrows(IOException.class, () -> client.receive(new DatagramPacket(new byte[10], 10)),
                    "no answer: a timeout (or port unreachable)");
        }
    }

    @Test
    void launcherStartsEchoAndHttpByDescription(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        AppHost host = AppHost.loopback();
        RunningServices running = new RunningServices();
        java.nio.file.Files.writeString(dir.resolve("index.html"), "hi");
        running.add("h1", ServiceLauncher.start("echo", 0, "tcp", null, dir, host));
        running.add("h1", ServiceLauncher.start("echo", 0, "udp", null, dir, host));
        running.add("h1", ServiceLauncher.start("http", 0, "tcp", ".", dir, host));
        assertEquals(3, running.on("h1").size());
        Service tcpEcho = running.on("h1").getFirst();
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), roundTrip(tcpEcho.port(), "abc".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class, () -> ServiceLauncher.start("echo", 0, "tcp", "x", dir, host));
        assertThrows(IllegalArgumentException.class, () -> ServiceLauncher.start("ftp", 0, "tcp", null, dir, host));
        assertEquals(2, running.stop("h1", "echo", null, null).size());
        assertEquals(1, running.on("h1").size());
        running.stopAll();
        assertTrue(running.on("h1").isEmpty());
    }
}
