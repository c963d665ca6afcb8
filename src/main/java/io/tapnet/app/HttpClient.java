package io.tapnet.app;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * A small HTTP/1.1 client (RFC 9112) over any {@link SocketFactory}: GET and HEAD, the body streamed to a
 * sink. Reads bodies delimited by Content-Length, by the chunked coding, or by the server closing the
 * connection (as HTTP/1.0 servers such as {@code python3 -m http.server} do). One connection per
 * request, announced with {@code Connection: close}. Redirects are not followed unless asked for.
 *
 * <p>Host names are turned into addresses by the {@link Resolver} given; on an emulated host that is the
 * host's own resolver, so Java's DNS is never consulted.
 */
public final class HttpClient {

    /** Turns a host name from a URL into an address. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    /**
     * What a request got back.
     *
     * @param status   the status code
     * @param reason   the reason phrase (may be empty)
     * @param version  the server's HTTP version, e.g. {@code HTTP/1.0}
     * @param headers  the response header fields
     * @param trailers trailer fields after a chunked body (usually empty)
     * @param bytes    body bytes written to the sink
     * @param uri      the URI that answered (differs from the one asked when redirects were followed)
     */
    public record Response(int status, String reason, String version, HttpHeaders headers, HttpHeaders trailers,
                           long bytes, URI uri) {
        /** The status line as sent, e.g. {@code HTTP/1.1 200 OK}. */
        public String statusLine() {
            return version + " " + status + (reason.isEmpty() ? "" : " " + reason);
        }

        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    private static final String USER_AGENT = "tapnet-http/0.1";
    private static final int MAX_STATUS_LINE = 8192;

    private final SocketFactory factory;
    private Resolver resolver = InetAddress::getByName;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private int maxRedirects;
    private final HttpHeaders extraHeaders = new HttpHeaders();

    public HttpClient(SocketFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** How host names become addresses (default: {@link InetAddress#getByName}). */
    public HttpClient resolver(Resolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        return this;
    }

    /** How long connecting may take (zero for no limit). */
    public HttpClient connectTimeout(Duration timeout) {
        this.connectTimeout = requireMillis(timeout);
        return this;
    }

    /** How long any single read may wait for the server (zero for no limit). */
    public HttpClient readTimeout(Duration timeout) {
        this.readTimeout = requireMillis(timeout);
        return this;
    }

    /** Follows up to {@code max} redirects (301, 302, 303, 307, 308) for GET and HEAD; 0 (the default) follows none. */
    public HttpClient followRedirects(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max redirects " + max);
        }
        this.maxRedirects = max;
        return this;
    }

    /** Adds a header to every request. */
    public HttpClient header(String name, String value) {
        extraHeaders.add(name, value);
        return this;
    }

    /** GET {@code uri}, writing the body to {@code sink}. Any status is returned, not thrown. */
    public Response get(URI uri, OutputStream sink) throws IOException {
        return request("GET", uri, sink);
    }

    /** GET {@code http://host:port/path}. */
    public Response get(String host, int port, String path, OutputStream sink) throws IOException {
        return get(uri(host, port, path), sink);
    }

    /** HEAD {@code uri}: the status and header fields, no body. */
    public Response head(URI uri) throws IOException {
        return request("HEAD", uri, OutputStream.nullOutputStream());
    }

    static URI uri(String host, int port, String path) {
        String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        return URI.create("http://" + host + (port == 80 ? "" : ":" + port) + p);
    }

    private Response request(String method, URI uri, OutputStream sink) throws IOException {
        URI current = uri;
        for (int redirects = 0; ; redirects++) {
            boolean mayFollow = redirects < maxRedirects;
            OutputStream target = mayFollow ? new RedirectAwareSink(sink) : sink;
            Response response = exchange(method, current, target, mayFollow);
            String location = response.headers().first("Location");
            if (!mayFollow || !isRedirect(response.status()) || location == null) {
                return response;
            }
            current = current.resolve(location.strip());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private Response exchange(String method, URI uri, OutputStream sink, boolean discardRedirectBody)
            throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new IOException("only http:// URLs are supported, not '" + uri + "'");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new IOException("no host in '" + uri + "'");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        InetSocketAddress address = new InetSocketAddress(resolver.resolve(host), port);

        try (Socket socket = Connector.connect(factory, address, (int) connectTimeout.toMillis())) {
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            StringBuilder request = new StringBuilder(256);
            request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            request.append("Host: ").append(host.contains(":") ? "[" + host + "]" : host)
                    .append(port == 80 ? "" : ":" + port).append("\r\n");
            if (!extraHeaders.contains("User-Agent")) {
                request.append("User-Agent: ").append(USER_AGENT).append("\r\n");
            }
            if (!extraHeaders.contains("Accept")) {
                request.append("Accept: */*\r\n");
            }
            request.append(extraHeaders);
            request.append("Connection: close\r\n\r\n");
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            String[] statusLine;
            HttpHeaders headers;
            do {
                statusLine = readStatusLine(in);
                headers = new HttpHeaders();
                HttpSyntax.readFields(in, headers, "response header");
            } while (statusLine[1].startsWith("1") && !statusLine[1].equals("101"));
            int status = Integer.parseInt(statusLine[1]);

            HttpHeaders trailers = new HttpHeaders();
            InputStream body = body(method, status, headers, in, trailers);
            if (discardRedirectBody && sink instanceof RedirectAwareSink r && isRedirect(status)
                    && headers.contains("Location")) {
                r.discard();
            }
            long bytes = body == null ? 0 : copy(body, sink);
            return new Response(status, statusLine[2], statusLine[0], headers, trailers, bytes, uri);
        }
    }

    /** {@code [version, status, reason]}; RFC 9112 section 4. */
    private static String[] readStatusLine(InputStream in) throws IOException {
        String line = HttpSyntax.readLine(in, MAX_STATUS_LINE, 400, "status line");
        if (line == null) {
            throw new HttpProtocolException(400, "the server closed the connection without a response");
        }
        if (!line.matches("HTTP/[0-9]\\.[0-9] [0-9]{3}( .*)?")) {
            throw new HttpProtocolException(400, "not an HTTP/1.x status line: '" + HttpSyntax.abbreviate(line) + "'");
        }
        return new String[] {line.substring(0, 8), line.substring(9, 12), line.length() > 13 ? line.substring(13) : ""};
    }

    /** The body's framing, RFC 9112 section 6.3; null when the response has none. */
    private static InputStream body(String method, int status, HttpHeaders headers, InputStream in,
                                    HttpHeaders trailers) throws IOException {
        if (HttpSyntax.hasNoContent(method, status)) {
            return null;
        }
        List<String> codings = headers.tokens("Transfer-Encoding");
        if (!codings.isEmpty()) {
            if (codings.getLast().equals("chunked")) {
                if (codings.size() > 1) {
                    throw new HttpProtocolException(400, "transfer codings " + codings + " are not supported; only chunked");
                }
                return new ChunkedInputStream(in, trailers);
            }
            return in;
        }
        long length = HttpSyntax.contentLength(headers);
        return length >= 0 ? new FixedLengthInputStream(in, length) : in;
    }

    private static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        out.flush();
        return total;
    }

    private static Duration requireMillis(Duration timeout) {
        if (timeout.isNegative() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout " + timeout);
        }
        return timeout;
    }

    /** Lets the body of a redirect that will be followed go nowhere instead of into the caller's sink. */
    private static final class RedirectAwareSink extends OutputStream {
        private final OutputStream sink;
        private boolean discard;

        RedirectAwareSink(OutputStream sink) {
            this.sink = sink;
        }

        void discard() {
            discard = true;
        }

        @Override
        public void write(int b) throws IOException {
            if (!discard) {
                sink.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!discard) {
                sink.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (!discard) {
                sink.flush();
            }
        }
    }
}
