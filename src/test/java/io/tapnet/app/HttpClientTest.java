package io.tapnet.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP client against scripted servers on the loopback, and against python's http.server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpClientTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path tmp;
    final List<AutoCloseable> cleanup = new ArrayList<>();
    /** Request heads the scripted server received, one string per request. */
    final List<String> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    /** A server that answers every connection with {@code response} bytes, then closes. */
    int scripted(String... responses) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        cleanup.add(server);
        Thread.ofVirtual().start(() -> {
            for (String response : responses) {
                try (Socket s = server.accept()) {
                    received.add(readHead(s.getInputStream()));
                    OutputStream out = s.getOutputStream();
                    if (response.equals("SILENCE")) {
                        s.getInputStream().read();
                        continue;
                    }
                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    HttpClient client() {
        return new HttpClient(SocketFactory.getDefault()).readTimeout(Duration.ofSeconds(10));
    }

    static URI url(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void sendsAWellFormedRequest() throws IOException {
        int port = scripted("HTTP/1.1 204 No Content\r\n\r\n");
        HttpClient.Response r = client().header("X-Test", "1").get(url(port, "/a/b?c=d"), OutputStream.nullOutputStream());
        assertEquals(204, r.status());
        String head = received.getFirst();
        assertTrue(head.startsWith("GET /a/b?c=d HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:" + port + "\r\n"), head);
        assertTrue(head.contains("\r\nConnection: close\r\n"), head);
        assertTrue(head.contains("\r\nX-Test: 1\r\n"), head);
    }

    @Test
    void readsContentLengthBodies() throws IOException {
        int port = scripted("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloTRAILING-GARBAGE");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HttpClient.Response r = client().get(url(port, "/"), sink);
        assertEquals("hello", sink.toString(StandardCharsets.US_ASCII));
        assertEquals(5, r.bytes());
        assertEquals("HTTP/1.1 200 OK", r.statusLine());
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        int port = scripted("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n,\r\nA\r\n world 123\r\n0\r\nX-Checksum: abc\r\n\r\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HttpClient.Response r = client().get(url(port, "/"), sink);
        assertEquals("hello, world 123", sink.toString(StandardCharsets.US_ASCII));
        assertEquals(16, r.bytes());
        assertEquals("abc", r.trailers().first("X-Checksum"));
    }

    @Test
    void readsCloseDelimitedHttp10Bodies() throws IOException {
        int port = scripted("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of this until the close");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HttpClient.Response r = client().get(url(port, "/"), sink);
        assertEquals("HTTP/1.0", r.version());
        assertEquals("all of this until the close", sink.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void skipsInterimResponsesAndHandlesBodilessOnes() throws IOException {
        int port = scripted("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(200, client().get(url(port, "/"), sink).status());
        assertEquals("ok", sink.toString(StandardCharsets.US_ASCII));
        assertEquals(0, client().get(url(port, "/"), sink).bytes(), "304 has no body whatever Content-Length says");
        HttpClient.Response head = client().head(url(port, "/"));
        assertEquals(0, head.bytes());
        assertEquals("100", head.headers().first("Content-Length"));
        assertTrue(received.get(2).startsWith("HEAD / HTTP/1.1"));
    }

    @Test
    void aTruncatedBodyIsAnError() throws IOException {
        int port = scripted("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort");
        IOException e = assertThrows(EOFException.class, () -> client().get(url(port, "/"), OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("9 of 100"), e.getMessage());
        assertThrows(EOFException.class, () -> client().get(url(port, "/"), OutputStream.nullOutputStream()));
    }

    @Test
    void garbageIsAProtocolError() throws IOException {
        int port = scripted("SSH-2.0-OpenSSH_9.2\r\n");
        assertThrows(HttpProtocolException.class, () -> client().get(url(port, "/"), OutputStream.nullOutputStream()));
    }

    @Test
    void aSilentServerTimesOut() throws IOException {
        int port = scripted("SILENCE");
        HttpClient c = client().readTimeout(Duration.ofMillis(300));
        assertThrows(SocketTimeoutException.class, () -> c.get(url(port, "/"), OutputStream.nullOutputStream()));
    }

    @Test
    void redirectsAreFollowedOnlyWhenAsked() throws IOException {
        int target = scripted("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
        String redirect = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:" + target + "/there\r\nContent-Length: 4\r\n\r\nmove";
        int port = scripted(redirect, redirect);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HttpClient.Response r = client().get(url(port, "/here"), sink);
        assertEquals(302, r.status());
        assertEquals("move", sink.toString(StandardCharsets.US_ASCII));
        sink.reset();
        r = client().followRedirects(3).get(url(port, "/here"), sink);
        assertEquals(200, r.status());
        assertEquals("final", sink.toString(StandardCharsets.US_ASCII), "a followed redirect's body is dropped");
        assertEquals(url(target, "/there"), r.uri());
    }

    @Test
    void onlyHttpUrls() {
        assertThrows(IOException.class, () -> client().get(URI.create("https://127.0.0.1/"), OutputStream.nullOutputStream()));
    }

    @Test
    void downloadsFromPythonHttpServer() throws Exception {
        assumeTrue(HttpServerTest.commandExists("python3"), "python3 is not installed");
        Path dir = Files.createDirectories(tmp.resolve("py"));
        Path file = dir.resolve("data.bin");
        HttpServerTest.writeSparseishFile(file, (8L << 20) + 333, 3);
        Process python = new ProcessBuilder("python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                "--directory", dir.toString()).redirectErrorStream(true).start();
        cleanup.add(() -> {
            python.destroy();
            python.waitFor(5, TimeUnit.SECONDS);
        });
        BufferedReader lines = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        Integer found = null;
        while (found == null) {
            String line = lines.readLine();
            if (line == null) {
                break;
            }
            Matcher m = Pattern.compile("port (\\d+)").matcher(line);
            if (m.find()) {
                found = Integer.parseInt(m.group(1));
            }
        }
        assumeTrue(found != null, "python did not say its port");
        int port = found;
        Thread.ofVirtual().start(() -> {
            try {
                lines.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });

        MessageDigest digest = HttpServerTest.sha256();
        HttpClient.Response r;
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            r = client().get(url(port, "/data.bin"), sink);
        }
        assertEquals(200, r.status());
        assertEquals("HTTP/1.0", r.version());
        assertEquals(Files.size(file), r.bytes());
        assertEquals(HttpServerTest.sha256(file), HexFormat.of().formatHex(digest.digest()));
        assertEquals(404, client().get(url(port, "/missing"), OutputStream.nullOutputStream()).status());
    }
}
