package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Address syntax, the value types, and validation of topologies built in code. */
class ModelTest {

    private static int ip(String text) {
        return AddressSyntax.parseIpv4(text);
    }

    private static String message(Runnable parse) {
        return assertThrows(IllegalArgumentException.class, parse::run).getMessage();
    }

    @Test
    void ipv4RoundTrips() {
        assertEquals(0x0a00010a, ip("10.0.1.10"));
        assertEquals(0xffffffff, ip("255.255.255.255"));
        assertEquals(0, ip("0.0.0.0"));
        assertEquals("10.0.1.10", AddressSyntax.formatIpv4(0x0a00010a));
        assertEquals("255.255.255.255", AddressSyntax.formatIpv4(-1));
    }

    @Test
    void ipv4IsStrict() {
        assertTrue(message(() -> ip("10.0.1.300")).contains("300 is out of range 0..255"));
        assertTrue(message(() -> ip("10.0.01.1")).contains("leading zero"));
        assertTrue(message(() -> ip("10.0.1")).contains("3 parts instead of 4"));
        assertTrue(message(() -> ip("10.0..1")).contains("empty part"));
        assertTrue(message(() -> ip("10.0.1.1 ")).contains("is not a number"));
        assertTrue(message(() -> ip("+10.0.1.1")).contains("is not a number"));
        assertTrue(message(() -> ip("10.0.1.1/24")).contains("write 10.0.1.1"));
        assertTrue(message(() -> ip("")).contains("empty IPv4 address"));
    }

    @Test
    void cidrArithmetic() {
        Cidr cidr = Cidr.parse("10.0.1.10/24");
        assertEquals(ip("10.0.1.10"), cidr.address());
        assertEquals(0xffffff00, cidr.mask());
        assertEquals(ip("10.0.1.0"), cidr.network());
        assertEquals(ip("10.0.1.255"), cidr.broadcast());
        assertEquals(Cidr.parse("10.0.1.0/24"), cidr.subnet());
        assertTrue(cidr.contains(ip("10.0.1.200")));
        assertFalse(cidr.contains(ip("10.0.2.1")));
        assertFalse(cidr.isNetwork());
        assertEquals("10.0.1.10/24", cidr.toString());
        assertEquals(0, Cidr.DEFAULT_ROUTE.mask());
        assertTrue(Cidr.DEFAULT_ROUTE.contains(ip("203.0.113.9")));
        assertEquals(-1, Cidr.parse("10.0.0.1/32").mask());
        assertTrue(Cidr.parse("10.0.1.0/24").isReservedInSubnet());
        assertFalse(Cidr.parse("10.0.0.0/31").isReservedInSubnet());
        assertThrows(IllegalArgumentException.class, () -> new Cidr(0, 33));
    }

    @Test
    void cidrIsStrict() {
        assertTrue(message(() -> Cidr.parse("10.0.1.1")).contains("has no prefix length; write it in CIDR form, e.g. 10.0.1.1/24"));
        assertTrue(message(() -> Cidr.parse("10.0.1.1/33")).contains("prefix length 33 is out of range 0..32"));
        assertTrue(message(() -> Cidr.parse("10.0.1.1/024")).contains("has a leading zero; write 10.0.1.1/24"));
        assertTrue(message(() -> Cidr.parse("10.0.1.1/100")).contains("prefix length 100 is out of range"));
        assertTrue(message(() -> Cidr.parse("10.0.1.1/")).contains("is not a number 0..32"));
        assertTrue(message(() -> Cidr.parse("10.0.1.1/x")).contains("is not a number 0..32"));
        assertTrue(message(() -> Cidr.parse("10.0.1.256/24")).contains("256 is out of range"));
    }

    @Test
    void macRoundTrips() {
        assertEquals(0x02_00_00_00_00_01L, AddressSyntax.parseMac("02:00:00:00:00:01"));
        assertEquals(0xaa_bb_cc_dd_ee_ffL, AddressSyntax.parseMac("AA-BB-CC-DD-EE-FF"));
        assertEquals("aa:bb:cc:dd:ee:ff", AddressSyntax.formatMac(0xaa_bb_cc_dd_ee_ffL));
        assertEquals("00:00:00:00:00:00", AddressSyntax.formatMac(0));
        for (String bad : List.of("02:00:00:00:00", "02:00:00:00:00:0g", "02:00-00:00:00:01", "0200.0000.0001", "")) {
            assertThrows(IllegalArgumentException.class, () -> AddressSyntax.parseMac(bad), bad);
        }
    }

