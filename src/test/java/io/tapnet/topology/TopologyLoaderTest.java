package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.tapnet.phy.Impairment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a valid file turns into. */
class TopologyLoaderTest {

    private static final String BRIEF_EXAMPLE = """
            name: two-subnets
            nodes:
              h1: { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }   # Java host (userspace stack)
              pc: { kind: linux,  ip: 10.0.1.20/24, gateway: 10.0.1.1 }   # Linux namespace through a TAP
              s1: { kind: switch }
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 },
                    routes: [ "10.0.2.0/24 via 10.0.12.2" ] }
              r2: { kind: router, interfaces: { eth0: 10.0.12.2/24, eth1: 10.0.2.1/24 },
                    routes: [ "default via 10.0.12.1" ] }
              h2: { kind: host,   ip: 10.0.2.10/24, gateway: 10.0.2.1 }
            links:
              - endpoints: [h1, s1]
              - endpoints: [pc, s1]
              - endpoints: ["r1:eth0", s1]
              - endpoints: ["r1:eth1", "r2:eth0"]
              - endpoints: ["r2:eth1", h2]
            """;

    private static int ip(String text) {
        return AddressSyntax.parseIpv4(text);
    }

    @Test
    void loadsTheExampleFromTheDesign() {
        Topology topology = TopologyLoader.parse(BRIEF_EXAMPLE, "two-subnets.yaml");
        assertEquals("two-subnets", topology.name());
        assertEquals("two-subnets.yaml", topology.source());
        assertEquals(List.of("h1", "pc", "s1", "r1", "r2", "h2"), topology.nodeNames());

        NodeSpec h1 = topology.node("h1");
        assertEquals(NodeKind.HOST, h1.kind());
        assertEquals(List.of(new InterfaceSpec("eth0", Cidr.parse("10.0.1.10/24"), null, 1500)), h1.interfaces());
        assertEquals(ip("10.0.1.1"), h1.gateway());
        assertNull(h1.netns());

        NodeSpec pc = topology.node("pc");
        assertEquals(NodeKind.LINUX, pc.kind());
        assertEquals("pc", pc.netns(), "the namespace defaults to the node name");

        NodeSpec r1 = topology.node("r1");
        assertEquals(List.of("eth0", "eth1"), r1.interfaceNames());
        assertEquals(List.of(new RouteSpec(Cidr.parse("10.0.2.0/24"), ip("10.0.12.2"), null)), r1.routes());
        assertNull(r1.gateway());
        assertEquals(List.of(new RouteSpec(Cidr.DEFAULT_ROUTE, ip("10.0.12.1"), null)), topology.node("r2").routes());

        NodeSpec s1 = topology.node("s1");
        assertEquals(List.of(InterfaceSpec.switchPort("p1", 1500), InterfaceSpec.switchPort("p2", 1500),
                InterfaceSpec.switchPort("p3", 1500)), s1.interfaces(), "ports are created in link order");
        assertEquals(NodeSpec.DEFAULT_MAC_TABLE_SIZE, s1.macTableSize());
        assertEquals(TimeUnit.SECONDS.toNanos(300), s1.macAgingNanos());

        assertEquals(List.of(
                new LinkSpec(new Endpoint("h1", "eth0"), new Endpoint("s1", "p1")),
                new LinkSpec(new Endpoint("pc", "eth0"), new Endpoint("s1", "p2")),
                new LinkSpec(new Endpoint("r1", "eth0"), new Endpoint("s1", "p3")),
                new LinkSpec(new Endpoint("r1", "eth1"), new Endpoint("r2", "eth0")),
                new LinkSpec(new Endpoint("r2", "eth1"), new Endpoint("h2", "eth0"))), topology.links());
        assertEquals(List.of(), new Reachability(topology).failures());
    }

