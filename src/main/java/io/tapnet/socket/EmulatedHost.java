package io.tapnet.socket;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.transport.tcp.TcpEndpoint;
import io.tapnet.transport.tcp.TcpLayer;
import io.tapnet.transport.tcp.TcpListener;
import io.tapnet.transport.udp.UdpEndpoint;
import io.tapnet.transport.udp.UdpLayer;
import io.tapnet.wire.Ipv4Address;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.DatagramSocketImpl;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What applications see of an emulated node: java.net-shaped sockets and javax.net factories bound
 * to its stack, and virtual threads that count as the node's applications. Ordinary Java code that
 * accepts a {@link SocketFactory} runs on the emulated network unchanged.
 */
public final class EmulatedHost {
    private final String name;
    private final Ipv4Stack stack;
    private final TcpLayer tcp;
    private final UdpLayer udp;
    private final Function<String, Integer> resolver;

    /**
     * @param resolver turns a node name into its address (null if unknown); dotted quads are parsed
     *                 without it. java.net's DNS is never consulted.
     */
    public EmulatedHost(String name, Ipv4Stack stack, TcpLayer tcp, UdpLayer udp, Function<String, Integer> resolver) {
        this.name = name;
        this.stack = stack;
        this.tcp = tcp;
        this.udp = udp;
        this.resolver = resolver;
    }

    public String name() {
        return name;
    }

    public Ipv4Stack stack() {
        return stack;
    }

    public TcpLayer tcp() {
        return tcp;
    }

    public UdpLayer udp() {
        return udp;
    }

    public EventLoop loop() {
        return stack.loop();
    }

    /** The first interface's address. */
    public InetAddress address() {
        List<IpInterface> ifs = stack.interfaces();
        return toInet(ifs.isEmpty() ? 0 : ifs.get(0).address());
    }

    /** A node name or dotted quad as an address on the emulated network. */
    public InetAddress resolve(String hostOrAddress) throws UnknownHostException {
        Integer a = resolver == null ? null : resolver.apply(hostOrAddress);
        if (a == null) {
            try {
                a = Ipv4Address.parse(hostOrAddress);
            } catch (IllegalArgumentException e) {
                throw new UnknownHostException(hostOrAddress + ": not a node of this network nor an IPv4 address");
            }
        }
        return toInet(a);
    }

    /** Runs an application of this host on a virtual thread (see {@link EventLoop#spawn}). */
    public Thread spawn(String threadName, Runnable app) {
        return loop().spawn(name + "/" + threadName, app);
    }

    public Socket newSocket() {
        return new TapnetSocket(this);
    }

    public ServerSocket newServerSocket() throws IOException {
        return new TapnetServerSocket(this);
    }

    /** A datagram socket bound to {@code port} (0 for an ephemeral one) on every address of the host. */
    public DatagramSocket newDatagramSocket(int port) throws SocketException {
        DatagramSocket s = new EmulatedDatagramSocket(new TapnetDatagramSocketImpl(this));
        s.bind(new InetSocketAddress(port));
        return s;
    }

    /** java.net's DatagramSocket takes a custom implementation only through its protected constructor. */
    private static final class EmulatedDatagramSocket extends DatagramSocket {
        EmulatedDatagramSocket(DatagramSocketImpl impl) {
            super(impl);
        }
    }

    public SocketFactory socketFactory() {
        return new TapnetSocketFactory(this);
    }

    public ServerSocketFactory serverSocketFactory() {
        return new TapnetServerSocketFactory(this);
    }

    /** Every endpoint of the host, like {@code ss -tuna}. */
    public List<SocketInfo> sockets() {
        return loop().call(() -> {
            List<SocketInfo> out = new ArrayList<>();
            for (TcpListener l : tcp.listeners()) {
                out.add(new SocketInfo("tcp", "LISTEN", l.pending(), 0,
                        endpoint(l.localAddress(), l.localPort()), "*:*"));
            }
            for (TcpEndpoint e : tcp.connections()) {
                out.add(new SocketInfo("tcp", e.state().name(), e.receiveQueue(), e.sendQueue(),
                        endpoint(e.localAddress(), e.localPort()), endpoint(e.remoteAddress(), e.remotePort())));
            }
            for (UdpEndpoint e : udp.endpoints()) {
                out.add(new SocketInfo("udp", e.isConnected() ? "ESTAB" : "UNCONN", e.queuedBytes(), 0,
                        endpoint(e.localAddress(), e.localPort()),
                        e.isConnected() ? endpoint(e.remoteAddress(), e.remotePort()) : "*:*"));
            }
            return out;
        });
    }

    private static String endpoint(int address, int port) {
        return (address == 0 ? "*" : Ipv4Address.format(address)) + ":" + (port == 0 ? "*" : port);
    }

    int toInt(InetSocketAddress a) throws UnknownHostException {
        if (a.isUnresolved()) {
            return toInt(resolve(a.getHostString()));
        }
        InetAddress ia = a.getAddress();
        return ia == null || ia.isAnyLocalAddress() ? 0 : toInt(ia);
    }

    static int toInt(InetAddress a) {
        if (!(a instanceof Inet4Address)) {
            throw new IllegalArgumentException("tapnet speaks IPv4 only, not " + a);
        }
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static InetAddress toInet(int address) {
        byte[] b = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid address
        }
    }

    @Override
    public String toString() {
        return "EmulatedHost[" + name + "]";
    }
}
