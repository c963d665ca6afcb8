package io.tapnet.app;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The UDP echo service (RFC 862): "When a datagram is received, the data from it is sent back in an
 * answering datagram." It serves on a socket it is given, so the same code runs on a real
 * {@link DatagramSocket} and on an emulated host's.
 */
public final class UdpEchoServer implements Service {
    /** The largest UDP payload over IPv4: 65 535 minus the IPv4 and UDP headers. */
    static final int MAX_DATAGRAM = 65_507;

    private final DatagramSocket socket;
    private final int port;
    private final AtomicLong datagrams = new AtomicLong();
    private volatile boolean running = true;
    private volatile String failure;

    private UdpEchoServer(DatagramSocket socket) {
        this.socket = socket;
        this.port = socket.getLocalPort();
    }

    /** Virtual-thread variant of {@link #start(DatagramSocket, AppThreads)}. */
    public static UdpEchoServer start(DatagramSocket socket) {
        return start(socket, AppThreads.virtual());
    }

    /**
     * Echoes every datagram that arrives on {@code socket} (already bound) until {@link #close()},
     * which closes the socket.
     */
    public static UdpEchoServer start(DatagramSocket socket, AppThreads threads) {
        UdpEchoServer server = new UdpEchoServer(socket);
        try {
            threads.start("echo udp :" + socket.getLocalPort(), server::run);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        return server;
    }

    private void run() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setData(buffer);
                socket.receive(packet);
                // Counted before the answer leaves, so whoever sees the echo also sees the count.
                datagrams.incrementAndGet();
                socket.send(packet);
            } catch (java.net.PortUnreachableException e) {
                // an earlier answer hit a closed port; the next sender may still be listening
            } catch (IOException | RuntimeException e) {
                if (running && !socket.isClosed()) {
                    failure = e.getMessage() == null ? e.toString() : e.getMessage();
                }
                break;
            }
        }
        running = false;
        socket.close();
    }

    /** Datagrams answered so far. */
    public long datagramsEchoed() {
        return datagrams.get();
    }

    @Override
    public String kind() {
        return "echo";
    }

    @Override
    public String protocol() {
        return "udp";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public String describe() {
        String state = running ? "" : failure != null ? " failed: " + failure : " stopped";
        return "echo :" + port() + "/udp (" + datagrams.get() + " datagrams echoed)" + state;
    }

    @Override
    public void close() {
        running = false;
        socket.close();
    }

    @Override
    public String toString() {
        return describe();
    }
}