    @Test
    void modelIsImmutable() {
        Topology topology = TopologyLoader.parse(BRIEF_EXAMPLE, "t.yaml");
        assertThrows(UnsupportedOperationException.class, () -> topology.nodes().clear());
        assertThrows(UnsupportedOperationException.class, () -> topology.links().clear());
        assertThrows(UnsupportedOperationException.class, () -> topology.node("s1").interfaces().clear());
        assertThrows(UnsupportedOperationException.class, () -> topology.node("r1").routes().clear());
    }

    @Test
    void switchPortsSkipNamesTheFileUsesExplicitly() {
        Topology topology = TopologyLoader.parse("""
                nodes:
                  s1: { kind: switch, mtu: 9000 }
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  h2: { kind: host, ip: 10.0.0.2/24 }
                  h3: { kind: host, ip: 10.0.0.3/24 }
                links:
                  - endpoints: [s1, h1]
                  - endpoints: [h2, "s1:p2"]
                  - endpoints: [h3, s1]
                """, "t.yaml");
        assertEquals(List.of("p1", "p2", "p3"), topology.node("s1").interfaceNames());
        assertEquals(new Endpoint("s1", "p3"), topology.links().get(2).b());
        assertEquals(9000, topology.node("s1").interfaces().get(0).mtu(), "ports take the switch's mtu");

        Topology later = TopologyLoader.parse("""
                nodes:
                  s1: { kind: switch }
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  h2: { kind: host, ip: 10.0.0.2/24 }
                links:
                  - endpoints: [h1, s1]
                  - endpoints: [h2, "s1:p1"]
                """, "t.yaml");
        assertEquals(List.of("p2", "p1"), later.node("s1").interfaceNames(),
                "an auto port never takes a name used explicitly later in the file");
    }

