package io.tapnet.ip.filter;

import static io.tapnet.ip.filter.FilterRig.E0;
import static io.tapnet.ip.filter.FilterRig.E1;
import static io.tapnet.ip.filter.FilterRig.H1;
import static io.tapnet.ip.filter.FilterRig.H2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.testing.Frames;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Security groups on a host's interfaces: stateful allow-lists, default deny inbound, allow outbound. */
class SecurityGroupTest {

    private static FilterRig host() {
        return new FilterRig(false, ConnTrackConfig.DEFAULT);
    }

    @Test
    void onlyWhatAnInboundRuleAllowsGetsIn() {
        FilterRig h = host();
        h.firewall.securityGroup("eth0", SecurityGroup.parse(List.of("icmp echo-request from 10.0.1.0/24",
                "udp 7 from 10.0.1.10"), null));
        h.inside.receive(FilterRig.pingFromInside(E0, 1, 1));
        assertEquals("0/0", FilterRig.icmpTypeCode(FilterRig.nextIp(h.inside)), "allowed ping is answered");
        h.inside.receive(Frames.udpFrame(FilterRig.E0_MAC, FilterRig.H1_MAC, H1, E0, 64, 9, 8, new byte[4]));
        FilterRig.noIp(h.inside); // udp 8 is not in the group: dropped, no port unreachable
        h.inside.receive(Frames.udpFrame(FilterRig.E0_MAC, FilterRig.H1_MAC, H1, E0, 64, 9, 7, new byte[4]));
        assertEquals("3/3", FilterRig.icmpTypeCode(FilterRig.nextIp(h.inside)), "allowed, and the host has no port 7");
        Chain in = h.firewall.securityGroup("eth0", Direction.IN);
        assertEquals(Chain.Kind.SECURITY_GROUP, in.kind());
        assertEquals(List.of(0L, 1L, 1L), List.of(in.packets(0), in.packets(1), in.packets(2)));
        assertEquals(1, in.policyPackets());
        assertEquals("eth0 in (security-group)", in.name());
        // The other interface has no group: anything goes.
        h.outside.receive(FilterRig.pingFromOutside(E1, 1, 1));
        assertEquals("0/0", FilterRig.icmpTypeCode(FilterRig.nextIp(h.outside)));
    }

    @Test
    void repliesToWhatTheHostSentGetInWithoutARule() {
        FilterRig h = host();
        h.firewall.securityGroup("eth1", SecurityGroup.parse(List.of(), null));
        // The host pings h2 through the stack's own ICMP: use the console-less Ping app.
        var ping = new io.tapnet.app.Ping(h.stack, H2, "h2", 1, FilterRig.SECOND, FilterRig.SECOND, 56, 64, line -> { });
        var result = ping.start();
        byte[] request = FilterRig.nextIp(h.outside);
        assertEquals("8/0", FilterRig.icmpTypeCode(request));
        int id = FilterRig.icmpId(request);
        h.outside.receive(Frames.ipv4(FilterRig.E1_MAC, FilterRig.H2_MAC,
                Frames.header(1, H2, E1, request.length - Frames.IP - 20, 77, 64, false),
                echoReplyFor(request)));
        h.outside.advance(java.time.Duration.ofSeconds(2));
        assertEquals(1, result.join().received(), "the reply was let in");
        // An unsolicited ping from h2 is not.
        h.outside.receive(FilterRig.pingFromOutside(E1, id + 1, 1));
        FilterRig.noIp(h.outside);
        Chain in = h.firewall.securityGroup("eth1", Direction.IN);
        assertEquals(1, in.packets(0));
        assertEquals(1, in.policyPackets());
    }

    /** The ICMP part of an echo reply answering {@code request}. */
    private static byte[] echoReplyFor(byte[] request) {
        byte[] icmp = java.util.Arrays.copyOfRange(request, Frames.IP + 20, request.length);
        icmp[0] = 0;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(icmp);
        b.putShort(2, (short) 0);
        b.putShort(2, (short) io.tapnet.wire.InternetChecksum.compute(b, 0, icmp.length));
        return icmp;
    }

    @Test
    void outboundRulesRestrictWhatLeavesAndRepliesToAllowedInboundStillGoOut() {
        FilterRig h = host();
        h.firewall.securityGroup("eth0", SecurityGroup.parse(List.of("icmp"), List.of("udp 53 to 10.0.1.0/24")));
        h.inside.receive(FilterRig.pingFromInside(E0, 1, 1));
        assertEquals("0/0", FilterRig.icmpTypeCode(FilterRig.nextIp(h.inside)),
                "the echo reply belongs to an allowed inbound connection");
        // The port unreachable for a datagram the group let in is RELATED, so it goes out too.
        h.firewall.securityGroup("eth0", SecurityGroup.parse(List.of("udp 9"), List.of("udp 53 to 10.0.1.0/24")));
        h.inside.receive(Frames.udpFrame(FilterRig.E0_MAC, FilterRig.H1_MAC, H1, E0, 64, 1, 9, new byte[1]));
        assertEquals("3/3", FilterRig.icmpTypeCode(FilterRig.nextIp(h.inside)));
        Chain out = h.firewall.securityGroup("eth0", Direction.OUT);
        assertEquals(0, out.policyPackets());
        assertTrue(out.packets(0) >= 1);
    }

    @Test
    void theDefaultOutboundRuleIsAllowAll() {
        SecurityGroup g = SecurityGroup.parse(List.of("tcp 22"), null);
        assertEquals(SecurityGroup.ALLOW_ALL_OUTBOUND, g.outbound());
        assertEquals("all", g.outbound().get(0).text());
        assertEquals(Direction.OUT, g.outbound().get(0).direction());
    }
}
