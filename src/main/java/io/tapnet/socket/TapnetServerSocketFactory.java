package io.tapnet.socket;

import javax.net.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Creates server sockets on one emulated host. */
final class TapnetServerSocketFactory extends ServerSocketFactory {
    private final EmulatedHost host;

    TapnetServerSocketFactory(EmulatedHost host) {
        this.host = host;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return host.newServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket(port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        ServerSocket s = host.newServerSocket();
        s.bind(new InetSocketAddress(bindAddress, port), backlog);
        return s;
    }
}
