package io.tapnet.app;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A request as the server read it, handed to an {@link HttpServer.Handler}.
 *
 * @param method  the method token, case-sensitive as RFC 9110 says ({@code GET}, {@code HEAD}, ...)
 * @param target  the request target as sent ({@code /a/b?x=1}, or the absolute form)
 * @param path    the path of the target, still percent-encoded, always starting with {@code /}
 *                ({@code *} for {@code OPTIONS *})
 * @param query   what follows {@code ?}, or null
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers the header fields
 * @param body    the content (empty when there is none)
 * @param remote  who sent it
 */
public record HttpRequest(String method, String target, String path, String query, String version,
                          HttpHeaders headers, byte[] body, InetSocketAddress remote) {

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether this is an HTTP/1.0 request, where connections close unless the client asks otherwise. */
    public boolean isHttp10() {
        return "HTTP/1.0".equals(version);
    }

    /** Whether the method asks for headers only. */
    public boolean isHead() {
        return "HEAD".equals(method);
    }
}
