package io.tapnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.cli.Console;
import io.tapnet.ip.filter.Connection;
import io.tapnet.ip.filter.Firewall;
import io.tapnet.phy.IpCommand;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masquerade and a port forward on tapnet's router between two Linux hosts: the private host reaches
 * the public one, which has no route back to the private subnet and sees only the router's address;
 * the public host reaches a server on the private one through the forward; and the router's
 * connection entries expire after the short timeouts the topology sets.
 *
 * <pre>
 *   priv 10.77.1.10 --- eth0 10.77.1.1  r1  eth1 10.77.9.1 (masquerade) --- pub 10.77.9.20
 * </pre>
 */
@Tag("root")
@Timeout(60)
class NatInteropTest {
    private static final String PRIV = "10.77.1.10";
    private static final String PUB = "10.77.9.20";
    private static final String ROUTER_PUBLIC = "10.77.9.1";

    /** Prints the peer's address of the first datagram or connection, and answers it. */
    private static final String SERVER = """
            import socket, sys
            kind, port = sys.argv[1], int(sys.argv[2])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == 'udp' else socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', port))
            s.settimeout(15)
            if kind == 'udp':
                data, peer = s.recvfrom(100)
                s.sendto(b'pong', peer)
            else:
                s.listen(1)
                c, peer = s.accept()
                c.sendall(b'pong')
                c.close()
            print(peer[0], flush=True)
            """;

    /** Sends 'ping' and prints the answer. */
    private static final String CLIENT = """
            import socket, sys
            kind, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == 'udp' else socket.SOCK_STREAM)
            s.settimeout(5)
            if kind == 'udp':
                s.sendto(b'ping', (host, port))
                print(s.recvfrom(100)[0].decode())
            else:
                s.connect((host, port))
                print(s.recv(100).decode())
            """;

    @TempDir
    Path dir;

    private final String privNs = LinuxTestNetwork.uniqueNamespace();
    private final String pubNs = LinuxTestNetwork.uniqueNamespace();
    private final List<Process> processes = new ArrayList<>();
    private Network network;

    @BeforeEach
    void start() throws IOException {
        RootRequirement.assumeRoot();
        String yaml = """
                name: nat-interop
                nodes:
                  priv: { kind: linux, netns: %s, ip: 10.77.1.10/24, gateway: 10.77.1.1 }
                  r1:
                    kind: router
                    interfaces: { eth0: 10.77.1.1/24, eth1: 10.77.9.1/24 }
                    nat:
                      masquerade: [eth1]
                      forward: ["tcp 8080 -> 10.77.1.10:80", "udp 5353 -> 10.77.1.10"]
                    conntrack: { icmp: 2s, udp: 2s, udp-assured: 2s, tcp-fin-wait: 2s, tcp-time-wait: 2s, tcp-close: 2s }
                  pub: { kind: linux, netns: %s, ip: 10.77.9.20/24 }    # no route to 10.77.1.0/24
                links:
                  - endpoints: [priv, "r1:eth0"]
                  - endpoints: ["r1:eth1", pub]
                """.formatted(privNs, pubNs);
        network = NetworkBuilder.of(TopologyLoader.parse(yaml, "nat-interop.yaml")).build();
        Files.writeString(dir.resolve("server.py"), SERVER);
        Files.writeString(dir.resolve("client.py"), CLIENT);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        try {
            if (network != null) {
                network.close();
            }
        } finally {
            LinuxTestNetwork.deleteNamespaces(List.of(privNs, pubNs));
        }
    }

    /** Starts the server in {@code ns} and waits until it listens. */
    private Process server(String ns, String kind, int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", dir.resolve("server.py").toString(), kind,
                Integer.toString(port)).redirectErrorStream(true).start();
        processes.add(p);
        for (int i = 0; i < 50; i++) {
            IpCommand.Result r = LinuxTestNetwork.exec(ns, Duration.ofSeconds(5), "ss", "-Hln" + (kind.equals("udp") ? "u" : "t"),
                    "sport = :" + port);
            if (r.ok() && !r.stdout().isBlank()) {
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + kind + " server in " + ns + " does not listen on " + port);
    }

    /** Runs the client and returns what it printed (the server's answer). */
    private String client(String ns, String kind, String host, int port) {
        IpCommand.Result r = LinuxTestNetwork.exec(ns, Duration.ofSeconds(15), "python3", dir.resolve("client.py").toString(),
                kind, host, Integer.toString(port));
        assertEquals(0, r.exitCode(), r.describe());
        return r.stdout().strip();
    }

    /** The peer address the server printed. */
    private static String peerSeenBy(Process server) throws IOException, InterruptedException {
        assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the server finished");
        return new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private List<Connection> connections() {
        return network.call(() -> ((Firewall) network.stack("r1").filter()).connTrack()
                .connections(network.loop().now()));
    }

    @Test
    void thePrivateHostReachesThePublicOneWhichSeesOnlyTheRoutersAddress() throws IOException, InterruptedException {
        LinuxTestNetwork.PingOutcome ping = LinuxTestNetwork.ping(privNs, 2, PUB);
        assertEquals(2, ping.received(), ping.output());

        Process udp = server(pubNs, "udp", 9999);
        assertEquals("pong", client(privNs, "udp", PUB, 9999), "the reply found its way back");
        assertEquals(ROUTER_PUBLIC, peerSeenBy(udp));

        Process tcp = server(pubNs, "tcp", 9998);
        assertEquals("pong", client(privNs, "tcp", PUB, 9998));
        assertEquals(ROUTER_PUBLIC, peerSeenBy(tcp));

        List<Connection> tracked = connections();
        assertTrue(tracked.stream().allMatch(Connection::isSourceNat), tracked.toString());
        assertTrue(tracked.size() >= 3, tracked.toString());
    }

    @Test
    void aPortForwardReachesTheServerOnThePrivateHost() throws IOException, InterruptedException {
        Process tcp = server(privNs, "tcp", 80);
        assertEquals("pong", client(pubNs, "tcp", ROUTER_PUBLIC, 8080));
        assertEquals(PUB, peerSeenBy(tcp), "the private server sees the real client");

        Process udp = server(privNs, "udp", 5353);
        assertEquals("pong", client(pubNs, "udp", ROUTER_PUBLIC, 5353));
        assertEquals(PUB, peerSeenBy(udp));
        Firewall f = network.call(() -> (Firewall) network.stack("r1").filter());
        assertEquals(1L, (long) network.call(() -> f.portForwardConnections(0)));
        assertEquals(1L, (long) network.call(() -> f.portForwardConnections(1)));
    }

    @Test
    void connectionEntriesExpire() throws IOException, InterruptedException {
        LinuxTestNetwork.PingOutcome ping = LinuxTestNetwork.ping(privNs, 1, PUB);
        assertEquals(1, ping.received(), ping.output());
        Process udp = server(pubNs, "udp", 9999);
        client(privNs, "udp", PUB, 9999);
        peerSeenBy(udp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Console console = new Console(network, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(console.execute("r1 conntrack"));
        String before = out.toString(StandardCharsets.UTF_8);
        assertTrue(before.contains("udp      17 ") && before.contains("dport=9999") && before.contains("[ASSURED]"), before);
        assertTrue(before.contains("icmp     1 "), before);

        // Every timeout is 2 s in this topology; wait (bounded) for the table to empty.
        for (int i = 0; i < 40 && !connections().isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), connections());
        out.reset();
        assertTrue(console.execute("r1 conntrack"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("0 flow entries"), out.toString(StandardCharsets.UTF_8));
    }
}
