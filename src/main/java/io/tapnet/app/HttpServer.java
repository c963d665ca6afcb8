package io.tapnet.app;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ServerSocketFactory;

/**
 * An HTTP/1.1 server (RFC 9112) on any {@link ServerSocketFactory}: enough of the protocol for curl,
 * browsers and scripts. Requests go to the {@link Handler} whose path prefix matches longest;
 * {@link #files} mounts a directory of static files ({@link StaticFiles}).
 *
 * <p>Connections are persistent by default for HTTP/1.1 and on request for HTTP/1.0, with an idle
 * timeout. Request bodies (Content-Length or chunked, up to {@link #maxBodyBytes}) are read whole and
 * given to the handler; response bodies are streamed, with Content-Length when the length is known and
 * chunked otherwise. A malformed request is answered with the 4xx that names the problem and the
 * connection is closed. One thread per connection, from the {@link AppThreads} given to {@link #start}.
 *
 * <pre>{@code
 * HttpServer server = new HttpServer()
 *         .files(Path.of("www"))
 *         .route("/hello", request -> HttpResponse.text(200, "hello\n"))
 *         .start(host.serverSocketFactory(), null, 80, host::spawn);
 * }</pre>
 */
public final class HttpServer implements Service {
    public static final int DEFAULT_PORT = 80;
    /** Longest request line accepted (RFC 9112 section 3 recommends at least 8000 octets); longer gets 414. */
    static final int MAX_REQUEST_LINE = 8192;
    private static final String SERVER = "tapnet";

    /** Answers requests under a path prefix. Runs on the connection's thread; may block. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(HttpRequest request) throws IOException;
    }

    private record Route(String prefix, Handler handler) {
        boolean matches(String path) {
            return prefix.equals("/") || path.equals(prefix)
                    || (path.startsWith(prefix) && (prefix.endsWith("/") || path.charAt(prefix.length()) == '/'));
        }
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private volatile Duration idleTimeout = Duration.ofSeconds(30);
    private volatile long maxBodyBytes = 1 << 20;
    private volatile String description = "";
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bodyBytesSent = new AtomicLong();
    private volatile AcceptLoop loop;

    public HttpServer() {
    }

    /**
     * Sends requests whose path is {@code pathPrefix} or lies under it ({@code /api} matches {@code /api}
     * and {@code /api/x}, not {@code /apix}; {@code /} matches everything) to {@code handler}. The longest
     * matching prefix wins. Routes may be added while the server runs.
     */
    public HttpServer route(String pathPrefix, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        if (pathPrefix == null || !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("a route's path prefix starts with '/': " + pathPrefix);
        }
        routes.removeIf(r -> r.prefix().equals(pathPrefix));
        routes.add(new Route(pathPrefix, handler));
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        return this;
    }

    /** Serves the files under {@code root} at {@code /}, with directory listings. */
    public HttpServer files(Path root) throws IOException {
        return files("/", root, true);
    }

    /** Serves the files under {@code root} at {@code mount}. */
    public HttpServer files(String mount, Path root, boolean listDirectories) throws IOException {
        StaticFiles files = new StaticFiles(root, mount, listDirectories);
        description = " serving " + files.root() + (mount.equals("/") ? "" : " at " + mount);
        return route(mount, files);
    }

