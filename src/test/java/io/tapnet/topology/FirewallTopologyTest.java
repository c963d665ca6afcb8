package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tapnet.ip.filter.Action;
import io.tapnet.ip.filter.ConnTrackConfig;
import io.tapnet.ip.filter.Direction;
import io.tapnet.ip.filter.InterfaceAcl;
import io.tapnet.ip.filter.PortForward;
import io.tapnet.ip.filter.SecurityGroup;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The topology keys for access control and NAT: what they read into, and one test per mistake, each
 * reported once at its line and column with what would be right.
 */
class FirewallTopologyTest {
    private static final String FILE = "fw.yaml";

    private static List<Problem> problems(String yaml) {
        try {
            Topology topology = TopologyLoader.parse(yaml, FILE);
            return fail("expected problems, but loaded " + topology);
        } catch (TopologyException e) {
            return e.problems();
        }
    }

    private static void assertOnlyProblem(String yaml, int line, int column, String... fragments) {
        List<Problem> problems = problems(yaml);
        assertEquals(1, problems.size(), "exactly one problem expected:\n"
                + String.join("\n", problems.stream().map(Problem::toString).toList()));
        Problem p = problems.get(0);
        assertEquals(line + ":" + column, p.line() + ":" + p.column(), p.toString());
        for (String f : fragments) {
            assertTrue(p.message().contains(f), "'" + f + "' not in: " + p.message());
        }
    }

    private static final String ROUTER = """
            nodes:
              r1:
                kind: router
                interfaces:
                  eth0: 10.0.1.1/24
                  eth1:
                    ip: 10.0.2.1/24
                    acl:
                      in: ["allow established", "deny any"]
                      out:
                        - allow tcp from 10.0.1.10 to any port 22
                        - reject tcp to any port 22
                        - allow any
                nat:
                  masquerade: [eth1]
                  forward: ["tcp 8080 -> 10.0.1.10:80", "udp 10.0.2.1:53 -> 10.0.1.10"]
                conntrack: { max: 1000, udp: 5s, tcp-established: 1m }
              h1:
                kind: host
                interfaces:
                  eth0:
                    ip: 10.0.1.10/24
                    security-group:
                      inbound: ["tcp 22 from 10.0.1.0/24", "icmp"]
                gateway: 10.0.1.1
            links:
              - endpoints: ["r1:eth0", h1]
            """;

    @Test
    void aclNatAndConntrackOfARouterAndASecurityGroupOfAHost() {
        Topology t = TopologyLoader.parse(ROUTER, FILE);
        FirewallSpec r1 = t.node("r1").firewall();
        InterfaceAcl acl = r1.acls().get("eth1");
        assertEquals(List.of("allow established", "deny any"), acl.in().stream().map(Object::toString).toList());
        assertEquals(3, acl.out().size());
        assertEquals(Action.REJECT, acl.out().get(1).action());
        assertEquals(Direction.OUT, acl.out().get(0).direction());
        assertNull(r1.acls().get("eth0"));
        assertEquals(List.of("eth1"), r1.masquerade());
        assertEquals(List.of(PortForward.parse("tcp 8080 -> 10.0.1.10:80"), PortForward.parse("udp 10.0.2.1:53 -> 10.0.1.10")),
                r1.forwards());
        ConnTrackConfig c = r1.conntrack();
        assertEquals(1000, c.maxEntries());
        assertEquals(TimeUnit.SECONDS.toNanos(5), c.udp());
        assertEquals(TimeUnit.MINUTES.toNanos(1), c.tcpEstablished());
        assertEquals(ConnTrackConfig.DEFAULT.icmp(), c.icmp());

        FirewallSpec h1 = t.node("h1").firewall();
        SecurityGroup group = h1.securityGroups().get("eth0");
        assertEquals(2, group.inbound().size());
        assertEquals(SecurityGroup.ALLOW_ALL_OUTBOUND, group.outbound());
        assertTrue(t.node("h1").firewall().masquerade().isEmpty());
        assertTrue(TopologyValidator.problems(t).isEmpty());
    }

    @Test
    void nodesWithoutAnyHaveNone() {
        Topology t = TopologyLoader.parse("nodes:\n  h1: { kind: host, ip: 10.0.0.1/24 }\n", FILE);
        assertTrue(t.node("h1").firewall().isEmpty());
        assertEquals(FirewallSpec.NONE, t.node("h1").firewall());
    }

