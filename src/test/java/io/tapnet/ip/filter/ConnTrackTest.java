package io.tapnet.ip.filter;

import static io.tapnet.ip.filter.FilterRig.E1;
import static io.tapnet.ip.filter.FilterRig.H1;
import static io.tapnet.ip.filter.FilterRig.H2;
import static io.tapnet.ip.filter.FilterRig.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.wire.Ipv4View;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connection table: states and timeouts per protocol, expiry driven by the loop's time, the
 * bound, and replies of live connections passing an "established only" ACL. All in virtual time.
 */
class ConnTrackTest {

    /** A router whose outside interface lets in only packets of known connections. */
    private static FilterRig statefulRouter(ConnTrackConfig config) {
        FilterRig r = FilterRig.router(config);
        r.firewall.acl("eth1", InterfaceAcl.parse(List.of("allow established", "deny any"), List.of()));
        return r;
    }

    private static Connection only(FilterRig r) {
        List<Connection> all = r.firewall.connTrack().connections(r.now());
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    private static long remainingSeconds(FilterRig r, Connection c) {
        return c.remainingNanos(r.now()) / SECOND;
    }

    @Test
    void udpLivesThirtySecondsUnrepliedAndTwoMinutesOnceReplied() {
        FilterRig r = statefulRouter(ConnTrackConfig.DEFAULT);
        r.inside.receive(FilterRig.udpFromInside(H2, 40000, 53, new byte[4]));
        FilterRig.nextIp(r.outside);
        Connection c = only(r);
        assertEquals(30, remainingSeconds(r, c));
        assertFalse(c.seenReply());
        assertTrue(c.describe(r.now()).contains("[UNREPLIED]"), c.describe(r.now()));

        r.advanceSeconds(10);
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 53, 40000, new byte[4]));
        FilterRig.nextIp(r.inside);
        assertTrue(c.seenReply() && c.assured());
        assertEquals(120, remainingSeconds(r, c));
        assertTrue(c.describe(r.now()).startsWith("udp      17 120 src=10.0.1.10 dst=10.0.2.20 sport=40000 dport=53"),
                c.describe(r.now()));

