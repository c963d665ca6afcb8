package io.tapnet.interop;

import static io.tapnet.testing.LinuxTestNetwork.H1;
import static io.tapnet.testing.LinuxTestNetwork.PC2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.app.AppHost;
import io.tapnet.app.EchoServer;
import io.tapnet.app.HttpClient;
import io.tapnet.app.HttpServer;
import io.tapnet.app.Netcat;
import io.tapnet.phy.IpCommand;
import io.tapnet.socket.EmulatedHost;
import io.tapnet.socket.SocketInfo;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.testing.Tshark;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up of the TCP interop tests: tapnet's TCP against the Linux kernel's, in real time over TAP devices: pc1 and pc2 are Linux
 * namespaces, h1 a Java host two routers away from pc1 (the shape of {@code topologies/mixed.yaml}).
 * curl downloads 50 MiB from the Java HTTP server, the Java HTTP client downloads from Python's
 * http.server, the same again with netem loss and reordering on the Linux side, Linux nc talks to
 * the Java echo server and the Java netcat to a Linux {@code nc -l}; afterwards neither side keeps a
 * half-open connection, and tshark finds every capture clean.
 */
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
abstract class TcpInteropBase {
    static final int BIG = 50 << 20;

    LinuxTestNetwork names;
    Network network;
    EmulatedHost h1;
    HttpServer http;
    EchoServer echo;

    /** Where this class keeps its files and, when it captures, its pcapng files. */
    abstract Path dir();

    abstract boolean capture();

    @BeforeAll
    void build() throws IOException {
        RootRequirement.assumeRoot();
        names = new LinuxTestNetwork();
        Path www = Files.createDirectories(dir().resolve("www"));
        if (!capture()) {
            writeRandom(www.resolve("big.bin"), BIG, 1);
        }
        writeRandom(www.resolve("small.bin"), 256 << 10, 2);
        NetworkBuilder builder = NetworkBuilder.of(TopologyLoader.parse(names.mixedYaml("tcp-interop", false), "tcp-interop"));
        if (capture()) {
            builder.captureTo(Files.createDirectories(dir().resolve("captures")));
        }
        network = builder.build();
        h1 = network.host("h1");
        AppHost app = AppHost.of(h1);
        http = new HttpServer().files(www).start(app.serverSockets(), null, 80, app.threads());
        echo = EchoServer.start(app.serverSockets(), null, 7, app.threads());
        // The kernel side answers ARP and pings before the first test relies on it.
        assertTrue(LinuxTestNetwork.ping(names.ns1(), 1, H1).received() >= 1);
    }

    @AfterAll
    void close() throws IOException {
        try {
            if (http != null) {
                http.close();
            }
            if (echo != null) {
                echo.close();
            }
        } finally {
            if (network != null) {
                network.close();
            }
            if (names != null) {
                names.close();
            }
        }
    }

    static void writeRandom(Path file, int size, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int done = 0; done < size; done += chunk.length) {
                r.nextBytes(chunk);
                out.write(chunk, 0, Math.min(chunk.length, size - done));
            }
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static IpCommand.Result run(String ns, int seconds, String... argv) {
        return LinuxTestNetwork.exec(ns, Duration.ofSeconds(seconds), argv);
    }

    interface IoCall<T> {
        T call() throws Exception;
    }

    /** Runs {@code body} as an application of {@code host} and waits for it. */
    static <T> T appCall(EmulatedHost host, IoCall<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        host.spawn("test", () -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(100, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    static void waitForListener(String ns, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!run(ns, 5, "ss", "-Hltn", "sport = :" + port).stdout().isBlank()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + ns);
    }
}
