package io.tapnet.socket;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Timer;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a blocked application thread waits for an endpoint to become ready. The loop arms it (inside
 * the call that found nothing to do), endpoint callbacks and an optional virtual-time timeout fire it,
 * and the application thread sleeps in {@link #block()} meanwhile. An application thread's hold on
 * virtual time is handed back on the loop before it is woken, so time cannot move between its wake-up
 * and its next call.
 */
final class Readiness {
    private final EventLoop loop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition fired = lock.newCondition();
    private final Timer timeout;
    private boolean signalled;      // guarded by lock
    private boolean armed;          // loop only
    private boolean appWaiter;      // loop only
    private boolean timedOut;       // written on the loop before the signal, read by the waiter after

    Readiness(EventLoop loop) {
        this.loop = loop;
        this.timeout = loop.newTimer(this::expire);
    }

    /** On the loop: the next {@link #fire()} wakes the waiter; {@code timeoutNanos} 0 waits forever. */
    void arm(long timeoutNanos, boolean forAppThread) {
        armed = true;
        appWaiter = forAppThread;
        timedOut = false;
        if (timeoutNanos > 0) {
            timeout.scheduleIn(timeoutNanos);
        }
    }

    /** On the loop: the condition the waiter waits for may hold now. */
    void fire() {
        if (!armed) {
            return;
        }
        armed = false;
        timeout.cancel();
        if (appWaiter) {
            loop.holdTime();
        }
        lock.lock();
        try {
            signalled = true;
            fired.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void expire() {
        if (armed) {
            timedOut = true;
            fire();
        }
    }

    /** On the application thread, after a call that armed this: sleeps until fired. */
    void block() throws java.io.InterruptedIOException {
        boolean app = loop.isAppThread();
        if (app) {
            loop.releaseTime();
        }
        lock.lock();
        try {
            while (!signalled) {
                fired.await();
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (app) {
                loop.holdTime();
            }
            throw new java.io.InterruptedIOException("interrupted while blocked on a socket");
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last wake-up was the timeout. */
    boolean timedOut() {
        return timedOut;
    }
}
