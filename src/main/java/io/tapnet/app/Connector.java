package io.tapnet.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/** Opens client connections through a {@link SocketFactory}, with a connect timeout where it can. */
final class Connector {
    private Connector() {
    }

    /**
     * Connects to {@code target}. A factory that cannot make unconnected sockets (the
     * {@link SocketFactory#createSocket()} default) still works, but then without a connect timeout.
     *
     * @param timeoutMillis 0 for none
     */
    static Socket connect(SocketFactory factory, InetSocketAddress target, int timeoutMillis) throws IOException {
        Socket socket;
        try {
            socket = factory.createSocket();
        } catch (SocketException | UnsupportedOperationException e) {
            return factory.createSocket(target.getAddress(), target.getPort());
        }
        try {
            socket.connect(target, timeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on an error or shutdown path: the first failure is the one worth reporting
        }
    }
}