        r.advanceSeconds(119);
        r.refreshNeighbours();
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 53, 40000, new byte[4]));
        FilterRig.nextIp(r.inside);
        assertEquals(120, remainingSeconds(r, c), "every packet refreshes the entry");
        r.advanceSeconds(121);
        r.refreshNeighbours();
        r.outside.receive(FilterRig.udpFromOutside(H2, H1, 53, 40000, new byte[4]));
        FilterRig.noIp(r.inside);
        assertEquals(0, r.firewall.connTrack().size(), "expired, the entry is gone and the late reply dropped");
        assertEquals(1, r.firewall.connTrack().expired());
    }

    @Test
    void tcpFollowsTheHandshakeAndTheClose() {
        FilterRig r = statefulRouter(ConnTrackConfig.DEFAULT);
        int syn = 0x02;
        int synAck = 0x12;
        int ack = 0x10;
        int fin = 0x11;
        int rst = 0x04;
        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 22, syn));
        FilterRig.nextIp(r.outside);
        Connection c = only(r);
        assertEquals(Connection.TcpState.SYN_SENT, c.tcpState());
        assertEquals(120, remainingSeconds(r, c));
        r.outside.receive(FilterRig.tcpFromOutside(H2, H1, 22, 40000, synAck));
        FilterRig.nextIp(r.inside);
        assertEquals(Connection.TcpState.SYN_RECV, c.tcpState());
        assertEquals(60, remainingSeconds(r, c));
        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 22, ack));
        FilterRig.nextIp(r.outside);
        assertEquals(Connection.TcpState.ESTABLISHED, c.tcpState());
        assertTrue(c.assured());
        assertEquals(300, remainingSeconds(r, c));
        assertTrue(c.describe(r.now()).contains(" 300 ESTABLISHED src=10.0.1.10"), c.describe(r.now()));

        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 22, fin));
        FilterRig.nextIp(r.outside);
        assertEquals(Connection.TcpState.FIN_WAIT, c.tcpState());
        assertEquals(120, remainingSeconds(r, c));
        r.outside.receive(FilterRig.tcpFromOutside(H2, H1, 22, 40000, fin));
        FilterRig.nextIp(r.inside);
        assertEquals(Connection.TcpState.TIME_WAIT, c.tcpState());

        // A new connection on the same ports starts over; a reset closes it quickly.
        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 22, syn));
        FilterRig.nextIp(r.outside);
        assertEquals(Connection.TcpState.SYN_SENT, c.tcpState());
        r.outside.receive(FilterRig.tcpFromOutside(H2, H1, 22, 40000, rst | ack));
        FilterRig.nextIp(r.inside);
        assertEquals(Connection.TcpState.CLOSE, c.tcpState());
        assertEquals(10, remainingSeconds(r, c));
        r.advanceSeconds(11);
        assertEquals(List.of(), r.firewall.connTrack().connections(r.now()));
    }

    @Test
    void aLoneResetOpensNothing() {
        FilterRig r = statefulRouter(ConnTrackConfig.DEFAULT);
        r.inside.receive(FilterRig.tcpFromInside(H2, 40000, 22, 0x04));
        FilterRig.nextIp(r.outside);
        assertEquals(0, r.firewall.connTrack().size());
    }

    @Test
    void pingLivesThirtySecondsAndAnEchoRequestIsNeverTakenForAReply() {
        FilterRig r = statefulRouter(ConnTrackConfig.DEFAULT);
        r.inside.receive(FilterRig.pingFromInside(H2, 0x42, 1));
        FilterRig.nextIp(r.outside);
        Connection c = only(r);
        assertEquals(30, remainingSeconds(r, c));
        assertEquals(Ipv4View.PROTO_ICMP, c.protocol());
        assertEquals(8, c.original().icmpType());
        assertEquals(0, c.reply().icmpType());
        r.outside.receive(FilterRig.pingFromOutside(H1, 0x42, 1));
        FilterRig.noIp(r.inside);
        r.outside.receive(FilterRig.echoReplyFromOutside(H2, H1, 0x42, 1));
        FilterRig.nextIp(r.inside);
        r.advanceSeconds(31);
        r.outside.receive(FilterRig.echoReplyFromOutside(H2, H1, 0x42, 2));
        FilterRig.noIp(r.inside);
    }

    @Test
    void everyTimeoutIsConfigurable() {
        ConnTrackConfig config = ConnTrackConfig.DEFAULT;
        for (String key : ConnTrackConfig.TIMEOUT_KEYS) {
            config = config.withTimeout(key, 7 * SECOND);
            assertEquals(7 * SECOND, config.timeout(key));
        }
        assertEquals(ConnTrackConfig.DEFAULT.withAllTimeouts(7 * SECOND), config);
        FilterRig r = statefulRouter(config);
        r.inside.receive(FilterRig.tcpFromInside(H2, 1, 2, 0x02));
        r.inside.receive(FilterRig.udpFromInside(H2, 1, 2, new byte[1]));
        r.inside.receive(FilterRig.pingFromInside(H2, 1, 1));
        assertEquals(3, FilterRig.ipFrames(r.outside).size());
        for (Connection c : r.firewall.connTrack().connections(r.now())) {
            assertEquals(7, remainingSeconds(r, c));
        }
        r.advanceSeconds(7);
        assertEquals(0, r.firewall.connTrack().connections(r.now()).size());
    }

    @Test
    void theSweepRemovesExpiredEntriesWithoutAnyoneListingThem() {
        FilterRig r = statefulRouter(ConnTrackConfig.DEFAULT.withTimeout("udp", 5 * SECOND));
        for (int port = 1; port <= 20; port++) {
            r.inside.receive(FilterRig.udpFromInside(H2, port, 53, new byte[1]));
        }
        FilterRig.ipFrames(r.outside);
        assertEquals(20, r.firewall.connTrack().size());
        r.advanceSeconds(6);
        for (int i = 0; i < 20; i++) {
            r.inside.receive(FilterRig.pingFromInside(H2, 7, i)); // one connection, refreshed
        }
        FilterRig.ipFrames(r.outside);
        assertEquals(1, r.firewall.connTrack().size(), "20 packets swept 2 entries each");
    }

    @Test
    void aFullTableGivesUpAnUnrepliedEntryThenRefusesNewConnections() {
        FilterRig r = statefulRouter(ConnTrackConfig.DEFAULT.withMaxEntries(2));
        r.inside.receive(FilterRig.udpFromInside(H2, 1, 53, new byte[1]));
        r.inside.receive(FilterRig.udpFromInside(H2, 2, 53, new byte[1]));
        r.inside.receive(FilterRig.udpFromInside(H2, 3, 53, new byte[1])); // gives up one of the first two
        assertEquals(3, FilterRig.ipFrames(r.outside).size());
        ConnTrack t = r.firewall.connTrack();
        assertEquals(2, t.size());
        assertEquals(1, t.earlyDrops());
        // Both remaining connections are answered, so nothing can be given up any more.
        for (Connection c : t.connections(r.now())) {
            r.outside.receive(FilterRig.udpFromOutside(H2, H1, 53, c.original().sourcePort(), new byte[1]));
        }
        assertEquals(2, FilterRig.ipFrames(r.inside).size());
        r.inside.receive(FilterRig.udpFromInside(H2, 4, 53, new byte[1]));
        FilterRig.noIp(r.outside);
        assertEquals(1, t.insertFailures());
        assertEquals(2, t.size());
        assertTrue(r.firewall.describe().stream().anyMatch(l -> l.contains("1 refused (table full)")),
                r.firewall.describe().toString());
    }

    @Test
    void theTableFindsBothDirectionsOfManyConnectionsAndForgetsRemovedOnes() {
        ConnTrack t = new ConnTrack(ConnTrackConfig.DEFAULT);
        int n = 5000;
        Connection[] all = new Connection[n];
        for (int i = 0; i < n; i++) {
            int src = 0x0a000000 | i;
            all[i] = t.insert(17, 17, src, E1, 1000 + i % 50000, 53, E1, src, 53, 1000 + i % 50000, 0);
            all[i].expiresAt = 100 * SECOND;
        }
        assertEquals(n, t.size());
        for (int i = 0; i < n; i++) {
            int src = 0x0a000000 | i;
            Tuple o = t.find(17, src, E1, 1000 + i % 50000, 53, 0);
            Tuple rep = t.find(17, E1, src, 53, 1000 + i % 50000, 0);
            assertNotNull(o);
            assertFalse(o.isReply());
            assertTrue(rep.isReply());
            assertEquals(all[i], o.connection());
            assertEquals(all[i], rep.connection());
        }
        for (int i = 0; i < n; i += 2) {
            t.remove(all[i]);
        }
        assertEquals(n / 2, t.size());
        assertNull(t.find(17, 0x0a000000, E1, 1000, 53, 0));
        assertNotNull(t.find(17, 0x0a000001, E1, 1001, 53, 0));
        assertEquals(n / 2, t.expire(100 * SECOND));
        assertEquals(0, t.size());
    }
}
