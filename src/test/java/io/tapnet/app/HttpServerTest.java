package io.tapnet.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP server over the real loopback: files, handlers, framing, persistence and containment. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpServerTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path tmp;
    Path www;
    HttpServer server;

    @BeforeEach
    void setUp() throws IOException {
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello, world\n");
        Files.createDirectories(www.resolve("sub/dir"));
        Files.writeString(www.resolve("sub/data.json"), "{\"a\": 1}\n");
        Files.writeString(www.resolve("sub/dir/a b.html"), "<p>spaced</p>\n");
        Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET\n");
        server = new HttpServer()
                .files(www)
                .route("/api", request -> HttpResponse.text(200, request.method() + " " + request.path()
                        + (request.query() == null ? "" : "?" + request.query()) + " body=" + request.bodyText()))
                .route("/stream", request -> HttpResponse.stream(200, "text/plain", out -> {
                    for (int i = 0; i < 1000; i++) {
                        out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }))
                .route("/boom", request -> {
                    throw new IllegalStateException("handler failed");
                })
                .start(ServerSocketFactory.getDefault(), LOOPBACK, 0, AppThreads.virtual());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    // ------------------------------------------------------------------ static files

    @Test
    void getServesAFileWithTypeAndLength() throws IOException {
        Raw r = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getFirst();
        assertEquals(200, r.status);
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        assertEquals("13", r.header("Content-Length"));
        assertNotNull(r.header("Date"));
        assertNotNull(r.header("Last-Modified"));
        assertEquals("hello, world\n", r.text());
        assertEquals("application/json", exchange1("/sub/data.json").header("Content-Type"));
        assertEquals("<p>spaced</p>\n", exchange1("/sub/dir/a%20b.html").text());
    }

    @Test
    void headSendsTheHeadersOfGetAndNoBody() throws IOException {
        // HEAD then GET on one connection: if HEAD sent a body, the GET's response would be garbled.
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream());
            Raw head = Raw.read(in, true);
            assertEquals(200, head.status);
            assertEquals("13", head.header("Content-Length"));
            assertEquals("text/plain; charset=utf-8", head.header("Content-Type"));
            Raw get = Raw.read(in, false);
            assertEquals(200, get.status);
            assertEquals("hello, world\n", get.text());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void missingFilesAre404AndOtherMethods405() throws IOException {
        assertEquals(404, exchange1("/nope.txt").status);
        Raw post = exchange("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
                .getFirst();
        assertEquals(405, post.status);
        assertEquals("GET, HEAD, OPTIONS", post.header("Allow"));
    }

    @Test
    void malformedRequestsAre400AndClose() throws IOException {
        assertEquals(400, exchange("GARBAGE\r\n\r\n").getFirst().status);
        assertEquals(400, exchange("GET /hello.txt HTTP/1.1\r\n\r\n").getFirst().status, "HTTP/1.1 without Host");
        assertEquals(400, exchange("GET /hello.txt HTTP/1.1\r\nHost : x\r\n\r\n").getFirst().status,
                "space before the colon");
        assertEquals(400, exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n").getFirst().status);
        assertEquals(505, exchange("GET / HTTP/2.0\r\nHost: x\r\n\r\n").getFirst().status);
        assertEquals(414, exchange("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getFirst().status);
        Raw both = exchange("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n").getFirst();
        assertEquals(400, both.status);
        assertEquals("close", both.header("Connection"));
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Raw r = Raw.read(in, false);
                assertEquals(200, r.status);
                assertNull(r.header("Connection"));
                assertEquals("hello, world\n", r.text());
            }
            out.write("GET /sub/data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Raw last = Raw.read(in, false);
            assertEquals("close", last.header("Connection"));
            assertEquals(-1, in.read(), "the server closes after Connection: close");
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            s.getOutputStream().write("GET /hello.txt HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Raw r = Raw.read(in, false);
            assertEquals("close", r.header("Connection"));
            assertEquals(-1, in.read());
        }
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("keep-alive", Raw.read(in, false).header("Connection"));
            out.write("GET /hello.txt HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello, world\n", Raw.read(in, false).text());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        List<Raw> rs = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /sub/data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true);
        assertEquals(List.of(200, 404, 200), rs.stream().map(r -> r.status).toList());
    }

    // ------------------------------------------------------------------ containment

    @Test
    void pathTraversalIsRefused() throws IOException {
        for (String path : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/../../secret.txt",
                "/sub/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..\\secret.txt", "/%00/hello.txt", "/%zz")) {
            Raw r = exchange1(path);
            assertEquals(400, r.status, path);
            assertFalse(r.text().contains("TOP SECRET"), path);
        }
        assertEquals(400, exchange1("http://x/../secret.txt").status, "absolute form");
        assertEquals(200, exchange1("/sub/../hello.txt").status, "'..' inside the root is fine");
    }

    @Test
    void symbolicLinksOutOfTheRootAreForbidden() throws IOException {
        try {
            Files.createSymbolicLink(www.resolve("escape.txt"), tmp.resolve("secret.txt"));
            Files.createSymbolicLink(www.resolve("outside"), tmp);
            Files.createSymbolicLink(www.resolve("inside.txt"), www.resolve("hello.txt"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here: " + e);
        }
        Raw r = exchange1("/escape.txt");
        assertEquals(403, r.status);
        assertFalse(r.text().contains("TOP SECRET"));
        assertEquals(403, exchange1("/outside/secret.txt").status);
        assertEquals(200, exchange1("/inside.txt").status);
    }

    // ------------------------------------------------------------------ directories

    @Test
    void directoriesRedirectToTheirSlashAndList() throws IOException {
        Raw redirect = exchange1("/sub?x=1");
        assertEquals(301, redirect.status);
        assertEquals("/sub/?x=1", redirect.header("Location"));
        Raw listing = exchange1("/sub/");
        assertEquals(200, listing.status);
        assertTrue(listing.header("Content-Type").startsWith("text/html"));
        assertTrue(listing.text().contains("href=\"data.json\""), listing.text());
        assertTrue(listing.text().contains("href=\"dir/\""), listing.text());
        assertTrue(exchange1("/sub/dir/").text().contains("href=\"a%20b.html\""));
        Files.writeString(www.resolve("sub/index.html"), "<h1>index</h1>");
        assertEquals("<h1>index</h1>", exchange1("/sub/").text());
    }

    @Test
    void listingsCanBeTurnedOff() throws IOException {
        try (HttpServer quiet = new HttpServer().files("/", www, false)
                .start(ServerSocketFactory.getDefault(), LOOPBACK, 0, AppThreads.virtual())) {
            assertEquals(403, exchange(quiet.port(), "GET /sub/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false)
                    .getFirst().status);
        }
    }

    // ------------------------------------------------------------------ conditional and range

    @Test
    void conditionalAndRangeRequests() throws IOException {
        Raw full = exchange1("/hello.txt");
        String etag = full.header("ETag");
        Raw notModified = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag
                + "\r\nConnection: close\r\n\r\n").getFirst();
        assertEquals(304, notModified.status);
        assertEquals(0, notModified.body.length);
        Raw since = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: "
                + HttpSyntax.formatDate(Instant.now().plusSeconds(60)) + "\r\nConnection: close\r\n\r\n").getFirst();
        assertEquals(304, since.status);

        Raw part = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=7-11\r\nConnection: close\r\n\r\n").getFirst();
        assertEquals(206, part.status);
        assertEquals("bytes 7-11/13", part.header("Content-Range"));
        assertEquals("world", part.text());
        Raw suffix = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-6\r\nConnection: close\r\n\r\n").getFirst();
        assertEquals("world\n", suffix.text());
        Raw outside = exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=100-\r\nConnection: close\r\n\r\n").getFirst();
        assertEquals(416, outside.status);
        assertEquals("bytes */13", outside.header("Content-Range"));
    }

    // ------------------------------------------------------------------ handlers

    @Test
    void handlersGetTheLongestMatchingPrefix() throws IOException {
        assertEquals("GET /api/x?y=1 body=", exchange1("/api/x?y=1").text());
        assertEquals("GET /api body=", exchange1("/api").text());
        assertEquals(404, exchange1("/apix").status, "a prefix matches whole segments only");
        assertEquals(500, exchange1("/boom").status);
    }

    @Test
    void requestBodiesReachTheHandlerWithContentLengthOrChunked() throws IOException {
        Raw sized = exchange("POST /api/p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
                .getFirst();
        assertEquals("POST /api/p body=hello", sized.text());
        Raw chunked = exchange("PUT /api/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Trailer: t\r\n\r\n").getFirst();
        assertEquals("PUT /api/c body=abcdefg", chunked.text());
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            s.getOutputStream().write("POST /api/e HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(100, Raw.read(in, true).status);
            s.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
            assertEquals("POST /api/e body=ok", Raw.read(in, false).text());
        }
    }

    @Test
    void unknownLengthBodiesGoChunkedTo11AndCloseDelimitedTo10() throws IOException {
        Raw chunked = exchange("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n", true).getFirst();
        assertEquals("chunked", chunked.header("Transfer-Encoding"));
        assertTrue(chunked.text().startsWith("line 0\nline 1\n"));
        assertTrue(chunked.text().endsWith("line 999\n"));
        Raw old = exchange("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").getFirst();
        assertNull(old.header("Transfer-Encoding"));
        assertEquals("close", old.header("Connection"));
        assertTrue(old.text().endsWith("line 999\n"));

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        HttpClient.Response r = new HttpClient(SocketFactory.getDefault()).get(url("/stream"), sink);
        assertEquals(200, r.status());
        assertEquals(sink.size(), r.bytes());
        assertTrue(sink.toString(StandardCharsets.US_ASCII).endsWith("line 999\n"));
    }

    // ------------------------------------------------------------------ large files

    @Test
    void streamsA64MiBFileIntact() throws IOException {
        Path big = tmp.resolve("www/big.bin");
        long size = 64L << 20;
        writeSparseishFile(big, size, 42);
        String expected = sha256(big);

        MessageDigest digest = sha256();
        HttpClient.Response r;
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            r = new HttpClient(SocketFactory.getDefault()).get(url("/big.bin"), sink);
        }
        assertEquals(200, r.status());
        assertEquals(size, r.bytes());
        assertEquals(Long.toString(size), r.headers().first("Content-Length"));
        assertEquals(expected, HexFormat.of().formatHex(digest.digest()));
        // The server counts a body once its last write returns, which may be just after the client
        // has read the last byte: wait for the count, do not race it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.bodyBytesSent() < size && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertEquals(size, server.bodyBytesSent());
    }

    @Test
    void curlDownloadsALargeFile() throws Exception {
        assumeTrue(commandExists("curl"), "curl is not installed");
        Path big = tmp.resolve("www/curl.bin");
        writeSparseishFile(big, 50L << 20 | 12345, 7);
        Path out = tmp.resolve("downloaded.bin");
        Process curl = new ProcessBuilder("curl", "-sS", "-f", "--max-time", "60", "-o", out.toString(),
                "-w", "%{http_code} %{size_download}", url("/curl.bin").toString()).redirectErrorStream(true).start();
        String report = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor(), report);
        assertEquals("200 " + Files.size(big), report.strip());
        assertEquals(sha256(big), sha256(out));

        Process head = new ProcessBuilder("curl", "-sS", "-I", url("/hello.txt").toString()).redirectErrorStream(true).start();
        String headers = new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, head.waitFor(), headers);
        assertTrue(headers.startsWith("HTTP/1.1 200 OK"), headers);
        assertTrue(headers.contains("Content-Length: 13"), headers);
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void connectionsRunOnTheGivenThreadsAndStopEndsEverything() throws IOException {
        AtomicInteger started = new AtomicInteger();
        AppThreads counting = (name, task) -> {
            started.incrementAndGet();
            return Thread.ofVirtual().name(name).start(task);
        };
        HttpServer s = new HttpServer().files(www).start(ServerSocketFactory.getDefault(), LOOPBACK, 0, counting);
        int port = s.port();
        Socket idle = new Socket(LOOPBACK, port);
        assertEquals(200, exchange(port, "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false)
                .getFirst().status);
        assertTrue(started.get() >= 3, "accept thread plus one per connection: " + started.get());
        assertTrue(s.isRunning());
        s.close();
        assertFalse(s.isRunning());
        idle.setSoTimeout(5000);
        assertEquals(-1, idle.getInputStream().read(), "stop closes open connections");
        idle.close();
        EchoServerTest.assertRefusedSoon(port);
        assertTrue(s.describe().contains("stopped"), s.describe());
    }

    @Test
    void idleConnectionsAreClosedAfterTheTimeout() throws IOException {
        try (HttpServer s = new HttpServer().files(www).idleTimeout(Duration.ofMillis(200))
                .start(ServerSocketFactory.getDefault(), LOOPBACK, 0, AppThreads.virtual());
             Socket c = new Socket(LOOPBACK, s.port())) {
            c.setSoTimeout(5000);
            assertEquals(-1, c.getInputStream().read());
        }
    }

    // ------------------------------------------------------------------ helpers

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    Raw exchange1(String target) throws IOException {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getFirst();
    }

    List<Raw> exchange(String request) throws IOException {
        return exchange(request, false);
    }

    List<Raw> exchange(String request, boolean several) throws IOException {
        return exchange(server.port(), request, several);
    }

    /** Sends raw request text and reads responses until the server closes the connection. */
    static List<Raw> exchange(int port, String request, boolean several) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = new BufferedInputStream(s.getInputStream());
            List<Raw> responses = new ArrayList<>();
            do {
                Raw r = Raw.read(in, false);
                if (r == null) {
                    break;
                }
                responses.add(r);
            } while (several);
            return responses;
        }
    }

    /** A response read byte by byte from a socket, framing by Content-Length, chunked or close. */
    static final class Raw {
        int status;
        final List<String[]> headers = new ArrayList<>();
        byte[] body = new byte[0];

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Raw read(InputStream in, boolean headOnly) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) {
                return null;
            }
            Raw r = new Raw();
            r.status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                r.headers.add(new String[] {l.substring(0, colon), l.substring(colon + 1).strip()});
            }
            if (headOnly || r.status == 304 || r.status == 204 || r.status / 100 == 1) {
                return r;
            }
            String length = r.header("Content-Length");
            if ("chunked".equals(r.header("Transfer-Encoding"))) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (int n = Integer.parseInt(line(in).split(";")[0], 16); n > 0;
                     n = Integer.parseInt(line(in).split(";")[0], 16)) {
                    body.write(in.readNBytes(n));
                    assertEquals("", line(in));
                }
                for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                    // trailers
                }
                r.body = body.toByteArray();
            } else if (length != null) {
                r.body = in.readNBytes(Integer.parseInt(length));
            } else {
                r.body = in.readAllBytes();
            }
            return r;
        }

        static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                b.write(c);
            }
            if (c < 0 && b.size() == 0) {
                return null;
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
    }

    /** A sparse file with random 1 MiB blocks at every 4th MiB and a random tail, so holes and data alternate. */
    static void writeSparseishFile(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            for (long at = 0; at < size; at += 4L << 20) {
                random.nextBytes(block);
                f.seek(at);
                f.write(block, 0, (int) Math.min(block.length, size - at));
            }
            random.nextBytes(block);
            int tail = (int) Math.min(4096, size);
            f.seek(size - tail);
            f.write(block, 0, tail);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static boolean commandExists(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void generatedContentServesPatternedBytes() throws IOException {
        try (HttpServer s = new HttpServer().route("/", new GeneratedContent("t"))
                .start(ServerSocketFactory.getDefault(), LOOPBACK, 0, AppThreads.virtual())) {
            HttpClient client = new HttpClient(SocketFactory.getDefault());
            for (String query : new String[] {"", "?chunked"}) {
                ByteArrayOutputStream sink = new ByteArrayOutputStream();
                HttpClient.Response r = client.get(URI.create("http://127.0.0.1:" + s.port() + "/bytes/100000" + query), sink);
                assertEquals(200, r.status());
                assertEquals(100_000, r.bytes());
                byte[] expected = new byte[100_000];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (byte) (i % 251);
                }
                assertArrayEquals(expected, sink.toByteArray());
                assertEquals(query.isEmpty() ? "100000" : null, r.headers().first("Content-Length"));
            }
        }
    }
}