    @Test
    void readsEveryOptionalKey() {
        Topology topology = TopologyLoader.parse("""
                name: options
                description: every optional key
                nodes:
                  pc: { kind: linux, netns: lab-pc, ip: 10.0.0.5/24, mac: "02:00:00:00:00:05", mtu: 9000,
                        gateway: 10.0.0.1, routes: ["192.168.0.0/16 via 10.0.0.2 dev eth0"] }
                  r1:
                    kind: router
                    mtu: 1400
                    interfaces:
                      eth0: { ip: 10.0.0.1/24, mac: 02-00-00-00-00-01, mtu: 1500 }
                      lan.10: 10.0.10.1/24
                  r2: { kind: router, interfaces: { eth0: 10.0.0.2/24, eth1: 192.168.0.1/16 } }
                  s1: { kind: switch, mac-table-size: 16, mac-aging: 500ms }
                links:
                  - endpoints: [pc, s1]
                  - endpoints: ["r1:eth0", s1]
                  - endpoints: ["r2:eth0", s1]
                """, "options.yaml");
        NodeSpec pc = topology.node("pc");
        assertEquals("lab-pc", pc.netns());
        assertTrue(pc.offloads(), "offloads are on by default");
        assertFalse(pc.threadedNapi(), "with offloads the kernel receives inside tapnet's writes by default");
        assertEquals(new InterfaceSpec("eth0", Cidr.parse("10.0.0.5/24"), 0x02_00_00_00_00_05L, 9000),
                pc.interfaces().get(0));
        assertEquals(List.of(new RouteSpec(Cidr.parse("192.168.0.0/16"), ip("10.0.0.2"), "eth0")), pc.routes());
        NodeSpec r1 = topology.node("r1");
        assertEquals(new InterfaceSpec("eth0", Cidr.parse("10.0.0.1/24"), 0x02_00_00_00_00_01L, 1500),
                r1.interfaces().get(0));
        assertEquals(new InterfaceSpec("lan.10", Cidr.parse("10.0.10.1/24"), null, 1400), r1.interfaces().get(1),
                "the node's mtu is the default for its interfaces");
        NodeSpec s1 = topology.node("s1");
        assertEquals(16, s1.macTableSize());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), s1.macAgingNanos());
    }


    @Test
    void offloadsAndThreadedNapiOfLinuxNodes() {
        Topology topology = TopologyLoader.parse("""
                nodes:
                  a: { kind: linux, ip: 10.0.0.1/24, offloads: false }
                  b: { kind: linux, ip: 10.0.0.2/24, offloads: false, threaded-napi: false }
                  c: { kind: linux, ip: 10.0.0.3/24, threaded-napi: TRUE }
                  s1: { kind: switch }
                links:
                  - endpoints: [a, s1]
                  - endpoints: [b, s1]
                  - endpoints: [c, s1]
                """, "napi.yaml");
        assertFalse(topology.node("a").offloads());
        assertTrue(topology.node("a").threadedNapi(), "without offloads, threaded NAPI by default");
        assertFalse(topology.node("b").threadedNapi());
        assertTrue(topology.node("c").offloads());
        assertTrue(topology.node("c").threadedNapi());
    }
    @Test
    void readsLinkImpairmentsWithPerDirectionOverrides() {
        Topology t = TopologyLoader.parse("""
                nodes:
                  a: { kind: host, ip: 10.0.0.1/24 }
                  b: { kind: host, ip: 10.0.0.2/24 }
                links:
                  - endpoints: [a, b]
                    delay: 20ms
                    loss: 1%
                    rate: 10mbit
                    reverse: { delay: 30ms, queue: 50 }
                """, "imp");
        LinkSpec link = t.links().get(0);
        assertEquals(Impairment.parse("delay=20ms loss=1% rate=10mbit"), link.aToB());
        assertEquals(Impairment.parse("delay=30ms loss=1% rate=10mbit queue=50"), link.bToA());
    }

    @Test
    void nameDefaultsToTheFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny-lab.yml");
        Files.writeString(file, "nodes: { h1: { kind: host, ip: 10.0.0.1/24 } }\n");
        Topology topology = TopologyLoader.load(file);
        assertEquals("tiny-lab", topology.name());
        assertEquals(file.toString(), topology.source());
        assertEquals(List.of(), topology.links(), "links are optional; an interface without a link is fine");
    }

    @Test
    void missingFileIsATopologyProblem(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");
        TopologyException e = assertThrows(TopologyException.class, () -> TopologyLoader.load(file));
        assertEquals(file + ": no such file", e.getMessage());
        assertEquals(0, e.problems().get(0).line());
    }

    @Test
    void anchorsAndAliasesWork() {
        Topology topology = TopologyLoader.parse("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, gateway: &gw 10.0.0.254 }
                  h2: { kind: host, ip: 10.0.0.2/24, gateway: *gw }
                  r1: { kind: router, ip: 10.0.0.254/24 }
                """, "t.yaml");
        assertEquals(ip("10.0.0.254"), topology.node("h2").gateway());
    }

    @Test
    void routeTextRoundTrips() {
        for (String text : List.of("default via 10.0.0.1", "10.0.2.0/24 via 10.0.12.2", "10.0.0.0/8 via 10.1.1.1 dev eth1")) {
            assertEquals(text, RouteSpec.parse(text).toString());
        }
        assertEquals(new RouteSpec(Cidr.parse("10.0.0.0/8"), ip("10.1.1.1"), "eth1"),
                RouteSpec.parse("  10.0.0.0/8   dev eth1 via 10.1.1.1 "));
    }

    @Test
    void problemsAreFormattedLikeCompilerErrorsAndSortedByPosition() {
        TopologyException e = assertThrows(TopologyException.class, () -> TopologyLoader.parse("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, colour: blue }
                  h2: { kind: hots, ip: 10.0.0.2/24 }
                flavour: vanilla
                """, "multi.yaml"));
        assertEquals(List.of(2, 3, 4), e.problems().stream().map(Problem::line).toList(), e.getMessage());
        String[] lines = e.getMessage().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("multi.yaml:2:38: unknown key 'colour' in node 'h1'"), lines[0]);
        assertTrue(lines[1].startsWith("multi.yaml:3:15: unknown kind 'hots'"), lines[1]);
        assertTrue(lines[2].startsWith("multi.yaml:4:1: unknown key 'flavour' at the top level"), lines[2]);
    }
}
