package io.tapnet.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the chunked transfer coding (RFC 9112 section 7.1) for a body of unknown length. Small writes
 * are gathered into chunks of up to {@link #CHUNK} bytes; {@link #finish()} writes the last chunk and
 * leaves the connection open for the next message.
 */
final class ChunkedOutputStream extends OutputStream {
    static final int CHUNK = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final byte[] buffer = new byte[CHUNK];
    private int count;
    private boolean finished;

    ChunkedOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            flushChunk();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("the chunked body is finished");
        }
        if (len >= buffer.length) {
            flushChunk();
            writeChunk(b, off, len);
            return;
        }
        if (len > buffer.length - count) {
            flushChunk();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    private void flushChunk() throws IOException {
        if (count > 0) {
            writeChunk(buffer, 0, count);
            count = 0;
        }
    }

    private void writeChunk(byte[] b, int off, int len) throws IOException {
        out.write(Integer.toHexString(len).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(b, off, len);
        out.write(CRLF);
    }

    /** Sends what is gathered as a chunk and flushes the connection. */
    @Override
    public void flush() throws IOException {
        flushChunk();
        out.flush();
    }

    /** Writes the last chunk (no trailers). Does not close the connection. */
    void finish() throws IOException {
        if (!finished) {
            flushChunk();
            out.write(LAST);
            finished = true;
        }
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
