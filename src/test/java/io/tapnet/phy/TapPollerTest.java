package io.tapnet.phy;

import static io.tapnet.phy.TunTapIoctl.*;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Uses eventfds as stand-ins for TAP fds: no root needed. */
@Timeout(30)
class TapPollerTest {

    private final List<Integer> openFds = new ArrayList<>();
    private final Memory one = new Memory(8);

    @AfterEach
    void closeFds() {
        for (int fd : openFds) {
            LibC.close(fd);
        }
    }

    private int eventFd() {
        int fd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        assertTrue(fd >= 0, () -> LibC.describe("eventfd", LibC.errno()));
        openFds.add(fd);
        return fd;
    }

    private void signal(int fd) {
        one.setLong(0, 1);
        assertEquals(8, LibC.write(fd, Pointer.nativeValue(one), 8));
    }

    @Test
    void reportsTheReadableDescriptorsAndIgnoresNegativeOnes() throws IOException {
        try (TapPoller poller = new TapPoller(2)) {
            int n = 20; // more than the initial capacity: the pollfd array grows
            int[] fds = new int[n];
            for (int i = 0; i < n; i++) {
                fds[i] = i == 3 ? -1 : eventFd();
            }
            short[] revents = new short[n];
            assertEquals(0, poller.poll(fds, revents, n, 0));
            signal(fds[7]);
            signal(fds[19]);
            assertEquals(2, poller.poll(fds, revents, n, 1000));
            for (int i = 0; i < n; i++) {
                assertEquals(i == 7 || i == 19 ? POLLIN : 0, revents[i], "revents of slot " + i);
            }
        }
    }

    @Test
    void waitsForRequestedEvents() throws IOException {
        try (TapPoller poller = new TapPoller()) {
            int[] fds = {eventFd()};
            short[] revents = new short[1];
            assertEquals(1, poller.poll(fds, new short[] {(short) (POLLIN | POLLOUT)}, revents, 1, 1000));
            assertEquals(POLLOUT, revents[0], "an empty eventfd is writable, not readable");
        }
    }

    @Test
    void timesOut() throws IOException {
        try (TapPoller poller = new TapPoller()) {
            long start = System.nanoTime();
            assertEquals(0, poller.poll(new int[] {eventFd()}, new short[1], 1, 150));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsAnEndlessPoll() throws Exception {
        try (TapPoller poller = new TapPoller()) {
            int[] fds = {eventFd()};
            short[] revents = new short[1];
            CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
                try {
                    return poller.poll(fds, revents, 1, -1);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, runnable -> new Thread(runnable, "poller-test").start());
            Thread.sleep(100);
            assertFalse(result.isDone());
            poller.wakeup();
            assertEquals(0, result.get(5, TimeUnit.SECONDS));
            // The wakeup was consumed: the next poll waits again.
            assertEquals(0, poller.poll(fds, revents, 1, 50));
        }
    }

    @Test
    void wakeupBeforePollIsRemembered() throws IOException {
        try (TapPoller poller = new TapPoller()) {
            poller.wakeup();
            poller.wakeup();
            long start = System.nanoTime();
            assertEquals(0, poller.poll(new int[0], new short[0], 0, 10_000));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void closeDuringPollEndsItAndLaterPollsFail() throws Exception {
        TapPoller poller = new TapPoller();
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
            try {
                return poller.poll(new int[0], new short[0], 0, -1);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, runnable -> new Thread(runnable, "poller-test").start());
        Thread.sleep(100);
        poller.close();
        assertEquals(0, result.get(5, TimeUnit.SECONDS));
        poller.close();
        poller.wakeup();
        assertThrows(IllegalStateException.class, () -> poller.poll(new int[0], new short[0], 0, 0));
    }

    @Test
    void pollingDoesNotAllocate() throws IOException {
        try (TapPoller poller = new TapPoller()) {
            int[] fds = {eventFd(), eventFd(), -1};
            short[] revents = new short[3];
            signal(fds[1]);
            for (int i = 0; i < 20_000; i++) {
                poller.poll(fds, revents, 3, 0);
                poller.wakeup();
            }
            long before = PcapngWriterTest.allocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                poller.poll(fds, revents, 3, 0);
                poller.wakeup();
            }
            long allocated = PcapngWriterTest.allocatedBytes() - before;
            assertTrue(allocated < 1024, "20000 polls allocated " + allocated + " bytes");
        }
    }
}