    /** How long a connection may sit idle between requests (and a request may take to arrive). */
    public HttpServer idleTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idle timeout " + timeout);
        }
        this.idleTimeout = timeout;
        return this;
    }

    /** Largest request body read; larger ones get 413. */
    public HttpServer maxBodyBytes(long max) {
        this.maxBodyBytes = max;
        return this;
    }

    /** Listens on {@code port} of every address, one virtual thread per connection. */
    public HttpServer start(ServerSocketFactory factory, int port) throws IOException {
        return start(factory, null, port, AppThreads.virtual());
    }

    /**
     * Starts listening and serving in the background.
     *
     * @param bindAddress the local address, or null for all of the host's
     * @param port        0 for an ephemeral port ({@link #port()} tells which)
     */
    public HttpServer start(ServerSocketFactory factory, InetAddress bindAddress, int port, AppThreads threads)
            throws IOException {
        if (loop != null) {
            throw new IllegalStateException("the server is already started");
        }
        loop = AcceptLoop.start(factory, bindAddress, port, threads, "http", this::serve);
        return this;
    }

    // ------------------------------------------------------------------ one connection

    private void serve(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        InetSocketAddress remote = socket.getRemoteSocketAddress() instanceof InetSocketAddress a ? a : null;
        while (loop.isRunning()) {
            socket.setSoTimeout((int) idleTimeout.toMillis());
            HttpRequest request;
            try {
                request = RequestReader.read(in, out, remote, maxBodyBytes);
            } catch (SocketTimeoutException e) {
                return;
            } catch (HttpProtocolException e) {
                HttpResponse error = HttpResponse.text(e.status(), e.getMessage() + "\n");
                if (e.status() == 405 || e.status() == 501) {
                    error.header("Allow", "GET, HEAD, OPTIONS");
                }
                write(out, "GET", "HTTP/1.1", error, false);
                lingeringClose(socket, in);
                return;
            }
            if (request == null) {
                return;
            }
            requests.incrementAndGet();
            boolean keepAlive = loop.isRunning() && (request.isHttp10()
                    ? request.headers().hasToken("Connection", "keep-alive")
                    : !request.headers().hasToken("Connection", "close"));
            HttpResponse response = dispatch(request);
            keepAlive = write(out, request.method(), request.version(), response, keepAlive);
            if (!keepAlive) {
                lingeringClose(socket, in);
                return;
            }
        }
    }

    private HttpResponse dispatch(HttpRequest request) {
        for (Route route : routes) {
            if (route.matches(request.path())) {
                try {
                    HttpResponse response = route.handler().handle(request);
                    return response != null ? response : HttpResponse.text(500, "the handler gave no response\n");
                } catch (IOException | RuntimeException e) {
                    return HttpResponse.text(500, "internal error: " + e + "\n");
                }
            }
        }
        return HttpResponse.text(404, "not found: " + request.path() + "\n");
    }

    /**
     * Writes a response with its framing. Returns whether the connection can carry another request:
     * not after a close-delimited body or when {@code keepAlive} is false.
     */
    private boolean write(OutputStream out, String method, String requestVersion, HttpResponse response,
                          boolean keepAlive) throws IOException {
        int status = response.status();
        HttpResponse.Body body = response.body();
        long length = body.length();
        boolean statusWithoutContent = (status >= 100 && status < 200) || status == 204 || status == 304;
        boolean sendBody = !HttpSyntax.hasNoContent(method, status);
        boolean chunked = false;
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(status).append(' ').append(response.reason()).append("\r\n");
        head.append("Date: ").append(HttpSyntax.formatDate(Instant.now())).append("\r\n");
        head.append("Server: ").append(SERVER).append("\r\n");
        for (HttpHeaders.Field f : response.headers().fields()) {
            if (!f.name().equalsIgnoreCase("Connection")) {
                head.append(f.name()).append(": ").append(f.value()).append("\r\n");
            }
        }
        if (!statusWithoutContent) {
            if (length >= 0) {
                head.append("Content-Length: ").append(length).append("\r\n");
            } else if (!"HTTP/1.0".equals(requestVersion)) {
                head.append("Transfer-Encoding: chunked\r\n");
                chunked = true;
            } else {
                keepAlive = false;
            }
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        } else if ("HTTP/1.0".equals(requestVersion)) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (sendBody && !statusWithoutContent) {
            if (chunked) {
                ChunkedOutputStream chunks = new ChunkedOutputStream(out);
                CountingOutputStream counted = new CountingOutputStream(chunks, -1);
                body.writeTo(counted);
                chunks.finish();
                bodyBytesSent.addAndGet(counted.count());
            } else {
                CountingOutputStream counted = new CountingOutputStream(out, length);
                body.writeTo(counted);
                bodyBytesSent.addAndGet(counted.count());
                if (length >= 0 && counted.count() != length) {
                    throw new IOException("the body was " + counted.count() + " bytes, not the " + length + " announced");
                }
            }
        }
        out.flush();
        return keepAlive;
    }

    /**
     * Closes after a response the way RFC 9112 section 9.6 asks: half-close first, then read and drop
     * what the client still sends for a moment, so that a reset does not destroy the response in flight.
     */
    private static void lingeringClose(Socket socket, InputStream in) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(2000);
            byte[] drop = new byte[8192];
            long dropped = 0;
            int n;
            while (dropped < 1 << 20 && (n = in.read(drop)) >= 0) {
                dropped += n;
            }
        } catch (IOException e) {
            // the client closed or went quiet: either way we are done
        }
    }

    // ------------------------------------------------------------------ Service

    /** Requests answered so far. */
    public long requestsServed() {
        return requests.get();
    }

    /** Body bytes sent so far (headers not counted). */
    public long bodyBytesSent() {
        return bodyBytesSent.get();
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public String protocol() {
        return "tcp";
    }

    @Override
    public int port() {
        AcceptLoop l = loop;
        return l == null ? -1 : l.port();
    }

    @Override
    public boolean isRunning() {
        AcceptLoop l = loop;
        return l != null && l.isRunning();
    }

    @Override
    public String describe() {
        AcceptLoop l = loop;
        if (l == null) {
            return "http (not started)" + description;
        }
        String state = l.isRunning() ? "" : l.failure() != null ? " failed: " + l.failure() : " stopped";
        return "http :" + l.port() + "/tcp" + description + " (" + l.openConnections() + " open, "
                + requests.get() + " requests, " + bodyBytesSent.get() + " body bytes sent)" + state;
    }

    @Override
    public void close() {
        AcceptLoop l = loop;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Counts what a body writes, and refuses bytes beyond an announced length. */
    private static final class CountingOutputStream extends OutputStream {
        private final OutputStream out;
        private final long limit;
        private long count;

        CountingOutputStream(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            out.write(b, off, len);
            count += len;
        }

        private void check(int len) throws IOException {
            if (limit >= 0 && count + len > limit) {
                throw new IOException("the body is longer than the " + limit + " bytes announced");
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        long count() {
            return count;
        }
    }
}