    @Test
    void aBadRuleIsReportedAtTheOffendingWord() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, acl: { in: ["allow tcp form 10.0.0.1"] } }
                """, 5, 55, "'acl' of r1:eth0 in:", "unexpected 'form'", "ACTION [established]");
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0:
                        ip: 10.0.1.1/24
                        acl:
                          out:
                            - allow tcp to 10.0.0.1/24 port 22
                """, 9, 28, "10.0.0.1/24 has host bits set", "10.0.0.0/24");
    }

    @Test
    void aRuleWithEscapesIsReportedAtItsStart() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, acl: { in: ["allow\\ttcp form x"] } }
                """, 5, 44, "unexpected 'form'");
    }

    @Test
    void unknownAclKeySuggestsTheRightOne() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, acl: { inn: ["allow any"] } }
                """, 5, 39, "unknown key 'inn' in 'acl' of r1:eth0", "did you mean 'in'?", "(allowed: in, out)");
    }

    @Test
    void aclMustBeAMapping() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, acl: ["allow any"] }
                """, 5, 37, "'acl' of r1:eth0 maps in and out to lists of rules", "found a list");
    }

    @Test
    void aRuleMustBeAString() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, acl: { in: [{ allow: any }] } }
                """, 5, 44, "each rule in 'acl' of r1:eth0 in is a string");
    }

    @Test
    void unknownInterfaceKeyMentionsTheAccessControlKeys() {
        assertOnlyProblem("""
                nodes:
                  h1:
                    kind: host
                    interfaces:
                      eth0: { ip: 10.0.1.10/24, security-grup: { inbound: [all] } }
                """, 5, 33, "unknown key 'security-grup'", "did you mean 'security-group'?",
                "(allowed: ip, mac, mtu) (access control: acl, security-group)");
    }

    @Test
    void linuxNodesTakeNoAccessControl() {
        assertOnlyProblem("""
                nodes:
                  pc1:
                    kind: linux
                    interfaces:
                      eth0: { ip: 10.0.1.10/24, acl: { in: ["deny any"] } }
                """, 5, 33, "'acl' cannot be applied to linux node 'pc1'", "belong on tapnet routers and hosts",
                "the router interface that faces 'pc1'");
        assertOnlyProblem("""
                nodes:
                  pc1: { kind: linux, ip: 10.0.1.10/24, nat: { masquerade: [eth0] } }
                """, 2, 41, "'nat' cannot be applied to linux node 'pc1'");
    }

    @Test
    void securityGroupsAreForHostInterfaces() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.0.1.1/24, security-group: { inbound: [all] } }
                """, 5, 32, "security groups are for host interfaces", "write an 'acl' instead");
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, security-group: { inbound: [all] } }
                """, 2, 39, "'security-group' goes on an interface of node 'h1'", "interfaces: { eth0: { ip:",
                "attach to network interfaces");
    }

    @Test
    void securityGroupRulesAreAllowListsWithTheRightSide() {
        assertOnlyProblem("""
                nodes:
                  h1:
                    kind: host
                    interfaces:
                      eth0:
                        ip: 10.0.1.10/24
                        security-group:
                          inbound: ["tcp 22 to 10.0.0.0/8"]
                """, 8, 29, "inbound rules say where traffic comes from");
        assertOnlyProblem("""
                nodes:
                  h1:
                    kind: host
                    interfaces:
                      eth0:
                        ip: 10.0.1.10/24
                        security-group:
                          in: [all]
                """, 8, 11, "unknown key 'in'", "(allowed: inbound, outbound)");
    }

    @Test
    void natIsForRouters() {
        assertOnlyProblem("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, nat: { masquerade: [eth0] } }
                """, 2, 39, "key 'nat' does not apply to host 'h1'", "it is for router nodes");
    }

    @Test
    void masqueradeNamesAnInterfaceOfTheRouter() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 }
                    nat: { masquerade: [eth2] }
                """, 5, 25, "router 'r1' has no interface 'eth2' to masquerade on", "did you mean",
                "(interfaces: eth0, eth1)");
    }

    @Test
    void badPortForwards() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24 }
                    nat: { forward: ["tcp 8080 => 10.0.1.10:80"] }
                """, 5, 32, "expected '->' after 8080", "tcp 8080 -> 10.0.2.10:80");
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24 }
                    nat: { forward: ["tcp 10.0.9.1:8080 -> 10.0.1.10:80"] }
                """, 5, 22, "listens on 10.0.9.1, which is not an address of router 'r1'");
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24 }
                    nat: { forwards: ["tcp 1 -> 10.0.1.10"] }
                """, 5, 12, "unknown key 'forwards'", "did you mean 'forward'?");
    }

    @Test
    void conntrackSettingsAreCheckedWhereTheyAreWritten() {
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24 }
                    conntrack: { udp: 30 }
                """, 5, 23, "bad 'udp' of 'conntrack' of router 'r1'", "has no unit");
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24 }
                    conntrack: { max: 0 }
                """, 5, 23, "'max' of 'conntrack' of router 'r1' must be at least 1");
        assertOnlyProblem("""
                nodes:
                  r1:
                    kind: router
                    interfaces: { eth0: 10.0.1.1/24 }
                    conntrack: { tcp-establshed: 5s }
                """, 5, 18, "unknown key 'tcp-establshed'", "did you mean 'tcp-established'?");
    }

    @Test
    void topologiesBuiltInCodeGetTheSameChecks() {
        NodeSpec pc = new NodeSpec("pc", NodeKind.LINUX, List.of(new InterfaceSpec("eth0", Cidr.parse("10.0.0.1/24"))),
                null, List.of()).withFirewall(new FirewallSpec(null, null, List.of("eth0"), null, null));
        NodeSpec r1 = new NodeSpec("r1", NodeKind.ROUTER, List.of(new InterfaceSpec("eth0", Cidr.parse("10.0.1.1/24"))),
                null, List.of()).withFirewall(new FirewallSpec(null, null, List.of("eth9"), null, null));
        List<Problem> problems = TopologyValidator.problems(new Topology("t", "code", List.of(pc, r1), List.of()));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).message().contains("cannot be applied to linux node 'pc'"), problems.toString());
        assertTrue(problems.get(1).message().contains("has no interface 'eth9'"), problems.toString());
    }
}
