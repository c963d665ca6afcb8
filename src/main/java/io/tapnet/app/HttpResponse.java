package io.tapnet.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What an {@link HttpServer.Handler} answers: a status, header fields and a body. The server adds the
 * framing (Content-Length or chunked), Date, Server and Connection itself, and leaves the body out for
 * HEAD requests and for 1xx, 204 and 304.
 */
public final class HttpResponse {

    /** Content written to the connection; bodies are streamed, never loaded whole unless they are small. */
    public interface Body {
        /** The content length in bytes, or -1 when unknown (then it goes chunked, or close-delimited to 1.0). */
        long length();

        /** Writes exactly {@link #length()} bytes, when that is known. */
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Body EMPTY = bytesBody(new byte[0]);

    private final int status;
    private final String reason;
    private final HttpHeaders headers = new HttpHeaders();
    private Body body = EMPTY;

    public HttpResponse(int status) {
        this(status, HttpSyntax.reason(status));
    }

    public HttpResponse(int status, String reason) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status + " is not three digits");
        }
        this.status = status;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** A UTF-8 plain-text response. */
    public static HttpResponse text(int status, String text) {
        return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A UTF-8 HTML response. */
    public static HttpResponse html(int status, String html) {
        return bytes(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse bytes(int status, String contentType, byte[] content) {
        return new HttpResponse(status).header("Content-Type", contentType).body(bytesBody(content));
    }

    /**
     * Content of unknown length produced by {@code writer}: sent chunked to HTTP/1.1 clients and
     * delimited by closing the connection for HTTP/1.0 ones.
     */
    public static HttpResponse stream(int status, String contentType, BodyWriter writer) {
        return stream(status, contentType, -1, writer);
    }

    /** Content of a known length produced by {@code writer}, which must write exactly {@code length} bytes. */
    public static HttpResponse stream(int status, String contentType, long length, BodyWriter writer) {
        Objects.requireNonNull(writer, "writer");
        return new HttpResponse(status).header("Content-Type", contentType).body(new Body() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                writer.write(out);
            }
        });
    }

    /** A whole file, streamed from disk as it is sent. */
    public static HttpResponse file(int status, Path file, String contentType) throws IOException {
        return new HttpResponse(status).header("Content-Type", contentType)
                .body(fileBody(file, 0, Files.size(file)));
    }

    /** Writes a body to the connection. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    public static Body bytesBody(byte[] content) {
        byte[] copy = content.clone();
        return new Body() {
            @Override
            public long length() {
                return copy.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(copy);
            }
        };
    }

    /** {@code length} bytes of {@code file} from {@code offset}, read in blocks as they are written. */
    public static Body fileBody(Path file, long offset, long length) {
        return new Body() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    in.skipNBytes(offset);
                    byte[] buffer = new byte[64 * 1024];
                    long left = length;
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new IOException(file + " became shorter while it was being sent");
                        }
                        out.write(buffer, 0, n);
                        left -= n;
                    }
                }
            }
        };
    }

    /** Adds a header field; Content-Length and Transfer-Encoding are the server's and are rejected. */
    public HttpResponse header(String name, String value) {
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new IllegalArgumentException(name + " is set by the server from the body");
        }
        headers.add(name, value);
        return this;
    }

    public HttpResponse body(Body body) {
        this.body = Objects.requireNonNull(body, "body");
        return this;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public Body body() {
        return body;
    }

    @Override
    public String toString() {
        return status + " " + reason;
    }
}
