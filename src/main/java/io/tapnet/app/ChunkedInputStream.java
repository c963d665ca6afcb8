package io.tapnet.app;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes the chunked transfer coding (RFC 9112 section 7.1): chunk sizes in hex with optional
 * extensions (ignored), the data, and after the last chunk the trailer fields, which are collected.
 * Reads nothing past the end of the message, so the connection can carry the next one.
 */
final class ChunkedInputStream extends InputStream {
    private static final int MAX_SIZE_LINE = 4096;

    private final InputStream in;
    private final HttpHeaders trailers;
    private long chunkRemaining;
    private boolean needSize = true;
    private boolean done;

    /** @param trailers where trailer fields go, or null to read and drop them */
    ChunkedInputStream(InputStream in, HttpHeaders trailers) {
        this.in = in;
        this.trailers = trailers == null ? new HttpHeaders() : trailers;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (chunkRemaining == 0) {
            if (!needSize) {
                endOfChunk();
            }
            chunkRemaining = readSize();
            needSize = false;
            if (chunkRemaining == 0) {
                HttpSyntax.readFields(in, trailers, "trailer");
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
        if (n < 0) {
            throw new EOFException("the connection closed inside a chunk");
        }
        chunkRemaining -= n;
        return n;
    }

    private void endOfChunk() throws IOException {
        String line = HttpSyntax.readLine(in, MAX_SIZE_LINE, 400, "chunk end");
        if (line == null) {
            throw new EOFException("the connection closed after a chunk's data");
        }
        if (!line.isEmpty()) {
            throw new HttpProtocolException(400, "chunk data is longer than its size says");
        }
    }

    private long readSize() throws IOException {
        String line = HttpSyntax.readLine(in, MAX_SIZE_LINE, 400, "chunk size line");
        if (line == null) {
            throw new EOFException("the connection closed before the last chunk");
        }
        int end = line.indexOf(';');
        String hex = (end >= 0 ? line.substring(0, end) : line).strip();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new HttpProtocolException(400, "bad chunk size '" + HttpSyntax.abbreviate(line) + "'");
        }
        try {
            return Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new HttpProtocolException(400, "bad chunk size '" + HttpSyntax.abbreviate(line) + "'");
        }
    }

    @Override
    public int available() throws IOException {
        return done ? 0 : (int) Math.min(in.available(), chunkRemaining);
    }

    /** Whether the last chunk and the trailers have been read. */
    boolean isDone() {
        return done;
    }

    /** Does not close the connection. */
    @Override
    public void close() {
    }
}
