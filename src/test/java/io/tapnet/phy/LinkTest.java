package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cables between ports: delivery through the loop, carrier, down links, observers. */
class LinkTest {
    final EventLoop loop = EventLoop.virtual();
    final List<String> log = new ArrayList<>();

    Port port(String node) {
        return new Port(loop, node, "eth0", new FrameHandler() {
            @Override
            public void onFrame(Port p, Frame f) {
                log.add(node + " got " + f.buffer().getInt(f.offset()));
                f.release();
            }

            @Override
            public void onCarrier(Port p, boolean up) {
                log.add(node + (up ? " up" : " down"));
            }
        });
    }

    Frame frame(int tag) {
        Frame f = loop.pool().acquire();
        f.setLength(64);
        f.buffer().putInt(f.offset(), tag);
        return f;
    }

    @Test
    void connectingTellsBothEndsTheyHaveCarrier() {
        Port a = port("a");
        Port b = port("b");
        Link link = Link.connect(a, b);
        assertEquals(List.of("a up", "b up"), log);
        assertTrue(a.hasCarrier());
        assertSame(b, link.peerOf(a));
        assertSame(a, link.peerOf(b));
        assertEquals("a:eth0<->b:eth0", link.name());
    }

    @Test
    void framesCrossThroughTheLoopNotByDirectCall() {
        Port a = port("a");
        Port b = port("b");
        Link.connect(a, b);
        log.clear();
        a.transmit(frame(1));
        assertEquals(List.of(), log, "nothing happens until the loop runs");
        loop.runFor(0);
        assertEquals(List.of("b got 1"), log);
        assertEquals(1, a.txFrames());
        assertEquals(64, a.txBytes());
        assertEquals(1, b.rxFrames());
        assertEquals(64, b.rxBytes());
    }

    @Test
    void aPortCanBeLinkedOnlyOnce() {
        Port a = port("a");
        Link.connect(a, port("b"));
        assertThrows(IllegalStateException.class, () -> Link.connect(a, port("c")));
    }

    @Test
    void portsOnDifferentLoopsNeedAnotherKindOfLink() {
        Port a = port("a");
        Port other = new Port(EventLoop.virtual(), "x", "eth0", (p, f) -> f.release());
        assertThrows(IllegalArgumentException.class, () -> new Link(a, other));
    }

    @Test
    void aDownLinkDropsAndCountsAndBothEndsLoseCarrier() {
        Port a = port("a");
        Port b = port("b");
        Link link = Link.connect(a, b);
        log.clear();
        link.setUp(false);
        assertEquals(List.of("a down", "b down"), log);
        link.setUp(false); // no change, no news
        assertEquals(2, log.size());
        assertFalse(a.hasCarrier());
        a.transmit(frame(1));
        loop.runFor(0);
        assertEquals(1, link.drops());
        assertEquals(List.of("a down", "b down"), log);
        link.setUp(true);
        a.transmit(frame(2));
        loop.runFor(0);
        assertEquals(List.of("a down", "b down", "a up", "b up", "b got 2"), log);
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    /**
     * The class comment promises that frames in flight on a link that goes down are dropped. A frame
     * is in flight between {@code transmit} and the loop delivering it.
     */
    @Test
    void framesInFlightAreDroppedWhenTheLinkGoesDown() {
        Port a = port("a");
        Port b = port("b");
        Link link = Link.connect(a, b);
        log.clear();
        a.transmit(frame(1));
        link.setUp(false);
        loop.runFor(0);
        assertEquals(List.of("a down", "b down"), log, "the frame must not arrive over a cable that is down");
        assertEquals(0, b.rxFrames());
        assertEquals(loop.pool().allocated(), loop.pool().retained(), "and it goes back to the pool");
    }

    @Test
    void anAdministrativelyDownPortNeitherSendsNorReceivesAndItsPeerLosesCarrier() {
        Port a = port("a");
        Port b = port("b");
        Link.connect(a, b);
        log.clear();
        b.setAdminUp(false);
        assertEquals(List.of("b down", "a down"), log, "a dead link partner: the far end loses carrier too");
        assertFalse(a.hasCarrier());
        assertFalse(b.hasCarrier());
        a.transmit(frame(1));
        b.transmit(frame(2));
        loop.runFor(0);
        assertEquals(List.of("b down", "a down"), log);
        assertEquals(1, b.rxDrops());
        assertEquals(1, b.txDrops());
        b.setAdminUp(true);
        a.transmit(frame(3));
        loop.runFor(0);
        assertEquals(List.of("b down", "a down", "b up", "a up", "b got 3"), log);
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    @Test
    void anUnlinkedPortDropsWhatItSends() {
        Port lonely = port("lonely");
        assertFalse(lonely.hasCarrier());
        lonely.transmit(frame(1));
        assertEquals(1, lonely.txDrops());
        assertEquals(0, lonely.txFrames());
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    @Test
    void anObserverSeesEveryFrameWithItsSenderAndTime() {
        Port a = port("a");
        Port b = port("b");
        Link link = Link.connect(a, b);
        List<String> seen = new ArrayList<>();
        link.setObserver((l, from, f, epochNanos) ->
                seen.add(from.node() + " " + f.buffer().getInt(f.offset()) + " " + (epochNanos - VirtualClock.DEFAULT_EPOCH_NANOS)));
        a.transmit(frame(1));
        loop.runFor(500);
        b.transmit(frame(2));
        loop.runFor(0);
        assertEquals(List.of("a 1 0", "b 2 500"), seen);
        link.setUp(false);
        a.transmit(frame(3));
        assertEquals(2, seen.size(), "a frame lost on a down link is not seen");
    }
}
