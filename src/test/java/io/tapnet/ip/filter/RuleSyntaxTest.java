package io.tapnet.ip.filter;

import static io.tapnet.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The written rule language: what each form means, and what an error says and points at. */
class RuleSyntaxTest {

    private static Rule acl(String text) {
        return Rule.parse(Direction.IN, text);
    }

    private static void assertError(String text, int offset, String... fragments) {
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> acl(text));
        assertEquals(offset, e.offset(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
    }

    @Test
    void aFullRule() {
        Rule r = acl("allow tcp from 10.0.1.10 port 1024-65535 to 10.0.2.0/24 port 22");
        assertEquals(Action.ACCEPT, r.action());
        assertEquals(6, r.protocol());
        assertEquals(ip("10.0.1.10"), r.source());
        assertEquals(32, r.sourcePrefix());
        assertEquals(ip("10.0.2.0"), r.destination());
        assertEquals(24, r.destinationPrefix());
        assertEquals(1024, r.sourcePortLow());
        assertEquals(65535, r.sourcePortHigh());
        assertEquals(22, r.destinationPortLow());
        assertEquals(22, r.destinationPortHigh());
        assertFalse(r.established());
        assertEquals("allow tcp from 10.0.1.10 port 1024-65535 to 10.0.2.0/24 port 22", r.text());
    }

    @Test
    void shortFormsAndSynonyms() {
        Rule any = acl("allow any");
        assertEquals(Rule.ANY, any.protocol());
        assertEquals(0, any.sourcePrefix());
        assertFalse(any.hasPorts());
        assertEquals(acl("deny tcp to any port 22").destinationPortLow(), acl("drop tcp port 22").destinationPortLow());
        assertEquals(Action.DROP, acl("drop tcp port 22").action());
        assertEquals(Action.ACCEPT, acl("permit udp").action());
        assertEquals(Action.ACCEPT, acl("accept all").action());
        assertEquals(Action.REJECT, acl("reject   tcp   port 22").action());
        assertEquals("reject tcp port 22", acl("  reject   tcp   port 22 ").text());
        assertTrue(acl("allow established").established());
        assertEquals(47, acl("allow 47 from 10.0.0.0/8").protocol());
    }

    @Test
    void icmpTypesByNameNumberAndCode() {
        assertEquals(8, acl("allow icmp echo-request").icmpType());
        assertEquals(Rule.ANY, acl("allow icmp echo-request").icmpCode());
        assertEquals(0, acl("allow icmp type 0").icmpType());
        Rule fragNeeded = acl("allow icmp destination-unreachable/4 from any");
        assertEquals(3, fragNeeded.icmpType());
        assertEquals(4, fragNeeded.icmpCode());
        assertEquals(11, acl("allow icmp 11").icmpType());
        assertEquals(Rule.ANY, acl("allow icmp from 10.0.0.1").icmpType());
    }

    @Test
    void errorsPointAtTheWordAndSayWhatIsRight() {
        assertError("", -1, "empty rule");
        assertError("permitt tcp", 0, "starts with allow, deny or reject", "not 'permitt'");
        assertError("allow tcp form 10.0.0.1", 10, "unexpected 'form'");
        assertError("allow tcp to 10.0.0.1/24", 13, "has host bits set", "10.0.0.0/24", "10.0.0.1 for the one host");
        assertError("allow tcp to 10.0.0.256", 13, "bad IPv4 address");
        assertError("allow icmp to any port 22", 18, "ports need protocol tcp or udp", "not 'icmp'");
        assertError("allow port 22", 6, "ports need protocol tcp or udp");
        assertError("allow tcp port 70000", 15, "'70000' is not a port");
        assertError("allow tcp port 90-80", 15, "runs backwards", "80-90");
        assertError("allow tcp to", 10, "must be followed by");
        assertError("allow to any tcp", 13, "unexpected 'tcp'", "the protocol comes right after the action");
        assertError("allow tcp established", 10, "'established' comes right after the action");
        assertError("allow icmp type ping", 16, "'ping' is not an ICMP type", "echo-request");
        assertError("allow tcp from 10.0.0.1 from 10.0.0.2", 24, "'from' is given twice");
        assertError("allow 300", 6, "protocol number 300 is outside 0..255");
    }

    @Test
    void securityGroupEntries() {
        Rule ssh = SecurityGroup.parseRule(Direction.IN, "tcp 22 from 10.0.2.10/32");
        assertEquals(Action.ACCEPT, ssh.action());
        assertEquals(6, ssh.protocol());
        assertEquals(22, ssh.destinationPortLow());
        assertEquals(ip("10.0.2.10"), ssh.source());
        assertEquals(32, ssh.sourcePrefix());
        Rule dns = SecurityGroup.parseRule(Direction.OUT, "udp 53 to 10.0.0.0/8");
        assertEquals(ip("10.0.0.0"), dns.destination());
        assertEquals(8, dns.destinationPrefix());
        assertEquals(Rule.ANY, SecurityGroup.parseRule(Direction.IN, "all").protocol());
        assertEquals(8, SecurityGroup.parseRule(Direction.IN, "icmp echo-request from 0.0.0.0/0").icmpType());
        assertEquals(1000, SecurityGroup.parseRule(Direction.IN, "udp 1000-2000").destinationPortLow());

        RuleSyntaxException wrongSide = assertThrows(RuleSyntaxException.class,
                () -> SecurityGroup.parseRule(Direction.IN, "tcp 22 to 10.0.0.1"));
        assertEquals(7, wrongSide.offset());
        assertTrue(wrongSide.getMessage().contains("inbound rules say where traffic comes from"), wrongSide.getMessage());
        RuleSyntaxException deny = assertThrows(RuleSyntaxException.class,
                () -> SecurityGroup.parseRule(Direction.IN, "deny tcp 22"));
        assertTrue(deny.getMessage().contains("security-group rules only allow"), deny.getMessage());
        RuleSyntaxException icmpPort = assertThrows(RuleSyntaxException.class,
                () -> SecurityGroup.parseRule(Direction.IN, "all 22"));
        assertTrue(icmpPort.getMessage().contains("ports need protocol tcp or udp"), icmpPort.getMessage());
    }

    @Test
    void portForwards() {
        PortForward f = PortForward.parse("tcp 8080 -> 10.0.2.10:80");
        assertEquals(6, f.protocol());
        assertEquals(0, f.address());
        assertEquals(8080, f.port());
        assertEquals(ip("10.0.2.10"), f.toAddress());
        assertEquals(80, f.toPort());
        PortForward same = PortForward.parse("udp 10.0.0.1:53->10.0.2.10");
        assertEquals(ip("10.0.0.1"), same.address());
        assertEquals(53, same.toPort(), "the port is kept when the target gives none");
        assertEquals("udp 10.0.0.1:53 -> 10.0.2.10", same.text());

        RuleSyntaxException icmp = assertThrows(RuleSyntaxException.class, () -> PortForward.parse("icmp 1 -> 10.0.0.1"));
        assertTrue(icmp.getMessage().contains("for tcp or udp"), icmp.getMessage());
        RuleSyntaxException arrow = assertThrows(RuleSyntaxException.class, () -> PortForward.parse("tcp 80 to 10.0.0.1"));
        assertEquals(7, arrow.offset());
        RuleSyntaxException port = assertThrows(RuleSyntaxException.class, () -> PortForward.parse("tcp 80 -> 10.0.0.1:0"));
        assertTrue(port.getMessage().contains("port 0"), port.getMessage());
    }
}
