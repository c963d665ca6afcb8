package io.tapnet.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.EventLoop;
import io.tapnet.testing.Frames;
import io.tapnet.testing.StepHarness;
import io.tapnet.wire.MacAddress;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The learning bridge, driven through test ports with the step language. */
class SwitchTest {
    static final long A = 0x02_00_00_00_00_0aL;
    static final long B = 0x02_00_00_00_00_0bL;
    static final long C = 0x02_00_00_00_00_0cL;
    static final long D = 0x02_00_00_00_00_0dL;
    static final long AGING = 10_000_000_000L;

    EventLoop loop;
    Switch sw;
    StepHarness p1;
    StepHarness p2;
    StepHarness p3;

    @BeforeEach
    void setUp() {
        loop = EventLoop.virtual();
        sw = new Switch(loop, "s1", 1024, AGING);
        p1 = StepHarness.attach(sw.addPort("p1"));
        p2 = StepHarness.attach(sw.addPort("p2"));
        p3 = StepHarness.attach(sw.addPort("p3"));
    }

    /** A 60-byte frame from {@code src} to {@code dst} whose payload tells frames apart. */
    static byte[] frame(long dst, long src, int tag) {
        byte[] payload = new byte[46];
        payload[0] = (byte) (tag >>> 8);
        payload[1] = (byte) tag;
        return Frames.ethernet(dst, src, 0x88b5, payload); // IEEE 802 local experimental EtherType
    }

    @Test
    void learnsTheSourceAddressOnTheIngressPort() {
        p1.receive(frame(B, A, 1));
        assertEquals(0, sw.table().lookup(A, loop.now()));
        assertEquals(-1, sw.table().lookup(B, loop.now()));
        p3.receive(frame(A, C, 2));
        assertEquals(2, sw.table().lookup(C, loop.now()));
        assertEquals(2, sw.table().size());
    }

    @Test
    void floodsUnknownUnicastToEveryOtherPortWithTheSameBytes() {
        byte[] f = frame(B, A, 1);
        p1.receive(f);
        p2.expect(f).expectNothing();
        p3.expect(f).expectNothing();
        p1.expectNothing();
        assertEquals(1, sw.flooded());
        assertEquals(0, sw.forwarded());
    }

    @Test
    void floodsBroadcastAndMulticastEvenWhenTheDestinationLooksLearned() {
        byte[] broadcast = frame(MacAddress.BROADCAST, A, 1);
        p1.receive(broadcast);
        p2.expect(broadcast);
        p3.expect(broadcast);
        p1.expectNothing();

        long multicast = 0x01_00_5e_00_00_01L;
        byte[] m = frame(multicast, B, 2);
        p2.receive(m);
        p1.expect(m);
        p3.expect(m);
        p2.expectNothing();
        assertEquals(2, sw.flooded());
        assertEquals(-1, sw.table().lookup(multicast, loop.now()), "group addresses are never learned");
    }

    @Test
    void doesNotLearnAMulticastSourceAddress() {
        long bogus = 0x03_00_00_00_00_01L;
        p1.receive(frame(B, bogus, 1));
        assertEquals(-1, sw.table().lookup(bogus, loop.now()));
        assertEquals(0, sw.table().size());
    }

    @Test
    void forwardsToTheLearnedPortOnly() {
        p2.receive(frame(A, B, 1)); // learn B on p2 (flooded to p1, p3)
        p1.drain();
        p3.drain();
        byte[] f = frame(B, A, 2);
        p1.receive(f);
        p2.expect(f).expectNothing();
        p3.expectNothing();
        p1.expectNothing();
        assertEquals(1, sw.forwarded());
        // and back: A is now known on p1
        byte[] back = frame(A, B, 3);
        p2.receive(back);
        p1.expect(back);
        p3.expectNothing();
        assertEquals(2, sw.forwarded());
    }

    @Test
    void filtersAFrameWhoseDestinationLivesOnTheIngressPort() {
        // A and D share the segment behind p1 (a hub, say): A's frame to D must not leave p1.
        p1.receive(frame(B, A, 1));
        p1.receive(frame(B, D, 2));
        p2.drain();
        p3.drain();
        p1.receive(frame(D, A, 3));
        p1.expectNothing();
        p2.expectNothing();
        p3.expectNothing();
        assertEquals(1, sw.filtered());
    }

    @Test
    void anAddressThatMovesIsRelearnedOnItsNewPort() {
        p1.receive(frame(B, A, 1));
        p3.receive(frame(B, A, 2)); // A moved to p3
        assertEquals(2, sw.table().lookup(A, loop.now()));
        p2.drain();
        p1.drain();
        p3.drain();
        byte[] f = frame(A, B, 3);
        p2.receive(f);
        p3.expect(f);
        p1.expectNothing();
    }

    @Test
    void agesEntriesOutAndFloodsAgain() {
        p2.receive(frame(A, B, 1));
        p1.drain();
        p3.drain();
        // At exactly the aging time the entry is still good (802.1D ages entries older than the time).
        p1.advance(Duration.ofNanos(AGING));
        byte[] f = frame(B, A, 2);
        p1.receive(f);
        p2.expect(f);
        p3.expectNothing();
        // A was refreshed just now, B was last seen AGING ago: one nanosecond later B is gone.
        p1.advanceNanos(1);
        assertEquals(-1, sw.table().lookup(B, loop.now()));
        byte[] g = frame(B, A, 3);
        p1.receive(g);
        p2.expect(g);
        p3.expect(g);
        assertEquals(1, sw.table().size(), "only A is left");
        // Without traffic the periodic sweep removes A too, freeing its slot without a lookup.
        p1.advance(Duration.ofSeconds(15));
        assertEquals(0, sw.table().size());
        assertEquals(List.of(), sw.table().entries(loop.now()));
    }

