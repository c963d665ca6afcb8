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
 * Small TCP exchanges between tapnet and the Linux kernel with every link captured: Linux nc to the
 * Java echo server, the Java netcat to a Linux {@code nc -l}, a curl download; then tshark, checksum
 * validation on, finds every capture clean.
 */
class TcpCaptureInteropTest extends TcpInteropBase {
    @TempDir
    static Path dir;

    @Override
    Path dir() {
        return dir;
    }

    @Override
    boolean capture() {
        return true;
    }

    @Test
    @Order(3)
    void curlDownloadsASmallFile() throws Exception {
        Path got = dir().resolve("curl-small.bin");
        IpCommand.Result r = run(names.ns1(), 30, "curl", "-sS", "--max-time", "20", "-o", got.toString(),
                "http://" + H1 + "/small.bin");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals(sha256(dir().resolve("www/small.bin")), sha256(got));
    }

    @Test
    @Order(4)
    void linuxNetcatTalksToTheJavaEchoServer() {
        IpCommand.Result r = run(names.ns1(), 20, "sh", "-c", "printf 'hello from the kernel\\n' | nc -N -w 5 " + H1 + " 7");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals("hello from the kernel\n", r.stdout());
    }

    @Test
    @Order(5)
    void theJavaNetcatTalksToALinuxListener() throws Exception {
        Process listener = new ProcessBuilder("ip", "netns", "exec", names.ns2(), "nc", "-l", "-N", PC2, "9000")
                .redirectErrorStream(true).start();
        try {
            waitForListener(names.ns2(), 9000);
            listener.getOutputStream().write("greetings from linux\n".getBytes(StandardCharsets.US_ASCII));
            listener.getOutputStream().close(); // -N: the listener half-closes once it has sent this
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Netcat.Result result = appCall(h1, () -> new Netcat(h1::spawn).connect(h1.socketFactory(),
                    new InetSocketAddress(h1.resolve(PC2), 9000),
                    new ByteArrayInputStream("hello from java\n".getBytes(StandardCharsets.US_ASCII)), received));
            assertTrue(result.ok(), String.valueOf(result));
            assertEquals("greetings from linux\n", received.toString(StandardCharsets.US_ASCII));
            assertTrue(listener.waitFor(10, TimeUnit.SECONDS));
            assertEquals("hello from java\n", new String(listener.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        } finally {
            listener.destroy();
        }
    }

    @Test
    @Order(7)
    void everyCaptureDecodesCleanly() throws Exception {
        http.close();
        echo.close();
        network.close();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir().resolve("captures"))) {
            files = s.filter(p -> p.toString().endsWith(".pcapng")).toList();
        }
        assertEquals(5, files.size(), files.toString());
        for (Path f : files) {
            Tshark.assertCleanCapture(f);
        }
    }

}
