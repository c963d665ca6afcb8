package io.tapnet.ip.filter;

import static io.tapnet.ip.filter.FilterRig.E0;
import static io.tapnet.ip.filter.FilterRig.E1;
import static io.tapnet.ip.filter.FilterRig.H1;
import static io.tapnet.ip.filter.FilterRig.H2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.testing.Frames;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Interface ACLs on a router and a host, through test wires in virtual time. */
class AclTest {

    private static InterfaceAcl out(String... rules) {
        return InterfaceAcl.parse(List.of(), List.of(rules));
    }

    private static InterfaceAcl in(String... rules) {
        return InterfaceAcl.parse(List.of(rules), List.of());
    }

    @Test
    void theFirstMatchingRuleDecidesAndCountsPacketsAndBytes() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", out("allow udp to any port 53", "deny udp to 10.0.2.20 port 9999", "allow icmp"));
        Chain chain = r.firewall.acl("eth1", Direction.OUT);

        byte[] dns = FilterRig.udpFromInside(H2, 40000, 53, new byte[12]);
        r.inside.receive(dns);
        byte[] forwarded = FilterRig.nextIp(r.outside);
        assertEquals(53, FilterRig.destinationPort(forwarded));

        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 9999, new byte[100]));
        FilterRig.noIp(r.outside);

        r.inside.receive(FilterRig.pingFromInside(H2, 7, 1));
        assertEquals("8/0", FilterRig.icmpTypeCode(FilterRig.nextIp(r.outside)));

        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 80, 0x02)); // no rule: the implicit deny
        FilterRig.noIp(r.outside);

        assertEquals(List.of(1L, 1L, 1L), List.of(chain.packets(0), chain.packets(1), chain.packets(2)));
        assertEquals(20 + 8 + 12, chain.bytes(0));
        assertEquals(20 + 8 + 100, chain.bytes(1));
        assertEquals(20 + 8 + 56, chain.bytes(2));
        assertEquals(1, chain.policyPackets());
        assertEquals(40, chain.policyBytes());
        assertEquals(Action.DROP, chain.policy());
        assertEquals(2, r.stack.counters().get("FilterDrops"));
        assertEquals(1, chain.indexOf("deny   udp to 10.0.2.20 port 9999"));
    }

    @Test
    void aDirectionWithoutRulesFiltersNothing() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", in("deny any"));
        r.inside.receive(FilterRig.udpFromInside(H2, 1, 2, new byte[1]));
        FilterRig.nextIp(r.outside);
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 2, 1, new byte[1]));
        FilterRig.noIp(r.inside);
        assertFalse(r.firewall.isTracking(), "stateless rules need no connection table");
    }

    @Test
    void rejectAnswersWithCommunicationAdministrativelyProhibited() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", in("reject tcp to any port 22", "allow any"));
        byte[] syn = FilterRig.tcpFromOutside(H2, H1, 50000, 22, 0x02);
        r.outside.receive(syn);
        FilterRig.noIp(r.inside);
        byte[] error = FilterRig.nextIp(r.outside);
        Ipv4View ip = FilterRig.ipOf(error);
        assertEquals(E1, ip.source(), "from the interface the datagram arrived on");
        assertEquals(H2, ip.destination());
        assertEquals("3/13", FilterRig.icmpTypeCode(error), "RFC 1812 5.2.7.1: administratively prohibited");
        assertTrue(FilterRig.checksumsRecompute(error));
        // The quote starts with the rejected datagram's header (RFC 792).
        IcmpView icmp = Frames.icmpOf(error);
        ByteBuffer b = ByteBuffer.wrap(error);
        assertEquals(H2, b.getInt(icmp.payloadOffset() + 12));
        assertEquals(22, b.getShort(icmp.payloadOffset() + 20 + 2));
        assertEquals(1, r.firewall.acl("eth1", Direction.IN).packets(0));

        r.outside.receive(FilterRig.tcpFromOutside(H2, H1, 50000, 80, 0x02));
        assertEquals(80, FilterRig.destinationPort(FilterRig.nextIp(r.inside)), "other ports pass");
    }

    @Test
    void aHostFiltersWhatIsAddressedToItAndWhatItSends() {
        FilterRig h = new FilterRig(false, ConnTrackConfig.DEFAULT);
        h.firewall.acl("eth0", InterfaceAcl.parse(List.of("deny icmp echo-request from 10.0.1.10", "allow any"),
                List.of("reject udp to any port 7", "allow any")));
        h.inside.receive(FilterRig.pingFromInside(E0, 1, 1));
        FilterRig.noIp(h.inside);
        h.outside.receive(FilterRig.pingFromOutside(E1, 1, 1));
        assertEquals("0/0", FilterRig.icmpTypeCode(FilterRig.nextIp(h.outside)), "the other interface answers");

        // The host's own port-unreachable for an unknown UDP port is allowed out...
        h.inside.receive(Frames.padded(Frames.udpFrame(FilterRig.E0_MAC, FilterRig.H1_MAC, H1, E0, 64, 7, 9, new byte[4])));
        assertEquals("3/3", FilterRig.icmpTypeCode(FilterRig.nextIp(h.inside)));
        assertEquals(1, h.firewall.acl("eth0", Direction.IN).packets(0));
        assertEquals(1, h.firewall.acl("eth0", Direction.OUT).packets(1));
    }

    @Test
    void prefixesPortRangesAndIcmpTypesMatchAsWritten() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", out(
                "allow tcp from 10.0.1.0/24 port 1024-65535 to 10.0.2.16/28 port 20-25",
                "allow icmp destination-unreachable/4",
                "allow icmp echo-request",
                "deny any"));
        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 22, 0x02));
        FilterRig.nextIp(r.outside);
        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 26, 0x02));
        FilterRig.noIp(r.outside);
        r.inside.receive(FilterRig.tcpFromInside(H2, 1000, 22, 0x02));
        FilterRig.noIp(r.outside);
        r.inside.receive(FilterRig.tcpFromInside(Frames.ip("10.0.2.40"), 40000, 22, 0x02));
        FilterRig.noIp(r.outside);
        r.inside.receive(FilterRig.pingFromInside(H2, 1, 1));
        FilterRig.nextIp(r.outside);
        Chain c = r.firewall.acl("eth1", Direction.OUT);
        assertEquals(List.of(1L, 0L, 1L, 3L), List.of(c.packets(0), c.packets(1), c.packets(2), c.packets(3)));
    }

    @Test
    void establishedLetsRepliesBackInAndNothingElse() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", in("allow established", "deny any"));
        assertTrue(r.firewall.isTracking());

        r.inside.receive(FilterRig.pingFromInside(H2, 0x42, 1));
        FilterRig.nextIp(r.outside);
        r.outside.receive(FilterRig.echoReplyFromOutside(H2, H1, 0x42, 1));
        assertEquals("0/0", FilterRig.icmpTypeCode(FilterRig.nextIp(r.inside)));

        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 53, new byte[8]));
        FilterRig.nextIp(r.outside);
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 53, 40000, new byte[30]));
        assertEquals(40000, FilterRig.destinationPort(FilterRig.nextIp(r.inside)));

        // Unsolicited: a ping from outside, a datagram to another port, a reply with the wrong id.
        r.outside.receive(FilterRig.pingFromOutside(H1, 0x42, 2));
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 53, 40001, new byte[30]));
        r.outside.receive(FilterRig.echoReplyFromOutside(H2, H1, 0x43, 1));
        FilterRig.noIp(r.inside);
        Chain c = r.firewall.acl("eth1", Direction.IN);
        assertEquals(2, c.packets(0));
        assertEquals(3, c.packets(1));
    }

    @Test
    void aDroppedPacketOpensNoConnection() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", InterfaceAcl.parse(List.of("allow established", "deny any"),
                List.of("deny udp to any port 9", "allow any")));
        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 9, new byte[8]));
        FilterRig.noIp(r.outside);
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 9, 40000, new byte[8]));
        FilterRig.noIp(r.inside);
        assertEquals(0, r.firewall.connTrack().size());
    }

    @Test
    void laterFragmentsFollowTheFirstFragmentsConnection() {
        FilterRig r = FilterRig.router();
        r.firewall.acl("eth1", in("allow established", "deny any"));
        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 53, new byte[8]));
        FilterRig.nextIp(r.outside);

        byte[][] reply = fragments(FilterRig.udpFromOutside(H2, H1, 53, 40000, new byte[100]), 0x5151);
        r.outside.receive(reply[0]).receive(reply[1]);
        assertEquals(2, FilterRig.ipFrames(r.inside).size(), "both fragments of the reply pass");

        byte[][] unsolicited = fragments(FilterRig.udpFromOutside(H2, H1, 53, 40001, new byte[100]), 0x5252);
        r.outside.receive(unsolicited[0]).receive(unsolicited[1]);
        FilterRig.noIp(r.inside);
    }

    /** Splits a UDP frame's datagram into two fragments at byte 56 of its payload. */
    static byte[][] fragments(byte[] frame, int identification) {
        int ip = Frames.IP;
        int total = Frames.ipOf(frame).totalLength();
        int split = 56; // a multiple of 8
        byte[] first = new byte[ip + 20 + split];
        byte[] second = new byte[ip + 20 + (total - 20 - split)];
        System.arraycopy(frame, 0, first, 0, first.length);
        System.arraycopy(frame, 0, second, 0, ip + 20);
        System.arraycopy(frame, ip + 20 + split, second, ip + 20, total - 20 - split);
        ByteBuffer a = ByteBuffer.wrap(first);
        a.putShort(ip + 2, (short) (20 + split));
        a.putShort(ip + 4, (short) identification);
        a.putShort(ip + 6, (short) 0x2000); // MF
        ByteBuffer b = ByteBuffer.wrap(second);
        b.putShort(ip + 2, (short) (total - split));
        b.putShort(ip + 4, (short) identification);
        b.putShort(ip + 6, (short) (split / 8));
        return new byte[][] {Frames.fixIpChecksum(first), Frames.fixIpChecksum(second)};
    }
}
