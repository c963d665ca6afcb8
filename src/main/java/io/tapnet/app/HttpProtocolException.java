package io.tapnet.app;

import java.io.IOException;

/**
 * An HTTP message that breaks RFC 9112: a request line, header or chunk that cannot be read. On the
 * server it carries the status to answer with (400 Bad Request, 414, 431, 501, 505) before closing.
 */
public final class HttpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HttpProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The response status that describes the problem. */
    public int status() {
        return status;
    }
}
