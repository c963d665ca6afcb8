package io.tapnet.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The neighbour table on its own, with a resolver that records what the cache asks of it. */
class ArpCacheTest {
    static final long SECOND = 1_000_000_000L;

    final EventLoop loop = EventLoop.virtual();
    final List<String> calls = new ArrayList<>();

    final ArpCache.Resolver resolver = new ArpCache.Resolver() {
        @Override
        public void sendRequest(int targetAddress) {
            calls.add("request " + targetAddress + " at " + loop.now() / 1_000_000 + "ms");
        }

        @Override
        public void transmitResolved(Frame frame, long mac) {
            calls.add("send " + tag(frame) + " to " + Long.toHexString(mac));
            frame.release();
        }

        @Override
        public void unresolved(Frame frame) {
            calls.add("unresolved " + tag(frame) + " at " + loop.now() / 1_000_000 + "ms");
            frame.release();
        }
    };

    Frame frame(int tag) {
        Frame f = loop.pool().acquire();
        f.setLength(60);
        f.buffer().putInt(f.offset(), tag);
        return f;
    }

    static int tag(Frame f) {
        return f.buffer().getInt(f.offset());
    }

    @Test
    void aKnownNeighbourIsSentToAtOnce() {
        ArpCache c = new ArpCache(loop, resolver);
        c.update(5, 0xabcL, true);
        c.send(5, frame(1));
        assertEquals(List.of("send 1 to abc"), calls);
        assertEquals(0, c.requestsSent());
    }

