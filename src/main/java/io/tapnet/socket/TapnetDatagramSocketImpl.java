package io.tapnet.socket;

import io.tapnet.phy.EventLoop;
import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;
import io.tapnet.transport.udp.UdpEndpoint;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocketImpl;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOptions;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * The implementation behind an emulated host's {@link java.net.DatagramSocket}: datagrams go through
 * tapnet's UDP on the event loop. Multicast is not supported.
 */
final class TapnetDatagramSocketImpl extends DatagramSocketImpl {
    private final EmulatedHost host;
    private final EventLoop loop;
    private final Readiness readable;
    private UdpEndpoint endpoint;
    private volatile int soTimeoutMillis;
    private boolean broadcast;

    TapnetDatagramSocketImpl(EmulatedHost host) {
        this.host = host;
        this.loop = host.loop();
        this.readable = new Readiness(loop);
    }

    @Override
    protected void create() {
        endpoint = loop.call(() -> host.udp().open().setEvents(new UdpEndpoint.Events() {
            @Override
            public void onReadable(UdpEndpoint e) {
                readable.fire();
            }

            @Override
            public void onError(UdpEndpoint e, SocketError error) {
                readable.fire();
            }
        }));
    }

    @Override
    protected void bind(int lport, InetAddress laddr) throws SocketException {
        int address = laddr == null || laddr.isAnyLocalAddress() ? 0 : EmulatedHost.toInt(laddr);
        try {
            UdpEndpoint e = endpoint;
            localPort = loop.call(() -> e.bind(address, lport).localPort());
        } catch (TransportException ex) {
            throw (SocketException) new java.net.BindException(ex.error().message()).initCause(ex);
        }
    }

    @Override
    protected void connect(InetAddress address, int port) throws SocketException {
        UdpEndpoint e = endpoint;
        int a = EmulatedHost.toInt(address);
        loop.call(() -> {
            if (!e.isBound()) {
                e.bind(0, 0);
            }
            e.connect(a, port);
            return null;
        });
        localPort = loop.call(e::localPort);
    }

    @Override
    protected void disconnect() {
        UdpEndpoint e = endpoint;
        loop.call(() -> {
            e.disconnect();
            return null;
        });
    }

    @Override
    protected void send(DatagramPacket p) throws IOException {
        UdpEndpoint e = endpoint;
        byte[] data = p.getData();
        int off = p.getOffset();
        int len = p.getLength();
        InetAddress to = p.getAddress();
        int port = p.getPort();
        try {
            loop.call(() -> {
                e.setBroadcast(broadcast);
                return to == null ? e.send(ByteBuffer.wrap(data, off, len))
                        : e.send(data, off, len, EmulatedHost.toInt(to), port);
            });
            localPort = loop.call(e::localPort);
        } catch (TransportException ex) {
            throw SocketErrors.toIOException(ex);
        }
    }

    @Override
    protected void receive(DatagramPacket p) throws IOException {
        receive(p, true);
    }

    private void receive(DatagramPacket p, boolean consume) throws IOException {
        UdpEndpoint e = endpoint;
        boolean app = loop.isAppThread();
        long timeout = soTimeoutMillis * 1_000_000L;
        byte[] data = p.getData();
        int off = p.getOffset();
        int room = p.getLength();
        while (true) {
            Received result;
            try {
                result = loop.call(() -> {
                    SocketError error = e.takeError();
                    if (error != null) {
                        throw new TransportException(error);
                    }
                    if (e.nextLength() < 0) {
                        readable.arm(timeout, app);
                        return null;
                    }
                    if (!consume) {
                        return new Received(e.nextLength(), 0, 0);
                    }
                    int n = e.receive(data, off, room);
                    return new Received(n, e.lastSourceAddress(), e.lastSourcePort());
                });
            } catch (TransportException ex) {
                throw SocketErrors.toIOException(ex);
            }
            if (result != null) {
                if (!consume) {
                    return;
                }
                p.setLength(result.length());
                p.setAddress(EmulatedHost.toInet(result.address()));
                p.setPort(result.port());
                return;
            }
            readable.block();
            if (readable.timedOut()) {
                throw new SocketTimeoutException("Receive timed out");
            }
        }
    }

    private record Received(int length, int address, int port) {
    }

    @Override
    protected int peek(InetAddress i) throws IOException {
        throw new SocketException("peek is not supported");
    }

    @Override
    protected int peekData(DatagramPacket p) throws IOException {
        throw new SocketException("peekData is not supported");
    }

    @Override
    @Deprecated
    protected void setTTL(byte ttl) {
    }

    @Override
    @Deprecated
    protected byte getTTL() {
        return 64;
    }

    @Override
    protected void setTimeToLive(int ttl) {
    }

    @Override
    protected int getTimeToLive() {
        return 64;
    }

    @Override
    protected void join(InetAddress inetaddr) throws IOException {
        throw new SocketException("multicast is not supported");
    }

    @Override
    protected void leave(InetAddress inetaddr) throws IOException {
        throw new SocketException("multicast is not supported");
    }

    @Override
    protected void joinGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException {
        throw new SocketException("multicast is not supported");
    }

    @Override
    protected void leaveGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException {
        throw new SocketException("multicast is not supported");
    }

    @Override
    protected void close() {
        UdpEndpoint e = endpoint;
        if (e != null) {
            loop.call(() -> {
                e.close();
                readable.fire();
                return null;
            });
        }
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        switch (optID) {
            case SocketOptions.SO_TIMEOUT -> soTimeoutMillis = (Integer) value;
            case SocketOptions.SO_BROADCAST -> broadcast = (Boolean) value;
            case SocketOptions.SO_RCVBUF -> {
                UdpEndpoint e = endpoint;
                int size = (Integer) value;
                loop.call(() -> {
                    e.setReceiveBufferSize(size);
                    return null;
                });
            }
            case SocketOptions.SO_SNDBUF, SocketOptions.SO_REUSEADDR, SocketOptions.IP_TOS -> {
            }
            default -> throw new SocketException("option " + optID + " not supported");
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        return switch (optID) {
            case SocketOptions.SO_TIMEOUT -> soTimeoutMillis;
            case SocketOptions.SO_BROADCAST -> broadcast;
            case SocketOptions.SO_RCVBUF -> loop.call(endpoint::receiveBufferSize);
            case SocketOptions.SO_SNDBUF -> 65_536;
            case SocketOptions.SO_REUSEADDR -> false;
            case SocketOptions.IP_TOS -> 0;
            case SocketOptions.SO_BINDADDR -> EmulatedHost.toInet(loop.call(endpoint::localAddress));
            default -> throw new SocketException("option " + optID + " not supported");
        };
    }
}
