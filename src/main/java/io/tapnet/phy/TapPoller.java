package io.tapnet.phy;

import static io.tapnet.phy.TunTapIoctl.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * {@code poll(2)} over a set of file descriptors (typically every {@link TapDevice#fd()}), plus an
 * {@code eventfd} that another thread can signal with {@link #wakeup()} to end a poll early.
 *
 * <p>This is the blocking point of the thread that reads all TAP devices: run it on a platform
 * thread (a JNA call blocked in {@code poll} would pin a virtual thread's carrier). The native
 * {@code pollfd} array is allocated once and only grows when more descriptors are polled than ever
 * before, so a poll allocates nothing.
 *
 * <p>Threads: {@link #poll} is called by one thread at a time; {@link #wakeup()} and {@link #close()}
 * by any thread. A wakeup that arrives while no poll is running is remembered and ends the next one
 * immediately. {@code close()} during a poll wakes it; the eventfd is then closed by the polling
 * thread as it leaves, so its number is never reused under a running poll.
 */
public final class TapPoller implements AutoCloseable {

    private static final short POLLIN_EVENTS = (short) POLLIN;

    private final int wakeFd;
    /** 8 bytes holding the constant 1: the eventfd increment. Only ever read by native code. */
    private final Memory wakeValue = new Memory(8);
    /** Scratch for draining the eventfd; used by the polling thread only. */
    private final Memory drainValue = new Memory(8);
    /** {@code struct timespec} for {@code ppoll}; used by the polling thread only. */
    private final Memory timespec = new Memory(16);
    private Memory pollFds;
    private int capacity;

    private boolean polling;
    private boolean closed;
    private boolean eventFdClosed;

    /** Creates a poller with room for {@code initialCapacity} descriptors before it must grow. */
    public TapPoller(int initialCapacity) throws IOException {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity: " + initialCapacity);
        }
        wakeFd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (wakeFd < 0) {
            throw new IOException(LibC.describe("eventfd", LibC.errno()));
        }
        wakeValue.setLong(0, 1L);
        ensureCapacity(initialCapacity);
    }

    /** Creates a poller with room for 16 descriptors before it must grow. */
    public TapPoller() throws IOException {
        this(16);
    }

    /**
     * Waits until one of {@code fds[0, n)} is readable ({@code POLLIN}), a {@link #wakeup()} arrives,
     * or the timeout expires.
     *
     * @param fds descriptors; negative entries are ignored (their revents stay 0)
     * @param revents receives each descriptor's returned events ({@code POLLIN}, {@code POLLERR},
     *     {@code POLLHUP}, {@code POLLNVAL}...)
     * @param timeoutMillis -1 waits forever, 0 returns at once
     * @return how many of the {@code n} descriptors have non-zero revents; 0 after a timeout, a
     *     wakeup or a signal ({@code EINTR})
     */
    public int poll(int[] fds, short[] revents, int n, int timeoutMillis) throws IOException {
        return poll(fds, null, revents, n, timeoutMillis);
    }

    /**
     * Like {@link #poll(int[], short[], int, int)}, waiting for {@code events[i]} on {@code fds[i]}
     * (for instance {@code POLLIN | POLLOUT}); {@code events == null} means {@code POLLIN} for all.
     */
    public int poll(int[] fds, short[] events, short[] revents, int n, int timeoutMillis) throws IOException {
        return pollInternal(fds, events, revents, n, timeoutMillis < 0 ? -1L : timeoutMillis * 1_000_000L);
    }

    /**
     * Like {@link #poll(int[], short[], int, int)} with a timeout in nanoseconds ({@code ppoll(2)}):
     * -1 waits forever, 0 returns at once. The event loop sleeps here between its timers.
     */
    public int pollNanos(int[] fds, short[] revents, int n, long timeoutNanos) throws IOException {
        return pollInternal(fds, null, revents, n, timeoutNanos);
    }

    private int pollInternal(int[] fds, short[] events, short[] revents, int n, long timeoutNanos) throws IOException {
        Objects.checkFromIndexSize(0, n, fds.length);
        Objects.checkFromIndexSize(0, n, revents.length);
        if (events != null) {
            Objects.checkFromIndexSize(0, n, events.length);
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("TapPoller is closed");
            }
            if (polling) {
                throw new IllegalStateException("poll is already running on another thread");
            }
            polling = true;
        }
        try {
            return doPoll(fds, events, revents, n, timeoutNanos);
        } finally {
            synchronized (this) {
                polling = false;
                if (closed) {
                    closeEventFd();
                }
            }
        }
    }

    private int doPoll(int[] fds, short[] events, short[] revents, int n, long timeoutNanos) throws IOException {
        ensureCapacity(n);
        Memory pfds = pollFds;
        // Slot 0 is the wakeup eventfd; the caller's descriptors follow.
        pfds.setInt(0, wakeFd);
        pfds.setShort(4, POLLIN_EVENTS);
        pfds.setShort(6, (short) 0);
        for (int i = 0; i < n; i++) {
            long at = (long) (i + 1) * SIZEOF_POLLFD;
            pfds.setInt(at, fds[i]);
            pfds.setShort(at + 4, events == null ? POLLIN_EVENTS : events[i]);
            pfds.setShort(at + 6, (short) 0);
        }
        int ready;
        try {
            if (timeoutNanos < 0) {
                ready = LibC.ppoll(Pointer.nativeValue(pfds), n + 1, 0L, 0L);
            } else {
                timespec.setLong(0, timeoutNanos / 1_000_000_000L);
                timespec.setLong(8, timeoutNanos % 1_000_000_000L);
                ready = LibC.ppoll(Pointer.nativeValue(pfds), n + 1, Pointer.nativeValue(timespec), 0L);
            }
        } finally {
            Reference.reachabilityFence(pfds);
            Reference.reachabilityFence(timespec);
        }
        if (ready < 0) {
            int errno = LibC.errno();
            if (errno != EINTR) {
                throw new IOException(LibC.describe("poll", errno));
            }
            for (int i = 0; i < n; i++) {
                revents[i] = 0;
            }
            return 0;
        }
        if (pfds.getShort(6) != 0) {
            drainWakeups();
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            short r = pfds.getShort((long) (i + 1) * SIZEOF_POLLFD + 6);
            revents[i] = r;
            if (r != 0) {
                count++;
            }
        }
        return count;
    }

    private void drainWakeups() {
        // One read resets an eventfd's counter to 0, however many wakeups were added.
        LibC.read(wakeFd, Pointer.nativeValue(drainValue), 8);
        Reference.reachabilityFence(drainValue);
    }

    private void ensureCapacity(int n) {
        if (pollFds == null || n > capacity) {
            int newCapacity = Math.max(n, Math.max(8, capacity * 2));
            pollFds = new Memory((long) (newCapacity + 1) * SIZEOF_POLLFD);
            capacity = newCapacity;
        }
    }

    /**
     * Makes the running (or the next) {@link #poll} return. Safe from any thread; never blocks and
     * never allocates. Does nothing after {@link #close()}.
     */
    public synchronized void wakeup() {
        if (!closed) {
            signal();
        }
    }

    private void signal() {
        // EAGAIN (counter saturated) is fine: a wakeup is pending anyway.
        LibC.write(wakeFd, Pointer.nativeValue(wakeValue), 8);
        Reference.reachabilityFence(wakeValue);
    }

    /** Closes the eventfd (at once, or when the running poll returns). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (polling) {
            signal();
        } else {
            closeEventFd();
        }
    }

    private void closeEventFd() {
        if (!eventFdClosed) {
            eventFdClosed = true;
            LibC.close(wakeFd);
        }
    }
}