    @Test
    void probesEverySecondThenFailsAndHandsBackEveryQueuedFrame() {
        ArpCache c = new ArpCache(loop, resolver);
        c.send(5, frame(1));
        loop.runFor(SECOND / 2);
        c.send(5, frame(2)); // joins the pending resolution, no extra request
        loop.runFor(10 * SECOND);
        assertEquals(List.of(
                "request 5 at 0ms",
                "request 5 at 1000ms",
                "request 5 at 2000ms",
                "unresolved 1 at 3000ms",
                "unresolved 2 at 3000ms"), calls);
        assertEquals(ArpCache.MAX_PROBES, c.requestsSent());
        assertEquals(1, c.failures());
        assertEquals(0, c.size());
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    @Test
    void aReplyDuringResolutionFlushesTheQueueInOrder() {
        ArpCache c = new ArpCache(loop, resolver);
        c.send(5, frame(1));
        c.send(5, frame(2));
        c.send(5, frame(3));
        loop.runFor(1500_000_000L);
        c.update(5, 0xdefL, false); // an existing (incomplete) entry is updated even when not for us
        assertEquals(List.of("request 5 at 0ms", "request 5 at 1000ms", "send 1 to def", "send 2 to def", "send 3 to def"),
                calls);
        calls.clear();
        loop.runFor(10 * SECOND);
        assertEquals(List.of(), calls, "no more probes once resolved");
        assertEquals(0xdefL, c.lookup(5));
    }

    @Test
    void theQueueKeepsTheNewestQueuePerEntryFrames() {
        ArpCache c = new ArpCache(loop, resolver);
        for (int i = 1; i <= ArpCache.QUEUE_PER_ENTRY + 5; i++) {
            c.send(5, frame(i));
        }
        assertEquals(5, c.queueDrops());
        calls.clear();
        c.update(5, 1, true);
        List<String> expected = new ArrayList<>();
        for (int i = 6; i <= ArpCache.QUEUE_PER_ENTRY + 5; i++) {
            expected.add("send " + i + " to 1");
        }
        assertEquals(expected, calls);
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    @Test
    void permanentEntriesNeverAgeAndIgnoreUpdates() {
        ArpCache c = new ArpCache(loop, resolver, 5 * SECOND, 16);
        c.addPermanent(7, 0x77L);
        c.update(7, 0x88L, true);
        loop.runFor(3600 * SECOND);
        assertEquals(0x77L, c.lookup(7));
        assertEquals(List.of(new ArpCache.Neighbor(7, 0x77L, ArpCache.State.PERMANENT, -1)), c.neighbors());
    }

    @Test
    void aFullTableEvictsTheEntryClosestToExpiry() {
        ArpCache c = new ArpCache(loop, resolver, 100 * SECOND, 3);
        c.update(1, 0x1L, true);
        loop.runFor(SECOND);
        c.update(2, 0x2L, true);
        loop.runFor(SECOND);
        c.update(3, 0x3L, true);
        c.update(4, 0x4L, true);
        assertEquals(3, c.size());
        assertEquals(-1, c.lookup(1), "the oldest entry made room");
        assertEquals(0x4L, c.lookup(4));
    }

    @Test
    void aFullTableOfPendingResolutionsRefusesNewOnesAsUnresolved() {
        ArpCache c = new ArpCache(loop, resolver, 100 * SECOND, 2);
        c.send(1, frame(1));
        c.send(2, frame(2));
        c.send(3, frame(3));
        assertTrue(calls.contains("unresolved 3 at 0ms"), calls.toString());
        assertEquals(1, c.queueDrops());
        assertEquals(2, c.size());
    }

    @Test
    void clearReleasesQueuedFramesAndStopsProbing() {
        ArpCache c = new ArpCache(loop, resolver);
        c.send(5, frame(1));
        c.send(6, frame(2));
        c.clear();
        assertEquals(0, c.size());
        assertEquals(loop.pool().allocated(), loop.pool().retained(), "queued frames went back to the pool");
        calls.clear();
        loop.runFor(10 * SECOND);
        assertEquals(List.of(), calls);
    }

    @Test
    void anIdleEntryGoesStaleThenIsForgottenWithoutAnyRequest() {
        ArpCache c = new ArpCache(loop, resolver, 10 * SECOND, 16);
        c.update(5, 0x55L, true);
        loop.runFor(10 * SECOND - 1);
        assertEquals(List.of(new ArpCache.Neighbor(5, 0x55L, ArpCache.State.REACHABLE, 1)), c.neighbors());
        loop.runFor(1);
        assertEquals(List.of(new ArpCache.Neighbor(5, 0x55L, ArpCache.State.STALE, ArpCache.STALE_NANOS)), c.neighbors());
        loop.runFor(ArpCache.STALE_NANOS);
        assertEquals(List.of(), c.neighbors());
        assertEquals(0, c.size());
        assertEquals(-1, c.lookup(5));
        assertEquals(List.of(), calls);
    }

    @Test
    void aStaleEntryIsStillUsedWhileItIsReconfirmed() {
        ArpCache c = new ArpCache(loop, resolver, 10 * SECOND, 16);
        c.update(5, 0x55L, true);
        loop.runFor(10 * SECOND - 1);
        c.send(5, frame(1));
        loop.runFor(1);
        c.send(5, frame(2)); // stale now: still sent, and a request goes out to re-confirm
        c.send(5, frame(3)); // only one re-confirmation at a time
        assertEquals(List.of("send 1 to 55", "request 5 at 10000ms", "send 2 to 55", "send 3 to 55"), calls);
        calls.clear();
        loop.runFor(10 * SECOND);
        assertEquals(List.of("request 5 at 11000ms", "request 5 at 12000ms"), calls);
        assertEquals(0, c.size(), "no answer to three requests: forgotten");
        assertEquals(1, c.failures());
        assertEquals(loop.pool().allocated(), loop.pool().retained());
    }

    @Test
    void aStaleEntryConfirmedInTimeIsReachableAgain() {
        ArpCache c = new ArpCache(loop, resolver, 10 * SECOND, 16);
        c.update(5, 0x55L, true);
        loop.runFor(10 * SECOND);
        c.send(5, frame(1));
        loop.runFor(SECOND / 2);
        c.update(5, 0x56L, false); // the reply, from a new NIC
        calls.clear();
        loop.runFor(5 * SECOND);
        assertEquals(List.of(), calls, "no more requests");
        assertEquals(List.of(new ArpCache.Neighbor(5, 0x56L, ArpCache.State.REACHABLE, 5 * SECOND)), c.neighbors());
    }
}
