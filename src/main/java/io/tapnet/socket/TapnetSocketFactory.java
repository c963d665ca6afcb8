package io.tapnet.socket;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Creates sockets on one emulated host; hand it to any library that accepts a {@link SocketFactory}. */
final class TapnetSocketFactory extends SocketFactory {
    private final EmulatedHost host;

    TapnetSocketFactory(EmulatedHost host) {
        this.host = host;
    }

    @Override
    public Socket createSocket() {
        return host.newSocket();
    }

    @Override
    public Socket createSocket(String hostName, int port) throws IOException {
        return createSocket(host.resolve(hostName), port);
    }

    @Override
    public Socket createSocket(String hostName, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host.resolve(hostName), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        Socket s = host.newSocket();
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = host.newSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }
}
