package io.tapnet.app;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body of known length (Content-Length, RFC 9112 section 6.2) inside a connection's stream: ends after
 * exactly that many bytes, and calls it an error when the connection ends first.
 */
final class FixedLengthInputStream extends InputStream {
    private final InputStream in;
    private final long length;
    private long remaining;

    FixedLengthInputStream(InputStream in, long length) {
        this.in = in;
        this.length = length;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the connection closed after " + (length - remaining) + " of " + length
                    + " body bytes");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    /** Does not close the connection: the next message may follow. */
    @Override
    public void close() {
    }
}
