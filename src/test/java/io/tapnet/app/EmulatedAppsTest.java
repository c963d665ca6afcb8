package io.tapnet.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.socket.EmulatedHost;
import io.tapnet.socket.SocketInfo;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.ServiceSpec;
import io.tapnet.topology.TopologyLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applications on emulated Java hosts, unchanged: the HTTP server on h2 and its client on h1 two
 * routers away, echo over TCP and UDP, and netcat both ways.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmulatedAppsTest {
    static final long SECOND = 1_000_000_000L;
    static final String TOPOLOGY = """
            name: apps
            nodes:
              h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              r1:
                kind: router
                interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/30 }
                routes: ["default via 10.0.12.2"]
              r2:
                kind: router
                interfaces: { eth0: 10.0.12.2/30, eth1: 10.0.2.1/24 }
                routes: ["default via 10.0.12.1"]
              h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
            links:
              - endpoints: [h1, "r1:eth0"]
              - endpoints: ["r1:eth1", "r2:eth0"]
              - endpoints: ["r2:eth1", h2]
            """;

    @TempDir
    Path tmp;
    Network network;

    Network build(boolean virtualTime) throws IOException {
        network = NetworkBuilder.of(TopologyLoader.parse(TOPOLOGY, "apps.yaml")).virtualTime(virtualTime).build();
        network.setEventLog(line -> { });
        return network;
    }

    @AfterEach
    void tearDown() {
        if (network != null) {
            network.close();
        }
    }

    /** Runs {@code work} as an application of {@code host} and waits for its result. */
    <T> T runOn(EmulatedHost host, Callable<T> work, long maxNanos) {
        CompletableFuture<T> result = new CompletableFuture<>();
        host.spawn("test", () -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return network.await(result, maxNanos);
    }

    @Test
    void httpDownloadTwoRoutersAwayKeepsItsHash() throws Exception {
        build(false);
        EmulatedHost h1 = network.host("h1");
        EmulatedHost h2 = network.host("h2");
        Path www = tmp.resolve("www");
        java.nio.file.Files.createDirectories(www);
        Path file = www.resolve("data.bin");
        HttpServerTest.writeSparseishFile(file, (6L << 20) + 777, 11);
        String expected = HttpServerTest.sha256(file);

        try (HttpServer server = new HttpServer().files(www).start(h2.serverSocketFactory(), null, 80, h2::spawn)) {
            HttpClient client = new HttpClient(h1.socketFactory()).resolver(h1::resolve);
            MessageDigest digest = HttpServerTest.sha256();
            HttpClient.Response r = runOn(h1, () -> {
                try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
                    return client.get(URI.create("http://h2/data.bin"), sink);
                }
            }, 60 * SECOND);
            assertEquals(200, r.status());
            assertEquals(java.nio.file.Files.size(file), r.bytes());
            assertEquals(expected, HexFormat.of().formatHex(digest.digest()));
            assertEquals(java.nio.file.Files.size(file), server.bodyBytesSent());

            ByteArrayOutputStream listing = new ByteArrayOutputStream();
            HttpClient.Response index = runOn(h1, () -> client.get(URI.create("http://10.0.2.10/"), listing), 10 * SECOND);
            assertEquals(200, index.status());
            assertTrue(listing.toString(StandardCharsets.UTF_8).contains("data.bin"));
            assertEquals(404, runOn(h1, () -> client.get(URI.create("http://h2/nope"), OutputStream.nullOutputStream()),
                    10 * SECOND).status());
        }
    }

    @Test
    void echoOverTcpAndUdpAcrossTheRouters() throws Exception {
        build(false);
        EmulatedHost h1 = network.host("h1");
        EmulatedHost h2 = network.host("h2");
        try (EchoServer tcp = EchoServer.start(h2.serverSocketFactory(), null, 7, h2::spawn);
             UdpEchoServer udp = UdpEchoServer.start(h2.newDatagramSocket(7), h2::spawn)) {
            assertTrue(h2.sockets().stream().anyMatch(s -> s.protocol().equals("tcp") && s.state().equals("LISTEN")
                    && s.local().endsWith(":7")), h2.sockets().toString());

            String text = "echo me\n".repeat(10_000);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            Netcat.Result r = runOn(h1, () -> new Netcat(h1::spawn).connect(h1.socketFactory(),
                    new InetSocketAddress(h1.resolve("h2"), 7), stream(text), back), 30 * SECOND);
            assertNull(r.error());
            assertEquals(text, back.toString(StandardCharsets.US_ASCII));
            assertEquals(text.length(), tcp.bytesEchoed());

            ByteArrayOutputStream datagrams = new ByteArrayOutputStream();
            Netcat.Result u = runOn(h1, () -> new Netcat(h1::spawn).idleTimeout(Duration.ofMillis(500))
                    .udp(h1.newDatagramSocket(0), new InetSocketAddress(h1.resolve("h2"), 7), stream("over udp\n"),
                            datagrams), 30 * SECOND);
            assertNull(u.error());
            assertEquals("over udp\n", datagrams.toString(StandardCharsets.US_ASCII));
            assertEquals(1, udp.datagramsEchoed());
        }
    }

    @Test
    void netcatListensAndConnectsWithHalfClose() throws Exception {
        build(false);
        EmulatedHost h1 = network.host("h1");
        EmulatedHost h2 = network.host("h2");
        ServerSocket listening = h2.serverSocketFactory().createServerSocket(5000);
        ByteArrayOutputStream heard = new ByteArrayOutputStream();
        CompletableFuture<Netcat.Result> listener = new CompletableFuture<>();
        h2.spawn("nc -l", () -> {
            try (listening) {
                listener.complete(new Netcat(h2::spawn).listen(listening, stream("hello from h2\n"), heard));
            } catch (Throwable e) {
                listener.completeExceptionally(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Netcat.Result client = runOn(h1, () -> new Netcat(h1::spawn).connect(h1.socketFactory(),
                new InetSocketAddress(h1.resolve("10.0.2.10"), 5000), stream("hello from h1\n"), got), 30 * SECOND);
        Netcat.Result server = network.await(listener, 30 * SECOND);
        assertNull(client.error());
        assertNull(server.error());
        assertEquals("hello from h2\n", got.toString(StandardCharsets.US_ASCII));
        assertEquals("hello from h1\n", heard.toString(StandardCharsets.US_ASCII));

        // Closing from both sides leaves nothing half-open: at most TIME_WAIT on the side that closed first.
        network.idle(SECOND / 2);
        for (EmulatedHost h : List.of(h1, h2)) {
            for (SocketInfo s : h.sockets()) {
                assertTrue(s.protocol().equals("udp") || s.state().equals("TIME_WAIT") || s.state().equals("CLOSED"),
                        h.name() + ": " + s);
            }
        }
    }

    @Test
    void refusedAndUnreachablePortsAreErrors() throws Exception {
        build(false);
        EmulatedHost h1 = network.host("h1");
        HttpClient client = new HttpClient(h1.socketFactory()).resolver(h1::resolve);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        h1.spawn("refused", () -> {
            try {
                client.get(URI.create("http://h2:81/"), OutputStream.nullOutputStream());
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        assertInstanceOf(ConnectException.class, network.await(failure, 30 * SECOND));

        Netcat.Result u = runOn(h1, () -> new Netcat(h1::spawn).idleTimeout(Duration.ofSeconds(2))
                .udp(h1.newDatagramSocket(0), new InetSocketAddress(h1.resolve("h2"), 9), stream("anyone?\n"),
                        OutputStream.nullOutputStream()), 30 * SECOND);
        assertInstanceOf(PortUnreachableException.class, u.error(), String.valueOf(u.error()));
    }

    @Test
    void servicesStartByDescription() throws Exception {
        build(false);
        EmulatedHost h1 = network.host("h1");
        EmulatedHost h2 = network.host("h2");
        RunningServices running = new RunningServices();
        for (String text : List.of("http :8080", "echo :7/udp", "echo")) {
            ServiceSpec spec = ServiceSpec.parse(text);
            running.add("h2", ServiceLauncher.start(spec.kind(), spec.port(), spec.protocol(), spec.argument(), tmp,
                    AppHost.of(h2)));
        }
        assertEquals(3, running.on("h2").size());
        assertEquals(List.of("http :8080/tcp", "echo :7/udp", "echo :7/tcp"),
                running.on("h2").stream().map(s -> s.kind() + " :" + s.port() + "/" + s.protocol()).toList());
        HttpClient client = new HttpClient(h1.socketFactory()).resolver(h1::resolve);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HttpClient.Response r = runOn(h1, () -> client.get(URI.create("http://h2:8080/bytes/300000?chunked"), sink),
                30 * SECOND);
        assertEquals(200, r.status());
        assertEquals("chunked", r.headers().first("Transfer-Encoding"));
        byte[] body = sink.toByteArray();
        assertEquals(300_000, body.length);
        for (int i = 0; i < body.length; i++) {
            assertEquals((byte) (i % 251), body[i], "byte " + i);
        }
        running.stopAll();
        network.idle(SECOND / 10);
        assertTrue(h2.sockets().stream().noneMatch(s -> s.local().endsWith(":8080") && s.state().equals("LISTEN")),
                h2.sockets().toString());
    }

    @Test
    void httpRunsInVirtualTimeToo() throws Exception {
        build(true);
        EmulatedHost h1 = network.host("h1");
        EmulatedHost h2 = network.host("h2");
        try (HttpServer server = new HttpServer().route("/", new GeneratedContent("h2"))
                .start(h2.serverSocketFactory(), null, 80, h2::spawn)) {
            HttpClient client = new HttpClient(h1.socketFactory()).resolver(h1::resolve);
            MessageDigest digest = HttpServerTest.sha256();
            long size = 4L << 20;
            HttpClient.Response r = runOn(h1, () -> {
                try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
                    return client.get(URI.create("http://h2/bytes/" + size), sink);
                }
            }, 120 * SECOND);
            assertEquals(200, r.status());
            assertEquals(size, r.bytes());
            MessageDigest expected = HttpServerTest.sha256();
            try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), expected)) {
                GeneratedContent.write(out, size);
            }
            assertEquals(HexFormat.of().formatHex(expected.digest()), HexFormat.of().formatHex(digest.digest()));
            assertEquals(1, server.requestsServed());
        }
    }

    @Test
    void serviceSpecsParseAndExplainMistakes() {
        assertEquals(new ServiceSpec("http", 80, "tcp", "www/"), ServiceSpec.parse("http :80 www/"));
        assertEquals(new ServiceSpec("http", 80, "tcp", null), ServiceSpec.parse("http"));
        assertEquals(new ServiceSpec("echo", 7, "tcp", null), ServiceSpec.parse("  echo   :7 "));
        assertEquals(new ServiceSpec("echo", 7, "udp", null), ServiceSpec.parse("echo :7/udp"));
        assertEquals(new ServiceSpec("echo", 2007, "udp", null), ServiceSpec.parse("ECHO :2007/UDP"));
        assertEquals(new ServiceSpec("discard", 9, "tcp", null), ServiceSpec.parse("discard"));
        assertEquals("http :8080 /srv/www", ServiceSpec.parse("http :8080 /srv/www").toString());
        assertEquals("echo :7/udp", ServiceSpec.parse("echo :7/udp").toString());
        for (String[] bad : new String[][] {
                {"", "empty service"},
                {"htpp :80", "did you mean 'http'"},
                {"ftp :21", "unknown kind 'ftp'"},
                {"http 80 www/", "write the port with a colon, ':80'"},
                {"http :0", "not in 1..65535"},
                {"http :99999", "port 99999 is not in 1..65535"},
                {"http :eighty", "bad port 'eighty'"},
                {"echo :7/sctp", "protocol 'sctp' is neither tcp nor udp"},
                {"http :80/udp www/", "http runs over tcp"},
                {"echo :7 extra", "echo takes no argument"},
                {"discard :9/udp", "discard runs over tcp"},
                {"discard :9 x", "discard takes no argument"},
                {"http :80 a b", "http takes one directory"}}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ServiceSpec.parse(bad[0]), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
        }
    }

    static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
