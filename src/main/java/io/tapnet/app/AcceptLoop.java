package io.tapnet.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ServerSocketFactory;

/**
 * The part every TCP server shares: a listening socket, a thread that accepts, one thread per
 * connection, and a stop that closes the listener and every connection still open (which wakes the
 * threads blocked on them).
 */
final class AcceptLoop {

    /** Serves one accepted connection; the loop closes the socket afterwards. */
    @FunctionalInterface
    interface ConnectionHandler {
        void serve(Socket connection) throws IOException;
    }

    /** Listen backlog, as Linux's default {@code somaxconn} was for years. */
    static final int BACKLOG = 128;

    private final ServerSocket server;
    private final int port;
    private final AppThreads threads;
    private final String name;
    private final ConnectionHandler handler;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean running;
    private volatile String failure;

    private AcceptLoop(ServerSocket server, AppThreads threads, String name, ConnectionHandler handler) {
        this.server = server;
        this.port = server.getLocalPort();
        this.threads = threads;
        this.name = name;
        this.handler = handler;
    }

    /**
     * Binds a listening socket and starts accepting on a thread of {@code threads}.
     *
     * @param bindAddress the local address to listen on, or null for every address of the host
     * @param port        0 for an ephemeral port
     */
    static AcceptLoop start(ServerSocketFactory factory, InetAddress bindAddress, int port, AppThreads threads,
                            String name, ConnectionHandler handler) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
        ServerSocket server = bindAddress == null
                ? factory.createServerSocket(port, BACKLOG)
                : factory.createServerSocket(port, BACKLOG, bindAddress);
        AcceptLoop loop = new AcceptLoop(server, threads, name, handler);
        loop.running = true;
        try {
            threads.start(name + " accept :" + server.getLocalPort(), loop::run);
        } catch (RuntimeException e) {
            loop.close();
            throw e;
        }
        return loop;
    }

    private void run() {
        while (running) {
            Socket connection;
            try {
                connection = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException | RuntimeException e) {
                if (running) {
                    failure = e.getMessage() == null ? e.toString() : e.getMessage();
                }
                break;
            }
            open.add(connection);
            accepted.incrementAndGet();
            if (!running) {
                // close() ran between accept and add: it may have missed this one
                open.remove(connection);
                Connector.closeQuietly(connection);
                break;
            }
            try {
                threads.start(name + " " + connection.getRemoteSocketAddress(), () -> serve(connection));
            } catch (RuntimeException e) {
                open.remove(connection);
                Connector.closeQuietly(connection);
            }
        }
        running = false;
        Connector.closeQuietly(server);
    }

    private void serve(Socket connection) {
        try {
            handler.serve(connection);
        } catch (IOException | RuntimeException e) {
            // the peer went away or broke the protocol; the connection is closed below either way
        } finally {
            open.remove(connection);
            Connector.closeQuietly(connection);
        }
    }

    int port() {
        return port;
    }

    InetAddress address() {
        return server.getInetAddress();
    }

    boolean isRunning() {
        return running;
    }

    /** Why accepting stopped on its own, or null. */
    String failure() {
        return failure;
    }

    int openConnections() {
        return open.size();
    }

    long acceptedConnections() {
        return accepted.get();
    }

    void close() {
        running = false;
        Connector.closeQuietly(server);
        for (Socket connection : open) {
            Connector.closeQuietly(connection);
        }
    }
}