    @Test
    void durations() {
        assertEquals(TimeUnit.SECONDS.toNanos(300), DurationSyntax.parseNanos("300s"));
        assertEquals(TimeUnit.MINUTES.toNanos(5), DurationSyntax.parseNanos("5m"));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), DurationSyntax.parseNanos("500ms"));
        assertEquals(TimeUnit.HOURS.toNanos(1), DurationSyntax.parseNanos("1h"));
        assertEquals(7, DurationSyntax.parseNanos("7ns"));
        assertTrue(message(() -> DurationSyntax.parseNanos("300")).contains("has no unit"));
        assertTrue(message(() -> DurationSyntax.parseNanos("3d")).contains("unknown unit 'd'"));
        assertTrue(message(() -> DurationSyntax.parseNanos("1.5s")).contains("unknown unit '.5s'"));
        assertTrue(message(() -> DurationSyntax.parseNanos("s")).contains("not a duration"));
        assertEquals("300s", DurationSyntax.format(TimeUnit.SECONDS.toNanos(300)));
        assertEquals("1500ms", DurationSyntax.format(TimeUnit.MILLISECONDS.toNanos(1500)));
    }

    @Test
    void suggestionsFindTyposButNotUnrelatedWords() {
        List<String> keys = List.of("kind", "ip", "mac", "mtu", "gateway", "interfaces", "routes");
        assertEquals("gateway", Suggestions.closest("gatway", keys));
        assertEquals("kind", Suggestions.closest("kidn", keys));
        assertEquals("interfaces", Suggestions.closest("interface", keys));
        assertEquals("routes", Suggestions.closest("Routes", keys));
        assertNull(Suggestions.closest("colour", keys));
        assertNull(Suggestions.closest("x", List.of("ip")));
    }

    @Test
    void nodeKindNames() {
        assertEquals(List.of("host", "linux", "switch", "router"), NodeKind.yamlNames());
        assertSame(NodeKind.LINUX, NodeKind.fromYamlName("linux"));
        assertNull(NodeKind.fromYamlName("Linux"));
    }

    @Test
    void recordsNormaliseButDoNotValidate() {
        NodeSpec pc = new NodeSpec("pc", NodeKind.LINUX, null, null, null);
        assertEquals("pc", pc.netns());
        assertEquals(List.of(), pc.interfaces());
        assertEquals(NodeSpec.DEFAULT_MAC_TABLE_SIZE, pc.macTableSize());
        NodeSpec bad = new NodeSpec("9", NodeKind.HOST, List.of(new InterfaceSpec("eth0", null, null, 1)), null,
                List.of(), null, 0, 0);
        assertEquals(1, bad.interfaces().get(0).mtu(), "a record holds what it is given; the validator judges");
    }

    // --- the validator on programmatic topologies ----------------------------------------------

    private static NodeSpec host(String name, String cidr, String gateway) {
        return new NodeSpec(name, NodeKind.HOST, List.of(new InterfaceSpec("eth0", Cidr.parse(cidr))),
                gateway == null ? null : ip(gateway), List.of());
    }

    private static NodeSpec switchWith(String name, String... ports) {
        return new NodeSpec(name, NodeKind.SWITCH,
                List.of(ports).stream().map(port -> InterfaceSpec.switchPort(port, 1500)).toList(), null, List.of());
    }

    private static LinkSpec link(String a, String b) {
        String[] left = a.split(":");
        String[] right = b.split(":");
        return new LinkSpec(new Endpoint(left[0], left[1]), new Endpoint(right[0], right[1]));
    }

    @Test
    void programmaticTopologyThatIsValid() {
        Topology topology = new Topology("code", "test", List.of(
                host("h1", "10.0.0.1/24", null), host("h2", "10.0.0.2/24", null), switchWith("s1", "p1", "p2")),
                List.of(link("h1:eth0", "s1:p1"), link("h2:eth0", "s1:p2")));
        assertSame(topology, TopologyValidator.validate(topology));
        assertEquals(List.of(), TopologyValidator.problems(topology));
    }

    @Test
    void programmaticTopologyProblemsHaveNoPosition() {
        Topology topology = new Topology("code", "test", List.of(
                host("h1", "10.0.0.1/24", "10.9.9.9"),
                host("h2", "10.0.0.1/24", null),
                host("h1", "10.0.0.3/24", null),
                switchWith("s1", "p1")),
                List.of(link("h1:eth0", "s1:p1"), link("h2:eth0", "s1:p1"), link("h2:eth1", "s9:p1")));
        TopologyException e = assertThrows(TopologyException.class, () -> TopologyValidator.validate(topology));
        List<String> messages = e.problems().stream().map(Problem::message).toList();
        assertEquals(6, messages.size(), messages.toString());
        assertTrue(messages.get(0).startsWith("gateway 10.9.9.9 of node 'h1' is not on any of its subnets"));
        assertTrue(messages.get(1).startsWith("address 10.0.0.1 of h2:eth0 is already assigned to h1:eth0;"));
        assertTrue(messages.get(2).startsWith("duplicate node name 'h1'"));
        assertTrue(messages.get(3).startsWith("interface s1:p1 is already connected by link h1:eth0 <-> s1:p1;"));
        assertTrue(messages.get(4).startsWith("node 'h2' has no interface 'eth1'"));
        assertTrue(messages.get(5).startsWith("link endpoint s9:p1 names an unknown node 's9'"));
        assertTrue(e.problems().stream().noneMatch(Problem::hasPosition));
        assertTrue(e.getMessage().startsWith("test: gateway 10.9.9.9"), e.getMessage());
    }

    @Test
    void programmaticChecksThatAFileCannotExpress() {
        NodeSpec sw = new NodeSpec("s1", NodeKind.SWITCH,
                List.of(new InterfaceSpec("p1", Cidr.parse("10.0.0.9/24"))), ip("10.0.0.1"),
                List.of(new RouteSpec(Cidr.DEFAULT_ROUTE, ip("10.0.0.1"))), "ns", 8192, 1);
        NodeSpec hostWithoutAddress = new NodeSpec("h1", NodeKind.HOST,
                List.of(new InterfaceSpec("eth0", null)), null, List.of());
        List<String> messages = TopologyValidator.problems(new Topology("t", "t", List.of(sw, hostWithoutAddress),
                List.of(link("h1:eth0", "h9:eth0")))).stream().map(Problem::message).toList();
        assertEquals(6, messages.size(), messages.toString());
        assertTrue(messages.get(0).startsWith("switch port s1:p1 cannot have an address"));
        assertTrue(messages.get(1).startsWith("a switch has no gateway"));
        assertTrue(messages.get(2).startsWith("switch 's1' cannot have routes"));
        assertTrue(messages.get(3).startsWith("only linux nodes have a network namespace"));
        assertTrue(messages.get(4).startsWith("interface h1:eth0 has no address"));
        assertTrue(messages.get(5).startsWith("link endpoint h9:eth0 names an unknown node 'h9'"));
    }
}
