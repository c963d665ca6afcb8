package io.tapnet.app;

import io.tapnet.socket.EmulatedHost;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Objects;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * Everything an application needs from the host it runs on, in plain {@code java.net} and
 * {@code javax.net} terms: the same applications then run on the real network ({@link #loopback()}) and
 * on an emulated host, whose factories, datagram sockets, name resolution and threads are passed in.
 *
 * @param name          the host's name, for thread names and messages
 * @param sockets       client TCP sockets
 * @param serverSockets listening TCP sockets
 * @param datagrams     UDP sockets bound to a port (0 for an ephemeral one)
 * @param resolver      node names or dotted quads to addresses
 * @param threads       where application threads run ({@code host::spawn} on an emulated host)
 * @param bindAddress   the address servers listen on, or null for all of the host's
 */
public record AppHost(String name, SocketFactory sockets, ServerSocketFactory serverSockets, Datagrams datagrams,
                      HttpClient.Resolver resolver, AppThreads threads, InetAddress bindAddress) {

    /** Opens a UDP socket bound to {@code port}. */
    @FunctionalInterface
    public interface Datagrams {
        DatagramSocket open(int port) throws IOException;
    }

    public AppHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sockets, "sockets");
        Objects.requireNonNull(serverSockets, "serverSockets");
        Objects.requireNonNull(datagrams, "datagrams");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(threads, "threads");
    }

    /** An emulated host: its factories and datagram sockets, its resolver, and {@code host::spawn} for threads. */
    public static AppHost of(EmulatedHost host) {
        return new AppHost(host.name(), host.socketFactory(), host.serverSocketFactory(), host::newDatagramSocket,
                host::resolve, host::spawn, null);
    }

    /** The JVM's own sockets, servers bound to 127.0.0.1, virtual threads: for tests on the real loopback. */
    public static AppHost loopback() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new AppHost("localhost", SocketFactory.getDefault(), ServerSocketFactory.getDefault(),
                port -> new DatagramSocket(port, loopback), InetAddress::getByName, AppThreads.virtual(), loopback);
    }
}
