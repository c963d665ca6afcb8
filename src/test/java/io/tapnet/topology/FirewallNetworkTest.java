package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.cli.Console;
import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.ip.filter.Chain;
import io.tapnet.ip.filter.Direction;
import io.tapnet.ip.filter.Firewall;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Link;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Topologies with access control and NAT built into networks of Java hosts in virtual time: the
 * builder installs the firewalls, and pings, crafted UDP and TCP datagrams and the console show them
 * at work.
 */
class FirewallNetworkTest {
    private static final long SECOND = 1_000_000_000L;

    private static Network build(String yaml) throws IOException {
        return NetworkBuilder.of(TopologyLoader.parse(yaml, "fw-net.yaml")).virtualTime(true).build();
    }

    private static PingResult ping(Network n, String from, String to, int count) {
        Ping p = new Ping(n.stack(from), n.resolve(to), to, count, SECOND, 2 * SECOND, 56, 64, line -> { });
        return n.await(n.call(p::start), (count + 10L) * SECOND);
    }

    private static String console(Network n, String command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = new Console(n, new PrintStream(bytes, true, StandardCharsets.UTF_8)).execute(command);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, command + ":\n" + out);
        return out;
    }

    /** Every IPv4 source address seen crossing {@code link}. */
    private static Set<String> sourcesOn(Link link) {
        Set<String> sources = new TreeSet<>();
        link.setObserver((l, from, frame, epochNanos) -> {
            ByteBuffer b = frame.buffer();
            if ((b.getShort(frame.offset() + 12) & 0xffff) == EthernetView.ETHERTYPE_IPV4) {
                sources.add(Ipv4Address.format(b.getInt(frame.offset() + EthernetView.HEADER_LENGTH + 12)));
            }
        });
        return sources;
    }

    /** Sends a UDP datagram (or, with {@code tcpFlags >= 0}, a bare TCP segment) from a Java host's stack. */
    private static void send(Network n, String from, int protocol, int source, int destination, int sport, int dport,
                             int tcpFlags, byte[] data) {
        n.run(() -> {
            Ipv4Stack stack = n.stack(from);
            Frame f = stack.loop().pool().acquire();
            ByteBuffer b = f.buffer();
            int ip = f.offset() + EthernetView.HEADER_LENGTH;
            int l4 = ip + Ipv4View.MIN_HEADER;
            int l4Length = (protocol == Ipv4View.PROTO_TCP ? 20 : 8) + data.length;
            Ipv4Stack.writeIpv4Header(b, ip, Ipv4View.MIN_HEADER + l4Length, stack.nextIdentification(), 0x4000, 64,
                    protocol, source, destination);
            b.putShort(l4, (short) sport);
            b.putShort(l4 + 2, (short) dport);
            int checksumAt;
            if (protocol == Ipv4View.PROTO_TCP) {
                b.putInt(l4 + 4, 1);
                b.putInt(l4 + 8, 0);
                b.put(l4 + 12, (byte) 0x50);
                b.put(l4 + 13, (byte) tcpFlags);
                b.putShort(l4 + 14, (short) 65535);
                b.putInt(l4 + 16, 0);
                b.put(l4 + 20, data);
                checksumAt = l4 + 16;
            } else {
                b.putShort(l4 + 4, (short) l4Length);
                b.putShort(l4 + 6, (short) 0);
                b.put(l4 + 8, data);
                checksumAt = l4 + 6;
            }
            int sum = InternetChecksum.sum(b, l4, l4Length,
                    InternetChecksum.pseudoHeaderSum(source, destination, protocol, l4Length));
            b.putShort(checksumAt, (short) InternetChecksum.fold(sum));
            f.setLength(EthernetView.HEADER_LENGTH + Ipv4View.MIN_HEADER + l4Length);
            stack.send(f);
        });
    }

    /** What a transport handler registered on a host received: "src:sport>dst:dport". */
    private static List<String> listen(Network n, String node, int protocol) {
        List<String> seen = new ArrayList<>();
        n.run(() -> n.stack(node).registerProtocol(protocol, (IpInterface in, Frame frame, Ipv4View ip) -> {
            ByteBuffer b = frame.buffer();
            int l4 = ip.payloadOffset();
            seen.add(Ipv4Address.format(ip.source()) + ":" + (b.getShort(l4) & 0xffff) + ">"
                    + Ipv4Address.format(ip.destination()) + ":" + (b.getShort(l4 + 2) & 0xffff));
            frame.release();
        }));
        return seen;
    }

    private static int ip(String dotted) {
        return Ipv4Address.parse(dotted);
    }

    private static final String NAT = """
            nodes:
              inside: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              r1:
                kind: router
                interfaces: { eth0: 10.0.1.1/24, eth1: 203.0.113.1/24 }
                nat:
                  masquerade: [eth1]
                  forward: ["udp 5353 -> 10.0.1.10:53"]
                conntrack: { icmp: 5s, udp: 5s }
              outside: { kind: host, ip: 203.0.113.20/24 }   # no route back to 10.0.1.0/24 at all
            links:
              - endpoints: [inside, "r1:eth0"]
              - endpoints: ["r1:eth1", outside]
            """;

    @Test
    void aPrivateHostPingsAPublicOneThroughMasqueradeAndTheEntriesExpire() throws IOException {
        try (Network n = build(NAT)) {
            assertTrue(n.stack("r1").filter() instanceof Firewall, "the builder installed a firewall");
            Set<String> outsideSources = sourcesOn(n.link("r1", "outside"));
            PingResult result = ping(n, "inside", "203.0.113.20", 3);
            assertEquals(3, result.received(), "the outside host answers the router's address, and replies come back");
            assertEquals(Set.of("203.0.113.1", "203.0.113.20"), outsideSources,
                    "the outside link never carries the inside address");

            String table = console(n, "r1 conntrack");
            assertTrue(table.contains("icmp     1 ") && table.contains("src=10.0.1.10 dst=203.0.113.20 type=8")
                    && table.contains("src=203.0.113.20 dst=203.0.113.1 type=0"), table);
            assertTrue(table.contains("1 flow entries"), table);
            n.idle(6 * SECOND);
            assertTrue(console(n, "r1 conntrack").contains("0 flow entries"), "expired after the 5 s ICMP timeout");
            assertTrue(console(n, "r1 firewall").contains("NAT masquerade on eth1: 1 connections"),
                    console(n, "r1 firewall"));
        }
    }

    @Test
    void aPortForwardTakesUdpToTheInsideHostAndTheReplyComesFromTheRouter() throws IOException {
        try (Network n = build(NAT)) {
            List<String> atInside = listen(n, "inside", Ipv4View.PROTO_UDP);
            List<String> atOutside = listen(n, "outside", Ipv4View.PROTO_UDP);
            send(n, "outside", Ipv4View.PROTO_UDP, ip("203.0.113.20"), ip("203.0.113.1"), 40000, 5353, -1, new byte[10]);
            n.idle(SECOND);
            assertEquals(List.of("203.0.113.20:40000>10.0.1.10:53"), atInside);
            send(n, "inside", Ipv4View.PROTO_UDP, ip("10.0.1.10"), ip("203.0.113.20"), 53, 40000, -1, new byte[20]);
            n.idle(SECOND);
            assertEquals(List.of("203.0.113.1:5353>203.0.113.20:40000"), atOutside);
            Firewall f = (Firewall) n.stack("r1").filter();
            assertEquals(1, f.portForwardConnections(0));
        }
    }

    private static final String GROUPS = """
            nodes:
              web:
                kind: host
                interfaces:
                  eth0:
                    ip: 10.0.1.10/24
                    security-group:
                      inbound: ["icmp from 10.0.2.0/24", "udp 53"]
                gateway: 10.0.1.1
              r1:
                kind: router
                interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24, eth2: 10.0.3.1/24 }
              friend: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
              stranger: { kind: host, ip: 10.0.3.10/24, gateway: 10.0.3.1 }
            links:
              - endpoints: [web, "r1:eth0"]
              - endpoints: ["r1:eth1", friend]
              - endpoints: ["r1:eth2", stranger]
            """;

    @Test
    void aSecurityGroupLetsInWhatItAllowsAndRepliesToWhatTheHostOpened() throws IOException {
        try (Network n = build(GROUPS)) {
            assertEquals(2, ping(n, "friend", "web", 2).received());
            assertEquals(0, ping(n, "stranger", "web", 2).received(), "not in the group: dropped");
            assertEquals(2, ping(n, "web", "stranger", 2).received(), "the host's own pings get their replies");
            Firewall f = (Firewall) n.stack("web").filter();
            Chain in = f.securityGroup("eth0", Direction.IN);
            // Like iptables with an ESTABLISHED rule first: only a connection's first packet meets the allow-list.
            assertEquals(3, in.packets(0), "the friend's second echo request and web's two echo replies");
            assertEquals(1, in.packets(1), "the friend's first echo request");
            assertEquals(2, in.policyPackets(), "two from the stranger");
            String shown = console(n, "web firewall");
            assertTrue(shown.contains("Chain eth0 in (security-group): policy deny (2 packets, 168 bytes)"), shown);
            assertTrue(shown.contains("       1         84  icmp from 10.0.2.0/24"), shown);
            assertTrue(console(n, "friend firewall").contains("(no firewall on friend"));
            assertTrue(console(n, "web conntrack -F").contains("flow entries have been deleted"));
        }
    }

    @Test
    void theBastionRulesAdmitSshOnlyFromTheBastionsPrivateAddress() throws IOException {
        // bastion.yaml with its Linux hosts played by Java hosts, so that it runs in virtual time.
        Topology file = TopologyLoader.load(ExampleTopologiesTest.topologiesDir().resolve("bastion.yaml"));
        List<NodeSpec> nodes = file.nodes().stream().map(node -> node.kind() != NodeKind.LINUX ? node
                : new NodeSpec(node.name(), NodeKind.HOST, node.interfaces(), node.gateway(), node.routes())).toList();
        Topology topology = new Topology("bastion-virtual", "bastion.yaml", nodes, file.links());
        try (Network n = NetworkBuilder.of(TopologyValidator.validate(topology)).virtualTime(true).build()) {
            List<String> atService = listen(n, "service", Ipv4View.PROTO_TCP);
            List<String> errorsAtUser = new ArrayList<>();
            n.run(() -> n.stack("user").addIcmpListener((ip, icmp, now) -> {
                if (icmp.type() == IcmpView.TYPE_DEST_UNREACHABLE) {
                    errorsAtUser.add(Ipv4Address.format(ip.source()) + " " + icmp.type() + "/" + icmp.code());
                }
                return false;
            }));
            int service = ip("10.77.2.20");
            // The user's direct SSH attempt is refused by r1.
            send(n, "user", Ipv4View.PROTO_TCP, ip("10.77.0.10"), service, 40000, 22, 0x02, new byte[0]);
            n.idle(SECOND);
            assertEquals(List.of(), atService);
            assertEquals(List.of("10.77.0.1 " + IcmpView.TYPE_DEST_UNREACHABLE + "/13"), errorsAtUser);
            // The bastion's, from its private address (its route to 10.77.2.0/24 leaves through eth1), gets in.
            send(n, "bastion", Ipv4View.PROTO_TCP, 0, service, 40001, 22, 0x02, new byte[0]);
            n.idle(SECOND);
            assertEquals(List.of("10.77.3.10:40001>10.77.2.20:22"), atService);
            // The web port is open to the user.
            send(n, "user", Ipv4View.PROTO_TCP, ip("10.77.0.10"), service, 40002, 80, 0x02, new byte[0]);
            n.idle(SECOND);
            assertEquals("10.77.0.10:40002>10.77.2.20:80", atService.get(1));
            assertEquals(3, ping(n, "user", "service", 3).received(), "ICMP is allowed");

            Firewall f = (Firewall) n.stack("r1").filter();
            Chain out = f.acl("eth2", Direction.OUT);
            assertNotNull(out);
            assertEquals(1, out.packets(out.indexOf("allow tcp from 10.77.3.10 to 10.77.2.20 port 22")));
            assertEquals(1, out.packets(out.indexOf("reject tcp to any port 22")));
            assertEquals(1, out.packets(out.indexOf("allow tcp to 10.77.2.20 port 80")));
            String shown = console(n, "r1 firewall");
            assertTrue(shown.contains("Chain eth2 out (acl)"), shown);
            assertTrue(shown.contains("       1         40  reject tcp to any port 22"), shown);
            assertFalse(shown.contains("Chain eth0"), "only eth2 has rules:\n" + shown);
        }
    }
}
