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
import io.tapnet.phy.Impairment;
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
 * Bulk TCP between tapnet and the Linux kernel over TAP: curl downloads 50 MiB from the Java HTTP
 * server two routers away, the Java HTTP client downloads from Python's http.server, curl again with
 * netem loss and reordering on the Linux side; afterwards no connection is left half-open on either
 * side. No captures here: {@link TcpCaptureInteropTest} checks what crosses the wire.
 */
class TcpInteropTest extends TcpInteropBase {
    @TempDir
    static Path dir;

    @Override
    Path dir() {
        return dir;
    }

    @Override
    boolean capture() {
        return false;
    }

    @Test
    @Order(1)
    void curlOnLinuxDownloadsFiftyMebibytesFromTheJavaServerTwoRoutersAway() throws Exception {
        Path got = dir().resolve("curl-big.bin");
        IpCommand.Result r = run(names.ns1(), 90, "curl", "-sS", "--max-time", "80", "-o", got.toString(),
                "-w", "%{http_code} %{size_download}", "http://" + H1 + "/big.bin");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals("200 " + BIG, r.stdout().trim());
        assertEquals(sha256(dir().resolve("www/big.bin")), sha256(got));
    }

    @Test
    @Order(2)
    void theJavaClientDownloadsFromPythonsHttpServerOnLinux() throws Exception {
        Path served = Files.createDirectories(dir().resolve("pyroot"));
        writeRandom(served.resolve("data.bin"), 8 << 20, 3);
        Process server = new ProcessBuilder("ip", "netns", "exec", names.ns2(), "python3", "-m", "http.server",
                "8000", "--bind", PC2, "--directory", served.toString())
                .redirectErrorStream(true).redirectOutput(dir().resolve("pyserver.log").toFile()).start();
        try {
            waitForListener(names.ns2(), 8000);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            HttpClient.Response response = appCall(h1, () -> new HttpClient(h1.socketFactory()).resolver(h1::resolve)
                    .readTimeout(Duration.ofSeconds(30))
                    .get(URI.create("http://" + PC2 + ":8000/data.bin"),
                            new DigestOutputStream(OutputStream.nullOutputStream(), md)));
            assertEquals(200, response.status());
            assertEquals(sha256(served.resolve("data.bin")), HexFormat.of().formatHex(md.digest()));
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Loss and reordering in front of the Linux host: with netem on its eth0 where the kernel has
     * sch_netem, otherwise (kernels built without it, such as this project's CI machines) with the
     * same impairment on tapnet's link to it, which the Linux TCP sees just the same.
     */
    @Test
    @Order(3)
    void transfersSurviveLossAndReorderingOnTheLinuxSide() throws Exception {
        IpCommand.Result tc = run(names.ns1(), 10, "tc", "qdisc", "add", "dev", "eth0", "root", "netem",
                "delay", "2ms", "loss", "1%", "reorder", "25%", "50%");
        boolean netem = tc.exitCode() == 0;
        var link = network.link("pc1", "r1");
        if (!netem) {
            assertTrue(tc.stderr().contains("qdisc kind is unknown"), tc.describe());
            network.run(() -> link.impairBoth(Impairment.parse("delay=2ms loss=1% reorder=25%")));
        }
        try {
            Path got = dir().resolve("curl-lossy.bin");
            IpCommand.Result r = run(names.ns1(), 110, "curl", "-sS", "--max-time", "100", "-o", got.toString(),
                    "-w", "%{http_code}", "http://" + H1 + "/big.bin");
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals(sha256(dir().resolve("www/big.bin")), sha256(got));
            if (!netem) {
                long lost = network.call(() -> link.lost(link.a()) + link.lost(link.b()));
                long reordered = network.call(() -> link.reordered(link.a()) + link.reordered(link.b()));
                assertTrue(lost > 0 && reordered > 0, "impairments acted: lost " + lost + ", reordered " + reordered);
            }
        } finally {
            if (netem) {
                run(names.ns1(), 10, "tc", "qdisc", "del", "dev", "eth0", "root");
            } else {
                network.run(() -> link.impairBoth(Impairment.NONE));
            }
        }
    }

    @Test
    @Order(6)
    void closingFromEitherSideLeavesNoHalfOpenConnection() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<SocketInfo> open;
        String ss;
        do {
            open = h1.sockets().stream().filter(s -> s.protocol().equals("tcp"))
                    .filter(s -> !s.state().equals("LISTEN") && !s.state().equals("TIME_WAIT")).toList();
            ss = run(names.ns1(), 10, "ss", "-Htan", "state", "established", "state", "close-wait",
                    "state", "fin-wait-1", "state", "fin-wait-2", "state", "last-ack").stdout().trim()
                    + run(names.ns2(), 10, "ss", "-Htan", "state", "established", "state", "close-wait",
                    "state", "fin-wait-1", "state", "fin-wait-2", "state", "last-ack").stdout().trim();
            if (open.isEmpty() && ss.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals(List.of(), open, "h1 sockets");
        assertEquals("", ss, "ss in the namespaces");
    }

}
