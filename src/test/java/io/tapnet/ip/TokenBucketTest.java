package io.tapnet.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    static final long MS = 1_000_000L;

    static int takeAll(TokenBucket b, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (b.take(now)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void startsFullThenEarnsOneTokenPerInterval() {
        TokenBucket b = new TokenBucket(1000, 50);
        assertEquals(50, takeAll(b, 0, 100));
        assertEquals(0, takeAll(b, MS - 1, 10), "not a whole token yet");
        assertEquals(1, takeAll(b, MS, 10));
        assertEquals(3, takeAll(b, 4 * MS, 10));
        assertEquals(50, takeAll(b, 10_000 * MS, 100), "capped at the burst");
    }

    @Test
    void partialIntervalsAccumulate() {
        TokenBucket b = new TokenBucket(1000, 5);
        assertEquals(5, takeAll(b, 0, 10));
        int got = 0;
        for (long t = MS / 4; t <= 10 * MS; t += MS / 4) {
            got += takeAll(b, t, 1);
        }
        assertEquals(10, got, "40 quarter-millisecond steps make 10 tokens");
    }

    @Test
    void worksWithALargeClockValue() {
        long start = 8_000_000_000_000L; // a System.nanoTime()-like origin
        TokenBucket b = new TokenBucket(1000, 50);
        assertEquals(50, takeAll(b, start, 100));
        assertEquals(2, takeAll(b, start + 2 * MS, 10));
    }
}
