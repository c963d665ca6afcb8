package io.tapnet.phy;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * Native addresses of direct {@link ByteBuffer}s, for passing them to {@link LibC} by address.
 *
 * <p>Java 21 has no public, allocation-free way to read a direct buffer's address
 * ({@code MemorySegment.ofBuffer} is still a preview API there, and reflection on
 * {@code Buffer.address} needs {@code --add-opens}). JNA's {@link Native#getDirectBufferPointer}
 * works everywhere but allocates a {@link Pointer} on every call. So {@link #address} looks each
 * buffer up once and remembers it in an identity table: a hit costs an identity hash, a probe or two
 * and a weak-reference read, and allocates nothing, however many buffers a pool holds. Entries hold
 * their buffer weakly, so the table never keeps a buffer (or its native memory) alive; entries of
 * collected buffers are reused or dropped when the table grows.
 *
 * <p>Lookups are lock-free and safe from any thread; only a miss takes a lock. A frame pool that
 * would rather keep addresses itself can call {@link #lookupAddress} once per buffer and use the
 * {@code long}-address methods of {@link TapDevice} directly.
 *
 * <p>The address is that of index 0 of the buffer (for a slice or duplicate: of its own index 0),
 * independent of position and limit.
 */
public final class LibDirectBuffers {

    private static final int INITIAL_CAPACITY = 1024;

    /** Open addressing with linear probing; length a power of two, at most half full. */
    private static volatile Entry[] table = new Entry[INITIAL_CAPACITY];
    /** Non-null slots in {@link #table}; guarded by the class lock. */
    private static int used;

    private LibDirectBuffers() {}

    private static final class Entry extends WeakReference<ByteBuffer> {
        final int hash;
        final long address;

        Entry(ByteBuffer buffer, int hash, long address) {
            super(buffer);
            this.hash = hash;
            this.address = address;
        }
    }

    /**
     * The native address of {@code buffer}'s index 0; allocation-free after the first call for a
     * given buffer.
     *
     * @throws IllegalArgumentException if the buffer is not direct
     */
    public static long address(ByteBuffer buffer) {
        int hash = hash(buffer);
        Entry[] t = table;
        int mask = t.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Entry e = t[i];
            if (e == null) {
                break;
            }
            if (e.get() == buffer) {
                return e.address;
            }
        }
        return insert(buffer, hash);
    }

    private static synchronized long insert(ByteBuffer buffer, int hash) {
        Entry[] t = table;
        int mask = t.length - 1;
        int free = -1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Entry e = t[i];
            if (e == null) {
                if (free < 0) {
                    free = i;
                }
                break;
            }
            ByteBuffer held = e.get();
            if (held == buffer) {
                return e.address; // another thread inserted it meanwhile
            }
            if (held == null && free < 0) {
                free = i; // a collected buffer's slot: reuse it, the chain stays intact
            }
        }
        long address = lookupAddress(buffer);
        if (t[free] == null) {
            used++;
        }
        t[free] = new Entry(buffer, hash, address);
        if (used * 2 > t.length) {
            rehash(t);
        }
        return address;
    }

    /** Rebuilds the table without the entries of collected buffers, doubling it if still crowded. */
    private static void rehash(Entry[] old) {
        int live = 0;
        for (Entry e : old) {
            if (e != null && e.get() != null) {
                live++;
            }
        }
        int capacity = old.length;
        while (live * 4 > capacity) {
            capacity *= 2;
        }
        Entry[] fresh = new Entry[capacity];
        int mask = capacity - 1;
        for (Entry e : old) {
            if (e != null && e.get() != null) {
                int i = e.hash & mask;
                while (fresh[i] != null) {
                    i = (i + 1) & mask;
                }
                fresh[i] = e;
            }
        }
        used = live;
        table = fresh;
    }

    private static int hash(ByteBuffer buffer) {
        int h = System.identityHashCode(buffer) * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * The native address of {@code buffer}'s index 0, asked of JNA every time (allocates one small
     * object). For callers that store addresses themselves.
     *
     * @throws IllegalArgumentException if the buffer is not direct
     */
    public static long lookupAddress(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("not a direct ByteBuffer: " + buffer);
        }
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
        if (address == 0) {
            throw new IllegalArgumentException("direct ByteBuffer without a native address: " + buffer);
        }
        return address;
    }

    /** Number of slots in use (live or collected); for tests. */
    static synchronized int size() {
        return used;
    }
}
