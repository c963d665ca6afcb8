package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per kind of mistake: the problem is reported once, at the exact line and column of the
 * YAML that causes it, saying what is wrong and what would be right.
 */
class TopologyErrorsTest {

    private static final String FILE = "bad.yaml";

    private static List<Problem> problems(String yaml) {
        try {
            Topology topology = TopologyLoader.parse(yaml, FILE);
            return fail("expected problems, but loaded " + topology);
        } catch (TopologyException e) {
            assertTrue(e.problems().stream().allMatch(problem -> problem.source().equals(FILE)));
            return e.problems();
        }
    }

    /** Asserts the text has exactly one problem, at {@code line:column}, whose message contains each fragment. */
    private static Problem assertOnlyProblem(String yaml, int line, int column, String... fragments) {
        List<Problem> problems = problems(yaml);
        assertEquals(1, problems.size(), "exactly one problem expected:\n" + String.join("\n",
                problems.stream().map(Problem::toString).toList()));
        return assertProblem(problems.get(0), line, column, fragments);
    }

    private static Problem assertProblem(Problem problem, int line, int column, String... fragments) {
        assertEquals(line + ":" + column, problem.line() + ":" + problem.column(), problem.toString());
        for (String fragment : fragments) {
            assertTrue(problem.message().contains(fragment), "'" + fragment + "' not in: " + problem.message());
        }
        return problem;
    }

    // --- YAML itself ---------------------------------------------------------------------------

