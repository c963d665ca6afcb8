package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loop in virtual time: deliveries, tasks, timers, and failures in handlers. */
class EventLoopTest {
    final EventLoop loop = EventLoop.virtual();
    final List<String> log = new ArrayList<>();

    /** A port whose handler logs each frame's first int and releases it. */
    Port recordingPort(String name) {
        return new Port(loop, name, "eth0", new FrameHandler() {
            @Override
            public void onFrame(Port port, Frame frame) {
                log.add(name + ":" + frame.buffer().getInt(frame.offset()) + "@" + loop.now());
                frame.release();
            }
        });
    }

    Frame frame(int tag) {
        Frame f = loop.pool().acquire();
        f.setLength(60);
        f.buffer().putInt(f.offset(), tag);
        return f;
    }

    /** Silences the loop's error report while a test provokes failures on purpose. */
    static <T> T quietly(java.util.function.Supplier<T> work) {
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return work.get();
        } finally {
            System.setErr(err);
        }
    }

    /**
     * A loop with devices sleeps in their poll, not in park; stop() must still reach it, or it
     * would wait out its join timeout and leave the thread running.
     */
    @Test
    void stopWakesALoopAsleepInTheDevicesPoll() throws Exception {
        EventLoop loop = new EventLoop(Clock.system());
        DeviceReader devices = new DeviceReader(loop); // no device: it sleeps on the eventfd alone
        loop.start("test-loop");
        java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(() -> {
            thread.set(Thread.currentThread());
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS), "a task handed over wakes the loop from the poll");
        Thread.sleep(50); // let it fall asleep again, with no timer armed
        loop.stop();
        assertFalse(thread.get().isAlive(), "the loop thread ended within stop()");
        devices.close();
    }

    @Test
    void startsAtZeroAndOnlyRunForMovesTime() {
        assertEquals(0, loop.now());
        loop.runFor(0);
        assertEquals(0, loop.now());
        loop.runFor(1234);
        assertEquals(1234, loop.now());
        assertTrue(loop.clock().isVirtual());
        assertEquals(VirtualClock.DEFAULT_EPOCH_NANOS + 1234, loop.clock().epochNanos());
    }

    @Test
    void timeJumpsFromDeadlineToDeadline() {
        List<Long> seen = new ArrayList<>();
        for (long d : new long[] {50, 10, 30, 1_000_000_000_000L}) {
            loop.newTimer(() -> seen.add(loop.now())).scheduleAt(d);
        }
        loop.runFor(100);
        assertEquals(List.of(10L, 30L, 50L), seen, "each timer sees exactly its deadline as now");
        assertEquals(100, loop.now(), "and then time stops at the end of the run, not at the next deadline");
        assertEquals(1_000_000_000_000L, loop.nextDeadline());
        loop.runFor(1_000_000_000_000L);
        assertEquals(List.of(10L, 30L, 50L, 1_000_000_000_000L), seen);
        assertEquals(Long.MAX_VALUE, loop.nextDeadline());
    }

    @Test
    void timersWithEqualDeadlinesFireInTheOrderTheyWereScheduled() {
        for (int i = 0; i < 50; i++) {
            int n = i;
            loop.newTimer(() -> log.add("t" + n)).scheduleAt(7);
        }
        loop.runFor(10);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("t" + i);
        }
        assertEquals(expected, log);
    }

    @Test
    void reschedulingMovesATimerToTheBackOfItsNewInstant() {
        Timer a = loop.newTimer(() -> log.add("a"));
        Timer b = loop.newTimer(() -> log.add("b"));
        Timer c = loop.newTimer(() -> log.add("c"));
        a.scheduleAt(5);
        b.scheduleAt(5);
        c.scheduleAt(9);
        a.scheduleAt(5); // same deadline, but scheduled again: now after b
        c.scheduleAt(1); // earlier
        loop.runFor(10);
        assertEquals(List.of("c", "b", "a"), log);
    }

    @Test
    void cancelledTimersDoNotFireAndCanBeReArmed() {
        Timer a = loop.newTimer(() -> log.add("a@" + loop.now()));
        Timer b = loop.newTimer(() -> log.add("b@" + loop.now()));
        a.scheduleAt(10);
        b.scheduleAt(20);
        assertTrue(a.isScheduled());
        a.cancel();
        a.cancel(); // harmless twice
        assertFalse(a.isScheduled());
        assertEquals(20, loop.nextDeadline());
        loop.runFor(15);
        assertEquals(List.of(), log);
        a.scheduleIn(10); // from now = 15
        assertEquals(25, a.deadline());
        loop.runFor(100);
        assertEquals(List.of("b@20", "a@25"), log);
        assertFalse(a.isScheduled());
        assertFalse(b.isScheduled());
    }

    @Test
    void aTimerCanCancelAnotherDueAtTheSameInstant() {
        Timer second = loop.newTimer(() -> log.add("second"));
        Timer first = loop.newTimer(() -> {
            log.add("first");
            second.cancel();
        });
        first.scheduleAt(3);
        second.scheduleAt(3);
        loop.runFor(5);
        assertEquals(List.of("first"), log);
    }

    @Test
    void aTimerCanReArmItselfPeriodically() {
        Timer[] t = new Timer[1];
        t[0] = loop.newTimer(() -> {
            log.add("tick@" + loop.now());
            t[0].scheduleIn(100);
        });
        t[0].scheduleAt(100);
        loop.runFor(350);
        assertEquals(List.of("tick@100", "tick@200", "tick@300"), log);
    }

    @Test
    void aDeadlineInThePastFiresAtOnceWithoutTurningTimeBack() {
        loop.runFor(1000);
        loop.newTimer(() -> log.add("late@" + loop.now())).scheduleAt(10);
        loop.runFor(0);
        assertEquals(List.of("late@1000"), log);
        assertEquals(1000, loop.now());
    }

    /** Random schedules, reschedules and cancels against a sorted model of (deadline, scheduling order). */
    @Test
    void firesInDeadlineThenSchedulingOrderUnderRandomChurn() {
        for (int seed = 0; seed < 50; seed++) {
            EventLoop l = EventLoop.virtual();
            java.util.Random r = new java.util.Random(seed);
            List<Integer> fired = new ArrayList<>();
            int n = 300;
            Timer[] timers = new Timer[n];
            long[] deadline = new long[n];
            long[] order = new long[n];
            boolean[] armed = new boolean[n];
            long counter = 0;
            for (int i = 0; i < n; i++) {
                int id = i;
                timers[i] = l.newTimer(() -> fired.add(id));
            }
            for (int op = 0; op < 2000; op++) {
                int i = r.nextInt(n);
                if (r.nextInt(4) == 0) {
                    timers[i].cancel();
                    armed[i] = false;
                } else {
                    deadline[i] = r.nextInt(40); // many ties
                    order[i] = counter++;
                    armed[i] = true;
                    timers[i].scheduleAt(deadline[i]);
                }
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (armed[i]) {
                    expected.add(i);
                }
            }
            expected.sort((x, y) -> deadline[x] != deadline[y] ? Long.compare(deadline[x], deadline[y])
                    : Long.compare(order[x], order[y]));
            l.runFor(100);
            assertEquals(expected, fired, "seed " + seed);
        }
    }

    @Test
    void runUntilReturnsAsSoonAsTheConditionHolds() {
        int[] fired = new int[1];
        for (long d = 1; d <= 5; d++) {
            loop.newTimer(() -> fired[0]++).scheduleAt(d * 1000);
        }
        assertTrue(loop.runUntil(() -> fired[0] >= 2, 1_000_000));
        assertEquals(2000, loop.now(), "stopped at the instant the condition came true");
        assertEquals(2, fired[0]);
        assertFalse(loop.runUntil(() -> fired[0] >= 100, 10_000));
        assertEquals(12_000, loop.now(), "ran the full budget when the condition never held");
        assertEquals(5, fired[0]);
    }

    @Test
    void runUntilChecksTheConditionBeforeMovingTime() {
        loop.newTimer(() -> log.add("t")).scheduleAt(500);
        assertTrue(loop.runUntil(() -> true, 1000));
        assertEquals(0, loop.now());
        assertEquals(List.of(), log);
    }

    @Test
    void runUntilNeedsAVirtualClock() {
        EventLoop real = new EventLoop(Clock.system());
        assertThrows(IllegalStateException.class, () -> real.runUntil(() -> true, 1));
    }

    @Test
    void deliveriesAreProcessedFirstInFirstOut() {
        Port a = recordingPort("a");
        Port b = recordingPort("b");
        loop.deliver(a, frame(1));
        loop.deliver(b, frame(2));
        loop.deliver(a, frame(3));
        loop.runFor(0);
        assertEquals(List.of("a:1@0", "b:2@0", "a:3@0"), log);
        assertEquals(3, loop.delivered());
    }

    @Test
    void deliveriesMadeWhileDeliveringGoToTheBackOfTheQueue() {
        Port sink = recordingPort("sink");
        Port relay = new Port(loop, "relay", "eth0", (port, frame) -> {
            log.add("relay:" + frame.buffer().getInt(frame.offset()));
            loop.deliver(sink, frame);
        });
        loop.deliver(relay, frame(1));
        loop.deliver(relay, frame(2));
        loop.deliver(sink, frame(3));
        loop.runFor(0);
        assertEquals(List.of("relay:1", "relay:2", "sink:3@0", "sink:1@0", "sink:2@0"), log);
    }

    /** The delivery ring grows while its head is in the middle: order must survive the copy. */
    @Test
    void fifoOrderSurvivesTheDeliveryQueueGrowingAcrossItsWrapPoint() {
        List<Integer> seen = new ArrayList<>();
        Port p = new Port(loop, "p", "eth0", (port, frame) -> {
            seen.add(frame.buffer().getInt(frame.offset()));
            frame.release();
        });
        int tag = 0;
        for (int i = 0; i < 700; i++) {
            loop.deliver(p, frame(tag++));
        }
        loop.runFor(0); // head and tail now at 700 of a 1024 ring
        for (int i = 0; i < 2500; i++) { // grows 1024 -> 2048 -> 4096
            loop.deliver(p, frame(tag++));
        }
        loop.runFor(0);
        assertEquals(tag, seen.size());
        for (int i = 0; i < tag; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void deliveriesDueToATimerHappenAtItsInstant() {
        Port sink = recordingPort("sink");
        loop.newTimer(() -> loop.deliver(sink, frame(9))).scheduleAt(77);
        loop.runFor(100);
        assertEquals(List.of("sink:9@77"), log);
    }

    @Test
    void anExceptionInAFrameHandlerIsCountedAndTheLoopGoesOn() {
        Port bad = new Port(loop, "bad", "eth0", (port, frame) -> {
            frame.release();
            throw new IllegalStateException("boom");
        });
        Port good = recordingPort("good");
        loop.deliver(bad, frame(1));
        loop.deliver(good, frame(2));
        loop.deliver(bad, frame(3));
        loop.deliver(good, frame(4));
        quietly(() -> {
            loop.runFor(0);
            return null;
        });
        assertEquals(2, loop.handlerErrors());
        assertEquals(List.of("good:2@0", "good:4@0"), log);
    }

    @Test
    void anExceptionInATimerOrTaskIsCountedAndLaterWorkStillRuns() {
        loop.newTimer(() -> {
            throw new IllegalArgumentException("timer");
        }).scheduleAt(10);
        loop.newTimer(() -> log.add("after@" + loop.now())).scheduleAt(10);
        loop.newTimer(() -> log.add("later@" + loop.now())).scheduleAt(20);
        loop.execute(() -> {
            throw new IllegalStateException("task");
        });
        loop.execute(() -> log.add("task@" + loop.now()));
        quietly(() -> {
            loop.runFor(30);
            return null;
        });
        assertEquals(2, loop.handlerErrors());
        assertEquals(List.of("task@0", "after@10", "later@20"), log);
    }

    @Test
    void tasksFromOtherThreadsRunOnTheLoopInOrder() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                int n = i;
                loop.execute(() -> log.add("x" + n));
            }
            done.countDown();
        });
        t.start();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        loop.runFor(0);
        assertEquals(100, log.size());
        for (int i = 0; i < 100; i++) {
            assertEquals("x" + i, log.get(i));
        }
    }

    @Test
    void injectedFramesAreTransmittedFromTheirIngressPort() {
        Port sink = recordingPort("sink");
        Port device = new Port(loop, "dev", "tap0", (p, f) -> f.release());
        Link.connect(device, sink);
        loop.inject(device, frame(5));
        loop.inject(device, frame(6));
        loop.runFor(0);
        assertEquals(List.of("sink:5@0", "sink:6@0"), log);
        assertEquals(0, loop.inboundDrops());
        assertEquals(2, device.txFrames());
    }

    @Test
    void aVirtualLoopCannotBeStartedOnAThread() {
        assertThrows(IllegalStateException.class, () -> loop.start("x"));
    }

    @Test
    void aRealTimeLoopRunsTimersAndTasksOnItsOwnThread() throws InterruptedException {
        EventLoop real = new EventLoop(Clock.system());
        CountDownLatch fired = new CountDownLatch(2);
        Thread[] where = new Thread[2];
        real.start("test-loop");
        try {
            real.execute(() -> {
                where[0] = Thread.currentThread();
                real.newTimer(() -> {
                    where[1] = Thread.currentThread();
                    fired.countDown();
                }).scheduleIn(TimeUnit.MILLISECONDS.toNanos(20));
                fired.countDown();
            });
            assertTrue(fired.await(10, TimeUnit.SECONDS));
            assertEquals("test-loop", where[0].getName());
            assertEquals(where[0], where[1]);
        } finally {
            real.stop();
        }
    }
}
