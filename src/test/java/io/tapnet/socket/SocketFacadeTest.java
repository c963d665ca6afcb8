package io.tapnet.socket;

import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The java.net-shaped facade in virtual time: blocking applications on two hosts two routers apart,
 * driven by the test thread through {@link Network#await}.
 */
class SocketFacadeTest {
    static final String TOPOLOGY = """
            name: sockets
            nodes:
              h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/30 }, routes: ["10.0.2.0/24 via 10.0.12.2"] }
              r2: { kind: router, interfaces: { eth0: 10.0.12.2/30, eth1: 10.0.2.1/24 }, routes: ["default via 10.0.12.1"] }
              h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
            links:
              - endpoints: [h1, "r1:eth0"]
              - endpoints: ["r1:eth1", "r2:eth0"]
                delay: 5ms
              - endpoints: ["r2:eth1", h2]
            """;
    static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    Network network;
    EmulatedHost h1;
    EmulatedHost h2;

    void build(boolean virtual) throws IOException {
        network = NetworkBuilder.of(TopologyLoader.parse(TOPOLOGY, "sockets")).virtualTime(virtual).build();
        h1 = network.host("h1");
        h2 = network.host("h2");
    }

    @AfterEach
    void close() {
        if (network != null) {
            network.close();
        }
    }

    /** Runs {@code body} as an application of {@code host}; the future carries its result or failure. */
    static <T> CompletableFuture<T> app(EmulatedHost host, String name, ThrowingSupplier<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        host.spawn(name, () -> {
            try {
                f.complete(body.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    @Test
    void echoOfOneMebibyteArrivesIntactWithHalfClose() throws Exception {
        build(true);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        ServerSocket server = h2.serverSocketFactory().createServerSocket(7);
        CompletableFuture<Long> served = app(h2, "echo", () -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[8192];
                long total = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    total += n;
                }
                return total; // read -1: the client half-closed, and we can still have written back
            }
        });
        CompletableFuture<byte[]> echoed = app(h1, "client", () -> {
            try (Socket s = h1.socketFactory().createSocket("h2", 7)) {
                CompletableFuture<Void> writer = new CompletableFuture<>();
                h1.spawn("writer", () -> {
                    try {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                        writer.complete(null);
                    } catch (IOException e) {
                        writer.completeExceptionally(e);
                    }
                });
                byte[] back = s.getInputStream().readAllBytes();
                writer.join();
                return back;
            }
        });
        byte[] back = network.await(echoed, MINUTE);
        assertEquals(data.length, network.await(served, MINUTE));
        assertArrayEquals(sha256(data), sha256(back));
    }

    /**
     * Application threads copy into and out of the connection's buffers while the
     * loop sends and receives: odd-sized writes and reads, both directions at once, and each writer
     * closes right after its last write, so the last bytes must still go out before the FIN.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bulkBothWaysArrivesIntact(boolean virtual) throws Exception {
        build(virtual);
        int size = virtual ? 1 << 20 : 8 << 20;
        byte[] up = new byte[size];
        byte[] down = new byte[size + 12_345];
        new Random(11).nextBytes(up);
        new Random(12).nextBytes(down);
        ServerSocket server = h2.serverSocketFactory().createServerSocket(9);
        CompletableFuture<byte[]> atServer = app(h2, "server", () -> {
            try (Socket s = server.accept()) {
                CompletableFuture<Void> writer = writeInPieces(h2, s, down, 3);
                byte[] got = readInPieces(s, 5);
                writer.join();
                return got;
            }
        });
        CompletableFuture<byte[]> atClient = app(h1, "client", () -> {
            try (Socket s = h1.socketFactory().createSocket("h2", 9)) {
                CompletableFuture<Void> writer = writeInPieces(h1, s, up, 7);
                byte[] got = readInPieces(s, 13);
                writer.join();
                return got;
            }
        });
        assertArrayEquals(sha256(down), sha256(network.await(atClient, MINUTE)));
        assertArrayEquals(sha256(up), sha256(network.await(atServer, MINUTE)));
    }

    /** Writes {@code data} in pieces of varying size on a thread of its own, then half-closes. */
    private static CompletableFuture<Void> writeInPieces(EmulatedHost host, Socket s, byte[] data, int seed) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        host.spawn("writer", () -> {
            try {
                Random r = new Random(seed);
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < data.length; ) {
                    int n = Math.min(data.length - off, 1 + r.nextInt(r.nextBoolean() ? 700 : 200_000));
                    out.write(data, off, n);
                    off += n;
                }
                s.shutdownOutput();
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Reads to the end of the stream in reads of varying size. */
    private static byte[] readInPieces(Socket s, int seed) throws IOException {
        Random r = new Random(seed);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[100_000];
        int n;
        while ((n = in.read(buf, 0, 1 + r.nextInt(r.nextBoolean() ? 100 : buf.length))) > 0) {
            got.write(buf, 0, n);
        }
        return got.toByteArray();
    }

    @Test
    void connectingToAClosedPortIsRefused() throws Exception {
        build(true);
        CompletableFuture<Object> r = app(h1, "client", () -> {
            try (Socket s = h1.socketFactory().createSocket("h2", 9)) {
                return s;
            } catch (IOException e) {
                return e;
            }
        });
        Object outcome = network.await(r, MINUTE);
        assertInstanceOf(ConnectException.class, outcome);
        assertEquals("Connection refused", ((ConnectException) outcome).getMessage());
    }

    @Test
    void readTimeoutFiresAfterSoTimeoutOfNetworkTime() throws Exception {
        build(true);
        ServerSocket server = h2.serverSocketFactory().createServerSocket(80);
        CompletableFuture<Socket> accepted = app(h2, "silent", server::accept);
        CompletableFuture<Long> waited = app(h1, "client", () -> {
            Socket s = h1.socketFactory().createSocket("h2", 80);
            s.setSoTimeout(750);
            long before = network.loop().now();
            try {
                s.getInputStream().read();
                return -1L;
            } catch (SocketTimeoutException e) {
                return network.loop().now() - before;
            } finally {
                s.close();
            }
        });
        assertEquals(TimeUnit.MILLISECONDS.toNanos(750), network.await(waited, MINUTE));
        network.await(accepted, MINUTE).close();
    }

    @Test
    void acceptTimesOut() throws Exception {
        build(true);
        ServerSocket server = h2.serverSocketFactory().createServerSocket(81);
        server.setSoTimeout(2000);
        CompletableFuture<String> r = app(h2, "server", () -> {
            try {
                server.accept();
                return "accepted";
            } catch (SocketTimeoutException e) {
                return "timeout at " + network.loop().now() / 1_000_000;
            }
        });
        long start = network.loop().now() / 1_000_000;
        assertEquals("timeout at " + (start + 2000), network.await(r, MINUTE));
    }

    @Test
    void closingFromEitherSideLeavesNoHalfOpenEndpoint() throws Exception {
        build(true);
        ServerSocket server = h2.serverSocketFactory().createServerSocket(82);
        CompletableFuture<Integer> serverSide = app(h2, "server", () -> {
            try (Socket s = server.accept()) {
                return s.getInputStream().read(); // -1 once the client closed
            }
        });
        CompletableFuture<Void> clientSide = app(h1, "client", () -> {
            Socket s = h1.socketFactory().createSocket("h2", 82);
            s.close();
            return null;
        });
        network.await(clientSide, MINUTE);
        assertEquals(-1, network.await(serverSide, MINUTE));
        server.close();
        network.idle(TimeUnit.SECONDS.toNanos(61)); // past TIME_WAIT
        assertEquals(List.of(), h1.sockets());
        assertEquals(List.of(), h2.sockets());
    }

    @Test
    void datagramsRoundTripAndAClosedPortIsReported() throws Exception {
        build(true);
        DatagramSocket server = h2.newDatagramSocket(53);
        CompletableFuture<String> answered = app(h2, "udp-server", () -> {
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            server.receive(p);
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
            server.send(new DatagramPacket(("re:" + text).getBytes(StandardCharsets.US_ASCII),
                    3 + text.length(), p.getSocketAddress()));
            return p.getAddress().getHostAddress() + ":" + text;
        });
        CompletableFuture<String> reply = app(h1, "udp-client", () -> {
            try (DatagramSocket s = h1.newDatagramSocket(0)) {
                byte[] q = "hello".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(q, q.length, new InetSocketAddress(h1.resolve("h2"), 53)));
                byte[] buf = new byte[512];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.setSoTimeout(1000);
                s.receive(p);
                return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
            }
        });
        assertEquals("re:hello", network.await(reply, MINUTE));
        assertEquals("10.0.1.10:hello", network.await(answered, MINUTE));

        CompletableFuture<Object> refused = app(h1, "udp-connected", () -> {
            try (DatagramSocket s = h1.newDatagramSocket(0)) {
                s.connect(new InetSocketAddress(h1.resolve("h2"), 54));
                s.send(new DatagramPacket(new byte[4], 4));
                s.setSoTimeout(1000);
                s.receive(new DatagramPacket(new byte[16], 16));
                return "received";
            } catch (IOException e) {
                return e;
            }
        });
        assertInstanceOf(PortUnreachableException.class, network.await(refused, MINUTE));
    }

    @Test
    void twoThousandConcurrentConnectionsOnVirtualThreads() throws Exception {
        build(true);
        ServerSocket server = h2.serverSocketFactory().createServerSocket(7, 4096);
        int clients = 2000;
        app(h2, "acceptor", () -> {
            while (true) {
                Socket s = server.accept();
                h2.spawn("conn", () -> {
                    try (s) {
                        s.getOutputStream().write(s.getInputStream().readAllBytes());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        });
        @SuppressWarnings("unchecked")
        CompletableFuture<String>[] results = new CompletableFuture[clients];
        for (int i = 0; i < clients; i++) {
            String msg = "client " + i;
            results[i] = app(h1, "c" + i, () -> {
                try (Socket s = h1.socketFactory().createSocket("h2", 7)) {
                    s.getOutputStream().write(msg.getBytes(StandardCharsets.UTF_8));
                    s.shutdownOutput();
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
            });
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(results);
        network.await(all, 5 * MINUTE);
        for (int i = 0; i < clients; i++) {
            assertEquals("client " + i, results[i].join());
        }
        server.close();
    }

    @Test
    void anUnmodifiedHttpLibraryRunsThroughTheFactories() throws Exception {
        build(false); // OkHttp keeps its own threads and clocks: run it in real time
        ServerSocket server = h2.serverSocketFactory().createServerSocket(8080);
        app(h2, "tiny-http", () -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                }
                String request = head.toString(StandardCharsets.ISO_8859_1);
                byte[] body = ("you asked: " + request.lines().findFirst().orElse("")).getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(body);
                return null;
            }
        });
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
                .socketFactory(h1.socketFactory())
                .dns(hostname -> List.of(h1.resolve(hostname)))
                .build();
        try (okhttp3.Response response = client.newCall(new okhttp3.Request.Builder()
                .url("http://h2:8080/hello").build()).execute()) {
            assertEquals(200, response.code());
            assertEquals("you asked: GET /hello HTTP/1.1", response.body().string());
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
