package io.tapnet.socket;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** The input stream of a {@link TapnetSocket}. */
final class SocketInput extends InputStream {
    private final TapnetSocket socket;
    private final byte[] one = new byte[1];

    SocketInput(TapnetSocket socket) {
        this.socket = socket;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return socket.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return socket.isClosed() ? 0 : socket.available();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
