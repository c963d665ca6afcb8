package io.tapnet.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads one request from a connection (RFC 9112 sections 2 to 7), body included, for {@link HttpServer}. */
final class RequestReader {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private RequestReader() {
    }

    /**
     * @param out where {@code 100 Continue} goes when the client waits for it
     * @return the request, or null when the connection closed cleanly before one began
     * @throws HttpProtocolException with the status to answer when the request is malformed
     */
    static HttpRequest read(InputStream in, OutputStream out, InetSocketAddress remote, long maxBody) throws IOException {
        String line = HttpSyntax.readLine(in, HttpServer.MAX_REQUEST_LINE, 414, "request line");
        // RFC 9112 section 2.2: ignore at least one empty line before the request line.
        for (int empty = 0; line != null && line.isEmpty(); empty++) {
            if (empty == 4) {
                throw new HttpProtocolException(400, "empty lines instead of a request line");
            }
            line = HttpSyntax.readLine(in, HttpServer.MAX_REQUEST_LINE, 414, "request line");
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new HttpProtocolException(400, "bad request line '" + HttpSyntax.abbreviate(line)
                    + "'; expected 'METHOD TARGET HTTP/1.1'");
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!HttpSyntax.isToken(method)) {
            throw new HttpProtocolException(400, "bad method '" + HttpSyntax.abbreviate(method) + "'");
        }
        if (!version.matches("HTTP/[0-9]\\.[0-9]")) {
            throw new HttpProtocolException(400, "bad HTTP version '" + HttpSyntax.abbreviate(version) + "'");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpProtocolException(505, version + " is not supported; this server speaks HTTP/1.1 and 1.0");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 32 || c >= 127) {
                throw new HttpProtocolException(400, "the request target holds a character that must be"
                        + " percent-encoded");
            }
        }
        HttpHeaders headers = new HttpHeaders();
        HttpSyntax.readFields(in, headers, "request header");

        List<String> hosts = headers.all("Host");
        if (hosts.size() > 1) {
            throw new HttpProtocolException(400, "more than one Host header");
        }
        if (version.equals("HTTP/1.1") && hosts.isEmpty()) {
            throw new HttpProtocolException(400, "an HTTP/1.1 request needs a Host header (RFC 9112 section 3.2)");
        }

        String pathAndQuery;
        if (target.startsWith("/")) {
            pathAndQuery = target;
        } else if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new HttpProtocolException(400, "the target '*' is only for OPTIONS");
            }
            pathAndQuery = "*";
        } else if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int authority = target.indexOf("//") + 2;
            int slash = target.indexOf('/', authority);
            int question = target.indexOf('?', authority);
            if (slash < 0 || (question >= 0 && question < slash)) {
                pathAndQuery = "/" + (question >= 0 ? target.substring(question) : "");
            } else {
                pathAndQuery = target.substring(slash);
            }
        } else if (method.equals("CONNECT")) {
            throw new HttpProtocolException(501, "CONNECT is not implemented: this is not a proxy");
        } else {
            throw new HttpProtocolException(400, "bad request target '" + HttpSyntax.abbreviate(target) + "'");
        }
        int question = pathAndQuery.indexOf('?');
        String path = question >= 0 ? pathAndQuery.substring(0, question) : pathAndQuery;
        String query = question >= 0 ? pathAndQuery.substring(question + 1) : null;
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            throw new HttpProtocolException(400, "a fragment ('#') is not part of a request target");
        }

        InputStream body = null;
        List<String> codings = headers.tokens("Transfer-Encoding");
        long contentLength = HttpSyntax.contentLength(headers);
        if (!headers.all("Transfer-Encoding").isEmpty()) {
            if (version.equals("HTTP/1.0")) {
                throw new HttpProtocolException(400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 section 6.1)");
            }
            if (contentLength >= 0) {
                throw new HttpProtocolException(400, "both Transfer-Encoding and Content-Length (RFC 9112 section 6.3)");
            }
            if (codings.isEmpty() || !codings.getLast().equals("chunked")) {
                throw new HttpProtocolException(400, "the last transfer coding of a request must be chunked");
            }
            if (codings.size() > 1) {
                throw new HttpProtocolException(501, "transfer codings " + codings + " are not implemented; only chunked");
            }
            body = new ChunkedInputStream(in, null);
        } else if (contentLength > maxBody) {
            throw new HttpProtocolException(413, "the body of " + contentLength + " bytes exceeds the limit of "
                    + maxBody);
        } else if (contentLength > 0) {
            body = new FixedLengthInputStream(in, contentLength);
        }

        String expect = headers.first("Expect");
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpProtocolException(417, "only 'Expect: 100-continue' is understood");
            }
            if (body != null && version.equals("HTTP/1.1")) {
                out.write(CONTINUE);
                out.flush();
            }
        }
        byte[] content = body == null ? new byte[0] : readBody(body, maxBody);
        return new HttpRequest(method, target, path, query, version, headers, content, remote);
    }

    private static byte[] readBody(InputStream body, long max) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = body.read(buffer)) >= 0) {
            if (content.size() + (long) n > max) {
                throw new HttpProtocolException(413, "the body exceeds the limit of " + max + " bytes");
            }
            content.write(buffer, 0, n);
        }
        return content.toByteArray();
    }
}
