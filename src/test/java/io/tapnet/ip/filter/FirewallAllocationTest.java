package io.tapnet.ip.filter;

import static io.tapnet.ip.filter.FilterRig.H2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.PacketFilter;
import io.tapnet.testing.Frames;
import io.tapnet.wire.Ipv4View;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The steady path allocates nothing: a packet of a known, masqueraded connection runs through every
 * hook (rules, lookup, translation, refresh) without creating an object. Measured with the JVM's
 * per-thread allocation counter.
 */
class FirewallAllocationTest {

    @Test
    void packetsOfKnownConnectionsAllocateNothing() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        var counter = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(counter.isThreadAllocatedMemorySupported() && counter.isThreadAllocatedMemoryEnabled());

        FilterRig r = FilterRig.router();
        r.firewall.masquerade("eth1");
        r.firewall.acl("eth1", InterfaceAcl.parse(List.of("allow established", "deny any"),
                List.of("deny tcp port 23", "allow udp to 10.0.2.0/24 port 53", "allow any")));
        IpInterface in = r.stack.iface("eth0");
        IpInterface out = r.stack.iface("eth1");
        byte[] template = FilterRig.udpFromInside(H2, 40000, 53, new byte[64]);
        ByteBuffer b = ByteBuffer.allocateDirect(template.length);
        Ipv4View ip = new Ipv4View();
        Firewall f = r.firewall;

        long before = 0;
        int rounds = 20_000;
        for (int pass = 0; pass < 2; pass++) { // the first pass opens the connection and warms up
            if (pass == 1) {
                before = counter.getThreadAllocatedBytes(Thread.currentThread().threadId());
            }
            for (int i = 0; i < rounds; i++) {
                b.put(0, template);
                ip.wrap(b, Frames.IP, template.length - Frames.IP);
                long now = i;
                if (f.prerouting(in, null, ip, now) != PacketFilter.ACCEPT
                        || f.forward(in, out, null, ip, now) != PacketFilter.ACCEPT
                        || f.postrouting(out, null, ip, now) != PacketFilter.ACCEPT) {
                    throw new AssertionError("dropped");
                }
            }
        }
        long allocated = counter.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertEquals(1, f.connTrack().size());
        assertEquals(2L * rounds, f.acl("eth1", Direction.OUT).packets(1));
        assertTrue(allocated < 16 * 1024, rounds + " packets allocated " + allocated + " bytes");
    }
}
