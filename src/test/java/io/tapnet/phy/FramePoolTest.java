package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames and their pool: ownership, reuse, bounds. */
class FramePoolTest {

    @Test
    void aReleasedFrameIsReusedClearedAtTheDefaultOffset() {
        FramePool pool = new FramePool(256, 8);
        Frame f = pool.acquire();
        assertEquals(Frame.HEADROOM, f.offset());
        assertEquals(0, f.length());
        f.set(10, 100);
        f.release();
        Frame g = pool.acquire();
        assertSame(f, g);
        assertEquals(Frame.HEADROOM, g.offset());
        assertEquals(0, g.length());
        assertEquals(1, pool.allocated());
    }

    @Test
    void releasingTwiceIsAnError() {
        FramePool pool = new FramePool(256, 8);
        Frame f = pool.acquire();
        f.release();
        assertThrows(IllegalStateException.class, f::release);
    }

    @Test
    void retainsAtMostMaxRetainedFramesAfterABurst() {
        FramePool pool = new FramePool(256, 4);
        List<Frame> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(pool.acquire());
        }
        burst.forEach(Frame::release);
        assertEquals(10, pool.allocated());
        assertEquals(4, pool.retained());
        for (int i = 0; i < 4; i++) {
            pool.acquire();
        }
        assertEquals(10, pool.allocated(), "served from the free list");
        pool.acquire();
        assertEquals(11, pool.allocated());
    }

    @Test
    void copyOfCopiesBytesAndBounds() {
        FramePool pool = new FramePool(256, 8);
        Frame src = pool.acquire();
        src.set(20, 5);
        for (int i = 0; i < 5; i++) {
            src.buffer().put(20 + i, (byte) (i + 1));
        }
        Frame copy = pool.copyOf(src);
        assertEquals(20, copy.offset());
        assertEquals(5, copy.length());
        assertEquals(25, copy.end());
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, copy.buffer().get(20 + i));
        }
        copy.buffer().put(20, (byte) 99);
        assertEquals(1, src.buffer().get(20), "a copy shares nothing");
    }

    @Test
    void boundsAreChecked() {
        Frame f = new FramePool(128, 1).acquire();
        assertEquals(128, f.capacity());
        assertThrows(IllegalArgumentException.class, () -> f.setLength(128 - Frame.HEADROOM + 1));
        assertThrows(IllegalArgumentException.class, () -> f.set(-1, 4));
        assertThrows(IllegalArgumentException.class, () -> f.set(100, 29));
        f.setLength(128 - Frame.HEADROOM);
        assertEquals(128, f.end());
    }
}
