package io.tapnet.phy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded, lock-free, allocation-free queue for handing frames between threads (Dmitry Vyukov's
 * bounded MPMC queue): every slot carries a sequence number that says whose turn it is, so producers
 * and consumers claim slots with one compare-and-set each and never block or park one another. Frames
 * that other threads {@linkplain EventLoop#inject inject} reach the loop through it; a lock-based
 * queue made each side park the other under load.
 */
final class BoundedQueue<E> {
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(BoundedQueue.class, "head", long.class);
            TAIL = l.findVarHandle(BoundedQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] sequences;
    private final Object[] elements;
    private final int mask;
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile long head; // next slot to take
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile long tail; // next slot to fill

    /** @param capacity rounded up to a power of two */
    BoundedQueue(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        sequences = new long[size];
        elements = new Object[size];
        mask = size - 1;
        for (int i = 0; i < size; i++) {
            sequences[i] = i;
        }
    }

    /** Adds {@code e}; false when the queue is full. Any thread. */
    boolean offer(E e) {
        long position = (long) TAIL.getVolatile(this);
        while (true) {
            int index = (int) position & mask;
            long sequence = (long) SEQUENCE.getAcquire(sequences, index);
            long difference = sequence - position;
            if (difference == 0) {
                if (TAIL.compareAndSet(this, position, position + 1)) {
                    ELEMENT.set(elements, index, e);
                    SEQUENCE.setRelease(sequences, index, position + 1);
                    return true;
                }
                position = (long) TAIL.getVolatile(this);
            } else if (difference < 0) {
                return false; // the slot still holds an element a full lap behind: full
            } else {
                position = (long) TAIL.getVolatile(this);
            }
        }
    }

    /** Takes the oldest element, or null when the queue is empty. Any thread. */
    @SuppressWarnings("unchecked")
    E poll() {
        long position = (long) HEAD.getVolatile(this);
        while (true) {
            int index = (int) position & mask;
            long sequence = (long) SEQUENCE.getAcquire(sequences, index);
            long difference = sequence - (position + 1);
            if (difference == 0) {
                if (HEAD.compareAndSet(this, position, position + 1)) {
                    E e = (E) ELEMENT.get(elements, index);
                    ELEMENT.set(elements, index, null);
                    SEQUENCE.setRelease(sequences, index, position + mask + 1);
                    return e;
                }
                position = (long) HEAD.getVolatile(this);
            } else if (difference < 0) {
                return null; // not filled yet: empty
            } else {
                position = (long) HEAD.getVolatile(this);
            }
        }
    }

    /** A snapshot; exact only when no other thread is using the queue. */
    boolean isEmpty() {
        return (long) HEAD.getVolatile(this) >= (long) TAIL.getVolatile(this);
    }

    int capacity() {
        return elements.length;
    }
}
