package io.tapnet.app;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Starts a service by its description, the way a topology's {@code services:} entries and the console
 * name them: {@code http} (static files from a directory, or {@link GeneratedContent} without one) and
 * {@code echo} over TCP or UDP, {@code discard} over TCP.
 */
public final class ServiceLauncher {
    private ServiceLauncher() {
    }

    /**
     * @param kind      {@code http}, {@code echo} or {@code discard}
     * @param port      the port (0 for an ephemeral one)
     * @param protocol  {@code tcp} or {@code udp} (http is tcp only)
     * @param argument  http: the directory to serve, or null for the generated site; echo: must be null
     * @param baseDirectory what a relative directory is relative to (the topology file's directory)
     * @param host      the host to run on
     */
    public static Service start(String kind, int port, String protocol, String argument, Path baseDirectory,
                                AppHost host) throws IOException {
        String proto = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        switch (kind) {
            case "http" -> {
                if (!proto.equals("tcp")) {
                    throw new IllegalArgumentException("http runs over tcp, not " + proto);
                }
                HttpServer server = new HttpServer();
                if (argument == null) {
                    server.route("/", new GeneratedContent(host.name()));
                } else {
                    Path dir = Path.of(argument);
                    if (!dir.isAbsolute() && baseDirectory != null) {
                        dir = baseDirectory.resolve(dir);
                    }
                    server.files(dir);
                }
                return server.start(host.serverSockets(), host.bindAddress(), port, host.threads());
            }
            case "echo" -> {
                if (argument != null) {
                    throw new IllegalArgumentException("echo takes no argument, found '" + argument + "'");
                }
                if (proto.equals("udp")) {
                    DatagramSocket socket = host.datagrams().open(port);
                    return UdpEchoServer.start(socket, host.threads());
                }
                if (!proto.equals("tcp")) {
                    throw new IllegalArgumentException("echo runs over tcp or udp, not " + proto);
                }
                return EchoServer.start(host.serverSockets(), host.bindAddress(), port, host.threads());
            }
            case "discard" -> {
                if (argument != null) {
                    throw new IllegalArgumentException("discard takes no argument, found '" + argument + "'");
                }
                if (!proto.equals("tcp")) {
                    throw new IllegalArgumentException("discard runs over tcp, not " + proto);
                }
                return EchoServer.startDiscard(host.serverSockets(), host.bindAddress(), port, host.threads());
            }
            default -> throw new IllegalArgumentException("unknown service '" + kind + "'; services: http, echo, discard");
        }
    }
}
