package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BoundedQueueTest {

    @Test
    void keepsFifoOrderAndRefusesWhenFull() {
        BoundedQueue<Integer> q = new BoundedQueue<>(4);
        assertEquals(4, q.capacity());
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        for (int i = 0; i < 4; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(99), "full");
        for (int lap = 0; lap < 1000; lap++) { // wrap around many times
            assertEquals(lap, q.poll());
            assertTrue(q.offer(lap + 4));
        }
        for (int i = 1000; i < 1004; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertTrue(q.isEmpty());
    }

    /** Three producers and two consumers: every element arrives exactly once, none is invented. */
    @Test
    @Timeout(60)
    void manyProducersAndConsumersLoseAndDuplicateNothing() throws InterruptedException {
        BoundedQueue<Long> q = new BoundedQueue<>(64);
        int producers = 3;
        long perProducer = 200_000;
        AtomicLong sum = new AtomicLong();
        AtomicLong count = new AtomicLong();
        CountDownLatch producersDone = new CountDownLatch(producers);
        Thread[] threads = new Thread[producers + 2];
        for (int p = 0; p < producers; p++) {
            long base = p * perProducer;
            threads[p] = new Thread(() -> {
                for (long i = 1; i <= perProducer; i++) {
                    while (!q.offer(base + i)) {
                        Thread.onSpinWait();
                    }
                }
                producersDone.countDown();
            });
        }
        for (int c = 0; c < 2; c++) {
            threads[producers + c] = new Thread(() -> {
                while (true) {
                    Long v = q.poll();
                    if (v != null) {
                        sum.addAndGet(v);
                        count.incrementAndGet();
                    } else if (producersDone.getCount() == 0 && q.isEmpty()) {
                        return;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long n = producers * perProducer;
        assertEquals(n, count.get());
        assertEquals(n * (n + 1) / 2, sum.get());
    }
}