    @Test
    void yamlSyntaxErrorUsesTheParsersMark() {
        Problem problem = assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24
                  h2: { kind: host, ip: 10.0.0.2/24 }
                """, 3, 5, "YAML syntax error", "flow mapping started at 2:7", "closing '}' missing");
        assertEquals("bad.yaml:3:5: " + problem.message(), problem.toString());
    }

    @Test
    void badIndentationIsASyntaxError() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                 h2: { kind: host, ip: 10.0.0.2/24 }
                """, 3, 2, "YAML syntax error");
    }

    @Test
    void tabsAreASyntaxError() {
        assertOnlyProblem("nodes:\n\th1: { kind: host }\n", 2, 1, "YAML syntax error", "TAB");
    }

    @Test
    void emptyFile() {
        assertOnlyProblem("# nothing here\n", 1, 1, "the topology is empty", "nodes:");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertOnlyProblem("""
                - h1
                - h2
                """, 1, 1, "a topology is a mapping with the keys name, description, nodes, links", "found a list");
    }

    @Test
    void missingNodes() {
        assertOnlyProblem("""
                name: empty
                links: []
                """, 1, 1, "no 'nodes'", "h1: { kind: host, ip: 10.0.0.1/24 }");
    }

    @Test
    void nodesAsAListIsExplained() {
        assertOnlyProblem("""
                nodes:
                  - h1
                """, 2, 3, "'nodes' must be a mapping from node name to settings", "found a list");
    }

    @Test
    void unknownTopLevelKey() {
        assertOnlyProblem("""
                name: lab
                node:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                """, 2, 1, "unknown key 'node' at the top level; did you mean 'nodes'?",
                "(allowed: name, description, nodes, links, events)");
    }

    // --- keys and kinds ------------------------------------------------------------------------

    @Test
    void unknownKeyInANodeSuggestsTheClosestAllowedOne() {
        Problem problem = assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gatway: 10.0.1.1 }
                  r1: { kind: router, ip: 10.0.1.1/24 }
                """, 2, 39, "unknown key 'gatway' in node 'h1'; did you mean 'gateway'?");
        assertTrue(problem.message().endsWith("(allowed for host: kind, ip, mac, mtu, gateway, interfaces, routes, services, offloads)"),
                problem.message());
    }

    @Test
    void unknownKeyWithoutAnyCloseMatchGetsNoSuggestion() {
        Problem problem = assertOnlyProblem("""
                nodes:
                  s1: { kind: switch, colour: blue }
                """, 2, 23, "unknown key 'colour' in node 's1'", "(allowed for switch: kind, mtu, mac-table-size, mac-aging)");
        assertTrue(!problem.message().contains("did you mean"), problem.message());
    }

    @Test
    void missingKind() {
        assertOnlyProblem("""
                nodes:
                  h1: { ip: 10.0.0.1/24 }
                  h2: { kind: host, ip: 10.0.0.2/24 }
                links:
                  - endpoints: [h1, h2]
                """, 2, 3, "node 'h1' has no 'kind'", "kind: host", "one of host, linux, switch, router");
    }

    @Test
    void nodeWithoutSettings() {
        assertOnlyProblem("""
                nodes:
                  h1:
                """, 2, 3, "node 'h1' has no settings", "h1: { kind: host, ip: 10.0.0.1/24 }");
    }

    @Test
    void unknownKindListsTheValidOnes() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: hots, ip: 10.0.0.1/24 }
                """, 2, 15,
                "unknown kind 'hots' for node 'h1'; did you mean 'host'?", "(valid kinds: host, linux, switch, router)");
        assertOnlyProblem("""
                nodes:
                  s1: { kind: bridge }
                """, 2, 15, "unknown kind 'bridge'", "(valid kinds: host, linux, switch, router)");
    }

    @Test
    void keyNotAllowedForTheKind() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, netns: lab }
                """, 2, 38, "key 'netns' does not apply to host 'h1'", "it is for linux nodes",
                "(allowed for host: kind, ip, mac, mtu, gateway, interfaces, routes, services, offloads)");
    }

    @Test
    void offloadsAndThreadedNapiAreBooleansOfTheNodesTheyApplyTo() {
        assertOnlyProblem("""
                nodes:
                  pc: { kind: linux, ip: 10.0.0.1/24, offloads: yes }
                """, 2, 49, "'offloads' of node 'pc' must be true or false, not 'yes'", "offloads: false");
        assertOnlyProblem("""
                nodes:
                  pc: { kind: linux, ip: 10.0.0.1/24, threaded-napi: 1 }
                """, 2, 54, "'threaded-napi' of node 'pc' must be true or false, not '1'");
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, threaded-napi: false }
                """, 2, 38, "key 'threaded-napi' does not apply to host 'h1'", "it is for linux nodes");
        assertOnlyProblem("""
                nodes:
                  r1: { kind: router, ip: 10.0.0.1/24, offloads: false }
                """, 2, 40, "key 'offloads' does not apply to router 'r1'", "it is for host and linux nodes");
    }

    @Test
    void gatewayOnARouterPointsToRoutes() {
        assertOnlyProblem("""
                nodes:
                  r1: { kind: router, ip: 10.0.0.2/24, gateway: 10.0.0.1 }
                """, 2, 40, "key 'gateway' does not apply to router 'r1'", "routes: [\"default via A.B.C.D\"]");
    }

    @Test
    void addressOnASwitch() {
        assertOnlyProblem("""
                nodes:
                  s1: { kind: switch, ip: 10.0.0.1/24 }
                """, 2, 23, "key 'ip' does not apply to switch 's1'", "host and linux and router nodes");
    }

    @Test
    void ipAndInterfacesAreMutuallyExclusive() {
        assertOnlyProblem("""
                nodes:
                  h1:
                    kind: host
                    ip: 10.0.0.1/24
                    interfaces: { eth1: 10.0.1.1/24 }
                """, 5, 5, "'ip' and 'interfaces' cannot both be given in node 'h1'", "use one or the other");
    }

    @Test
    void duplicateKeyInANode() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, ip: 10.0.0.3/24 }
                """, 2, 38, "duplicate key 'ip' in node 'h1'", "already given at 2:21");
    }

    @Test
    void duplicateNodeNamesAreReportedWithAMark() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                  h1: { kind: host, ip: 10.0.0.2/24 }
                """, 4, 3, "duplicate node name 'h1'", "already given at 2:3");
    }

    // --- addresses -----------------------------------------------------------------------------

    @Test
    void octetOutOfRange() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.300/24 }
                """, 2, 25, "bad 'ip' of node 'h1'", "'10.0.1.300/24'", "300 is out of range 0..255",
                "e.g. 10.0.1.10/24");
    }

    @Test
    void prefixLengthOutOfRange() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.1/33 }
                """, 2, 25, "prefix length 33 is out of range 0..32");
    }

    @Test
    void missingPrefixLength() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: 10.0.1.1/24
                      eth1: 10.0.2.1
                """, 6, 13, "bad interface 'eth1' of node 'r1'", "'10.0.2.1' has no prefix length",
                "e.g. 10.0.2.1/24");
    }

    @Test
    void notAnAddressAtAll() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1/24 }
                """, 2, 25, "it has 3 parts instead of 4");
    }

    @Test
    void networkAddressOnAnInterface() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.0/24 }
                """, 2, 25, "10.0.1.0/24 of h1:eth0 is the network address of its subnet (host bits all zero)",
                "use a host address such as 10.0.1.1/24");
    }

    @Test
    void broadcastAddressOnAnInterface() {
        assertOnlyProblem("""
                nodes:
                  h1:
                    kind: host
                    interfaces:
                      eth0: { ip: 10.0.1.255/24, mtu: 9000 }
                """, 5, 19, "10.0.1.255/24 of h1:eth0 is the broadcast address", "such as 10.0.1.254/24");
    }

    @Test
    void pointToPointPrefixesHaveNoReservedAddresses() {
        Topology topology = TopologyLoader.parse("""
                nodes:
                  r1: { kind: router, ip: 10.0.0.0/31 }
                  r2: { kind: router, ip: 10.0.0.1/31 }
                links:
                  - endpoints: [r1, r2]
                """, FILE);
        assertEquals(2, topology.nodes().size(), "RFC 3021: both addresses of a /31 are usable");
    }

    @Test
    void loopbackAddressOnAnInterface() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 127.0.0.2/8 }
                """, 2, 25, "is a loopback address", "cannot be assigned");
    }

    @Test
    void duplicateAddressPointsAtTheSecondAndNamesTheFirst() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24 }
                  r1:
                    kind: router
                    interfaces:
                      eth0: 10.0.1.1/24
                      eth1: 10.0.1.10/24
                """, 7, 13, "address 10.0.1.10 of r1:eth1 is already assigned to h1:eth0 (at 2:25)");
    }

    @Test
    void duplicateAddressAcrossSubnetsOfDifferentLength() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24 }
                  h2: { kind: host, ip: 10.0.1.10/16 }
                """, 3, 25, "address 10.0.1.10 of h2:eth0 is already assigned to h1:eth0");
    }

    @Test
    void badMac() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, mac: "02:00:00:00:00" }
                """, 2, 43, "bad 'mac' of node 'h1'", "e.g. 02:00:00:00:00:01");
    }

    @Test
    void multicastMac() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, mac: "01:00:5e:00:00:01" }
                """, 2, 43, "01:00:5e:00:00:01 of h1:eth0 is a multicast address", "use a unicast one");
    }

    @Test
    void duplicateMac() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, mac: "02:00:00:00:00:01" }
                  h2: { kind: host, ip: 10.0.0.2/24, mac: "02:00:00:00:00:01" }
                """, 3, 43, "mac 02:00:00:00:00:01 of h2:eth0 is already used by h1:eth0 (at 2:43)");
    }

    @Test
    void macWithInterfacesBelongsOnTheInterface() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, mac: "02:00:00:00:00:01", interfaces: { eth0: 10.0.0.1/24 } }
                """, 2, 21, "'mac' in node 'h1' goes with the 'ip' shorthand", "eth0: { ip: 10.0.1.1/24, mac:");
    }

    @Test
    void hostWithoutAnyAddress() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host }
                """, 2, 3, "node 'h1' (host) has no address", "ip: 10.0.0.1/24");
    }

    @Test
    void routerAndLinuxWithoutAnyAddress() {
        List<Problem> problems = problems("""
                nodes:
                  r1: { kind: router, interfaces: {} }
                  pc: { kind: linux }
                """);
        assertEquals(2, problems.size(), problems.toString());
        assertProblem(problems.get(0), 2, 3, "node 'r1' (router) has no address");
        assertProblem(problems.get(1), 3, 3, "node 'pc' (linux) has no address");
    }

    @Test
    void interfaceMappingWithoutIp() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: 10.0.1.1/24
                      eth1: { mtu: 1400 }
                """, 6, 13, "interface 'eth1' of node 'r1' has no 'ip'", "ip: 10.0.1.1/24");
    }

    @Test
    void unknownKeyInAnInterface() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, mut: 1400 }
                """, 5, 32, "unknown key 'mut' in interface 'eth0' of node 'r1'; did you mean 'mtu'?",
                "(allowed: ip, mac, mtu)");
    }

    @Test
    void mtuOutOfRange() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, mtu: 40 }
                """, 2, 43, "MTU 40 of h1:eth0 is outside 68..65535");
    }

    @Test
    void mtuNotANumber() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24, mtu: big }
                """, 2, 43, "'mtu' of node 'h1' must be a whole number, not 'big'");
    }

    @Test
    void invalidInterfaceName() {
        assertOnlyProblem("""
                nodes:
                  r1: { kind: router, interfaces: { averyveryverylongname: 10.0.9.1/24 } }
                """, 2, 37, "interface name 'averyveryverylongname' of node 'r1' is not valid", "at most 15 characters");
    }

    @Test
    void invalidNodeName() {
        assertOnlyProblem("""
                nodes:
                  9lives: { kind: switch }
                """, 2, 3, "node name '9lives' is not valid", "must start with a letter");
    }

    // --- gateway and routes --------------------------------------------------------------------

    @Test
    void gatewayOutsideEverySubnet() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.2.1 }
                """, 2, 48, "gateway 10.0.2.1 of node 'h1' is not on any of its subnets (10.0.1.0/24)",
                "e.g. the router at 10.0.1.1");
    }

    @Test
    void gatewayThatIsTheHostsOwnAddress() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.10 }
                """, 2, 48, "gateway 10.0.1.10 of node 'h1' is its own address");
    }

    @Test
    void gatewayWithAPrefix() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1/24 }
                """, 2, 48, "bad gateway of node 'h1'", "a plain address is expected here; write 10.0.1.1");
    }

    @Test
    void routeNextHopNotOnAConnectedSubnet() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }
                    routes:
                      - 10.0.2.0/24 via 10.0.12.2
                      - 10.0.3.0/24 via 10.0.99.2
                """, 7, 9, "next hop 10.0.99.2 of route '10.0.3.0/24 via 10.0.99.2' of node 'r1' is not on a subnet",
                "(10.0.1.0/24, 10.0.12.0/24)");
    }

    @Test
    void routeNextHopNotOnTheNamedDevice() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }
                    routes: [ "10.0.3.0/24 via 10.0.12.2 dev eth0" ]
                """, 5, 15, "is not on the subnet of eth0 (10.0.1.0/24)");
    }

    @Test
    void routeNamingAnUnknownDevice() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }
                    routes: [ "10.0.3.0/24 via 10.0.12.2 dev eht1" ]
                """, 5, 15, "names device 'eht1'", "did you mean 'eth1'?");
    }

    @Test
    void routeWithHostBitsInTheDestination() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }
                    routes:
                      - 10.0.3.5/24 via 10.0.12.2
                """, 6, 9, "has a bad destination: 10.0.3.5/24 has host bits set; write 10.0.3.0/24");
    }

    @Test
    void routeWithAnUnparsableDestination() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }
                    routes:
                      - 10.0.3.0/40 via 10.0.12.2
                """, 6, 9, "node 'r1'", "has a bad destination", "prefix length 40 is out of range 0..32");
    }

    @Test
    void routeWithoutVia() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, routes: [ "10.0.3.0/24 through 10.0.1.1" ] }
                """, 2, 49, "unexpected 'through'", "'10.0.2.0/24 via 10.0.12.2'");
    }

    @Test
    void gatewayAndDefaultRouteTogether() {
        assertOnlyProblem("""
                nodes:
                  h1:
                    kind: host
                    ip: 10.0.1.10/24
                    gateway: 10.0.1.1
                    routes: [ "default via 10.0.1.2" ]
                """, 6, 15, "node 'h1' has both a gateway and a default route; keep one");
    }

    @Test
    void duplicateRouteDestination() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 }
                    routes:
                      - 10.0.3.0/24 via 10.0.12.2
                      - 10.0.3.0/24 via 10.0.1.2
                """, 7, 9, "node 'r1' has two routes to 10.0.3.0/24", "(at 6:9)");
    }

    // --- switches and namespaces ---------------------------------------------------------------

    @Test
    void macAgingWithoutUnit() {
        assertOnlyProblem("""
                nodes:
                  s1: { kind: switch, mac-aging: 300 }
                """, 2, 34, "bad 'mac-aging' of node 's1': '300' has no unit; write e.g. 300s");
    }

    @Test
    void macTableSizeMustBePositive() {
        assertOnlyProblem("""
                nodes:
                  s1: { kind: switch, mac-table-size: 0 }
                """, 2, 39, "mac-table-size of switch 's1' must be at least 1, not 0");
    }

    @Test
    void twoLinuxNodesInOneNamespace() {
        assertOnlyProblem("""
                nodes:
                  pc1: { kind: linux, ip: 10.0.0.11/24, netns: lab }
                  pc2: { kind: linux, ip: 10.0.0.12/24, netns: lab }
                """, 3, 48, "netns 'lab' of node 'pc2' is already the namespace of node 'pc1' (at 2:3)");
    }

    @Test
    void defaultNamespaceClashesWithAnExplicitOne() {
        assertOnlyProblem("""
                nodes:
                  pc1: { kind: linux, ip: 10.0.0.11/24 }
                  pc2: { kind: linux, ip: 10.0.0.12/24, netns: pc1 }
                """, 3, 48, "netns 'pc1' of node 'pc2' is already the namespace of node 'pc1'");
    }

    // --- links ---------------------------------------------------------------------------------

    @Test
    void linkToAnUnknownNode() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: [h1, s2]
                """, 5, 21, "link endpoint 's2' names an unknown node 's2'; did you mean 's1'?", "(nodes: h1, s1)");
    }

    @Test
    void linkToAnUnknownInterface() {
        assertOnlyProblem("""
                nodes:
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
                  s1: { kind: switch }
                links:
                  - endpoints: ["r1:eth2", s1]
                """, 5, 17, "node 'r1' has no interface 'eth2'", "(interfaces: eth0, eth1)");
    }

    @Test
    void bareEndpointOnANodeWithSeveralInterfacesSaysWhichToChoose() {
        assertOnlyProblem("""
                nodes:
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
                  s1: { kind: switch }
                links:
                  - endpoints: [s1, r1]
                """, 5, 21, "node 'r1' has 2 interfaces (eth0, eth1)", "'r1:eth0' or 'r1:eth1'");
    }

    @Test
    void interfaceUsedByTwoLinks() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  h2: { kind: host, ip: 10.0.0.2/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: ["h1:eth0", s1]
                  - endpoints: [h2, "h1:eth0"]
                """, 7, 21, "interface h1:eth0 is already connected by link h1:eth0 <-> s1:p1 (at 6:5)",
                "through a switch");
    }

    @Test
    void bareEndpointWhoseOnlyInterfaceIsTaken() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                  s2: { kind: switch }
                links:
                  - endpoints: [h1, s1]
                  - endpoints: [h1, s2]
                """, 7, 17, "interface h1:eth0 is already connected by link h1:eth0 <-> s1:p1 (at 6:5)");
    }

    @Test
    void namedSwitchPortUsedTwice() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  h2: { kind: host, ip: 10.0.0.2/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: [h1, "s1:p3"]
                  - endpoints: [h2, "s1:p3"]
                """, 7, 21, "interface s1:p3 is already connected");
    }

    @Test
    void linkFromANodeToItself() {
        assertOnlyProblem("""
                nodes:
                  s1: { kind: switch }
                links:
                  - endpoints: [s1, s1]
                """, 4, 21, "link s1:p1 <-> s1:p2 connects node 's1' to itself");
    }

    @Test
    void linkBetweenTwoInterfacesOfOneRouter() {
        assertOnlyProblem("""
                nodes:
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
                links:
                  - endpoints: ["r1:eth0", "r1:eth1"]
                """, 4, 28, "connects node 'r1' to itself");
    }

    @Test
    void linkWithThreeEndpoints() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                  s2: { kind: switch }
                links:
                  - endpoints: [h1, s1, s2]
                """, 6, 16, "a link has exactly two endpoints", "found 3 endpoints");
    }

    @Test
    void linkWrittenAsABareList() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - [h1, s1]
                """, 5, 5, "each link is a mapping", "'- endpoints: [a, b]'");
    }

    @Test
    void misspeltEndpointsIsReportedOnce() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - endpionts: [h1, s1]
                """, 5, 5, "unknown key 'endpionts' in a link; did you mean 'endpoints'?", "(allowed: endpoints, delay,");
    }

    @Test
    void reservedLinkKeysSayNotYetRatherThanUnknown() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: [h1, s1]
                    capture: yes
                """, 6, 5, "link setting 'capture' is not supported yet");
    }

    @Test
    void badImpairmentValueIsReportedAtTheValue() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: [h1, s1]
                    loss: 140%
                """, 6, 11, "bad link setting 'loss': '140%' is not between 0% and 100%");
    }

    @Test
    void unknownKeyInDirectionBlock() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: [h1, s1]
                    forward: { delay: 5ms, lose: 1% }
                """, 6, 28, "unknown link setting 'lose' in 'forward'; did you mean 'loss'?");
    }

    @Test
    void malformedEndpoint() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: ["h1:", s1]
                """, 5, 17, "link endpoint 'h1:' must be 'node' or 'node:interface'");
    }

    @Test
    void linksToANodeWithAnUnknownKindAreNotReportedAgain() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.1/24 }
                  s1: { kind: swich }
                links:
                  - endpoints: [h1, s1]
                """, 3, 15, "unknown kind 'swich'", "did you mean 'switch'?");
    }

    @Test
    void misspeltAddressIsNotAlsoReportedAsMissing() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.0.x/24 }
                  s1: { kind: switch }
                links:
                  - endpoints: [h1, s1]
                """, 2, 25, "bad 'ip' of node 'h1'");
    }

    @Test
    void anInterfaceNoLinkUsesIsFine() {
        Topology topology = TopologyLoader.parse("""
                nodes:
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
                links:
                  - endpoints: ["r1:eth0", h1]
                """, FILE);
        assertEquals(1, topology.links().size());
    }

    // --- many problems at once -----------------------------------------------------------------

    @Test
    void everyProblemIsCollectedAndSortedByPosition() {
        List<Problem> problems = problems("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.300/24 }
                  h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.3.1 }
                  r1: { kind: router, interfaces: { eth0: 10.0.2.10/24 } }
                links:
                  - endpoints: [h2, s9]
                  - endpoints: [h1, h2]
                name: late
                colour: blue
                """);
        assertEquals(List.of("2:25", "3:48", "4:43", "6:21", "9:1"),
                problems.stream().map(problem -> problem.line() + ":" + problem.column()).toList(),
                problems.toString());
    }

    @Test
    void theExceptionMessageListsOneProblemPerLine() {
        TopologyException e = assertThrows(TopologyException.class, () -> TopologyLoader.parse("""
                nodes:
                  h1: { kind: host }
                  h2: { kind: host }
                """, FILE));
        assertEquals("""
                bad.yaml:2:3: node 'h1' (host) has no address; add e.g. 'ip: 10.0.0.1/24', or 'interfaces: { eth0: 10.0.0.1/24, eth1: ... }' for several
                bad.yaml:3:3: node 'h2' (host) has no address; add e.g. 'ip: 10.0.0.1/24', or 'interfaces: { eth0: 10.0.0.1/24, eth1: ... }' for several""",
                e.getMessage());
    }
}