    @Test
    void portDownFlushesTheAddressesLearnedThere() {
        p1.receive(frame(B, A, 1));
        p1.receive(frame(B, D, 2));
        p2.receive(frame(A, B, 3));
        p1.drain();
        p2.drain();
        p3.drain();
        assertEquals(3, sw.table().size());

        p1.link().setUp(false);
        assertEquals(1, sw.table().size(), "A and D were behind p1");
        assertEquals(-1, sw.table().lookup(A, loop.now()));
        assertEquals(-1, sw.table().lookup(D, loop.now()));
        assertEquals(1, sw.table().lookup(B, loop.now()));

        // A frame for A is flooded again, and only to ports that have carrier.
        byte[] f = frame(A, B, 4);
        p2.receive(f);
        p3.expect(f).expectNothing();
        p1.expectNothing();

        // Administrative down does the same as losing the link.
        sw.ports().get(1).setAdminUp(false);
        assertEquals(-1, sw.table().lookup(B, loop.now()));
        assertEquals(0, sw.table().size());
    }

    @Test
    void dropsRunts() {
        p1.receive(new byte[13]);
        p2.expectNothing();
        p3.expectNothing();
        assertEquals(1, sw.runts());
        assertEquals(0, sw.table().size());
        assertEquals(0, loop.handlerErrors());
    }

    @Test
    void aFloodedFrameIsCopiedNotShared() {
        // Each egress port gets its own buffer: rewriting one copy in place must not change the others.
        byte[] f = frame(MacAddress.BROADCAST, A, 7);
        p1.receive(f);
        byte[] a = p2.expect();
        byte[] b = p3.expect();
        assertEquals(Frames.hex(f), Frames.hex(a));
        assertEquals(Frames.hex(f), Frames.hex(b));
        assertEquals(0, loop.pool().allocated() - loop.pool().retained(), "every frame went back to the pool");
    }

    /**
     * A MAC flood (the classic CAM-table overflow attack) must not turn the switch into a hub for hosts
     * it already knows: the bounded table stops learning, counts the failures, and keeps forwarding known
     * unicast to exactly one port.
     */
    @Test
    void macFloodFillsTheBoundedTableButKnownUnicastStaysUnicast() {
        int limit = 1024;
        EventLoop l = EventLoop.virtual();
        Switch s = new Switch(l, "s1", limit, AGING);
        StepHarness hostA = StepHarness.attach(s.addPort("p1"));
        StepHarness hostB = StepHarness.attach(s.addPort("p2"));
        StepHarness attacker = StepHarness.attach(s.addPort("p3"));
        StepHarness bystander = StepHarness.attach(s.addPort("p4"));

        hostA.receive(frame(B, A, 1));
        hostB.receive(frame(A, B, 2));
        hostA.drain();
        hostB.drain();
        attacker.drain();
        bystander.drain();
        assertEquals(2, s.table().size());

        Random random = new Random(42);
        Set<Long> used = new HashSet<>(List.of(A, B));
        byte[] template = frame(0x02_ee_ee_ee_ee_eeL, 0, 0);
        int frames = 50_000;
        long floodedBefore = s.flooded();
        for (int i = 0; i < frames; i++) {
            long source;
            do {
                source = MacAddress.locallyAdministered(random.nextLong()) & ~MacAddress.GROUP_BIT;
            } while (!used.add(source));
            byte[] f = template.clone();
            MacAddress.write(Frames.buffer(f), 6, source);
            attacker.inject(f);
            if (i % 256 == 255) {
                attacker.settle();
                hostA.drain();
                hostB.drain();
                bystander.drain();
            }
        }
        attacker.settle();
        hostA.drain();
        hostB.drain();
        bystander.drain();

        assertTrue(s.table().size() <= limit, "table size " + s.table().size());
        assertEquals(limit, s.table().size());
        assertEquals(frames - (limit - 2), s.table().learnFailures());
        assertEquals(frames, s.flooded() - floodedBefore, "the attacker's unknown destination is flooded");
        assertEquals(0, l.handlerErrors());

        // A and B survived the flood: their unicast goes to exactly one port.
        long forwarded = s.forwarded();
        byte[] f = frame(B, A, 3);
        hostA.receive(f);
        hostB.expect(f).expectNothing();
        attacker.expectNothing();
        bystander.expectNothing();
        byte[] g = frame(A, B, 4);
        hostB.receive(g);
        hostA.expect(g).expectNothing();
        attacker.expectNothing();
        bystander.expectNothing();
        assertEquals(forwarded + 2, s.forwarded());
        // One batch of 256 injected frames, each copied for the second and third flood port, is the most
        // that is ever in flight: the pool stays at that, it does not grow with the number of frames.
        assertTrue(l.pool().allocated() <= 3 * 256, "pool grew to " + l.pool().allocated() + " frames");
        assertEquals(l.pool().allocated(), l.pool().retained(), "every frame is back in the pool");
    }
}
