package io.tapnet.socket;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** The output stream of a {@link TapnetSocket}; writes block until the send buffer took everything. */
final class SocketOutput extends OutputStream {
    private final TapnetSocket socket;

    SocketOutput(TapnetSocket socket) {
        this.socket = socket;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        socket.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
