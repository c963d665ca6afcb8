package io.tapnet.phy;

import java.nio.ByteBuffer;

/**
 * One Ethernet frame (or raw IP packet on a TUN attachment) held in a pooled direct buffer.
 *
 * <p>Ownership moves with the frame: whoever holds a frame either passes it on (to a port, a wire, a
 * queue) or {@link #release() releases} it back to its pool, exactly once. Nodes rewrite headers in
 * place, so a frame is never shared: a switch that floods copies the frame for every egress port but
 * the last.
 *
 * <p>The frame's bytes start at {@link #offset()}; {@link #HEADROOM} bytes before the default offset
 * leave room to prepend headers (an 802.1Q tag, a virtio-net header) without moving the payload.
 *
 * <p>A frame read from a TAP with offloads on may carry {@linkplain #isOffloaded() offload state}:
 * a transport checksum still to complete, or a whole run of TCP segments in one super-frame. Nodes
 * that only forward keep it that way; whatever must see the frame as a wire carries it calls
 * {@link Offload#resolve}.
 */
public final class Frame {
    /** Room in front of the frame for headers added later, such as a 802.1Q tag or a vnet header. */
    public static final int HEADROOM = 64;
    /** Enough for a 9000-byte jumbo frame plus headroom; offloaded segments need a larger pool. */
    public static final int DEFAULT_CAPACITY = 9216 + HEADROOM;

    private final ByteBuffer buffer;
    private final FramePool pool;
    private int offset = HEADROOM;
    private int length;
    /** The port a frame read from a device arrived on; set by device readers, used by the loop. */
    Port ingress;
    /** The link's down count when the frame was sent on it; a frame from before an outage is lost. */
    int linkEpoch;
    /**
     * Offload state, as a virtio-net header describes it (see {@link Offload}): {@code offloadFlags}
     * holds {@link Offload#NEEDS_CSUM}, {@code gsoType} one of {@code Offload.GSO_*}; the offsets are
     * from the frame's first byte. All zero for an ordinary frame.
     */
    int offloadFlags;
    int gsoType;
    int gsoSize;
    int headerLength;
    int csumStart;
    int csumOffset;
    /** Free-list link while the frame sits in its pool. */
    Frame nextFree;
    boolean free;

    Frame(FramePool pool, int capacity) {
        this.pool = pool;
        this.buffer = ByteBuffer.allocateDirect(capacity);
    }

    /** The backing direct buffer; use absolute accessors only. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** Index one past the last byte of the frame. */
    public int end() {
        return offset + length;
    }

    public int capacity() {
        return buffer.capacity();
    }

    public void setLength(int length) {
        if (length < 0 || offset + length > buffer.capacity()) {
            throw new IllegalArgumentException("frame length " + length + " does not fit");
        }
        this.length = length;
    }

    /** Places the frame at {@code offset} with {@code length} bytes. */
    public void set(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buffer.capacity()) {
            throw new IllegalArgumentException("frame bounds " + offset + "+" + length + " do not fit");
        }
        this.offset = offset;
        this.length = length;
    }

    /** Resets the frame to empty at the default offset. */
    public void clear() {
        offset = HEADROOM;
        length = 0;
        ingress = null;
        clearOffload();
    }

    /** Copies {@code other}'s bytes and offload state into this frame at the same offset. */
    public void copyFrom(Frame other) {
        set(other.offset, other.length);
        ByteBuffer src = other.buffer;
        ByteBuffer dst = buffer;
        dst.put(offset, src, other.offset, other.length);
        copyOffload(other);
    }

    /**
     * True if the frame is not yet what a wire would carry: its transport checksum is still to be
     * completed ({@link Offload#NEEDS_CSUM}), or it is a segmentation-offload super-frame that must be
     * cut into MTU-sized segments ({@link #isGso()}). {@link Offload#resolve} makes it so.
     */
    public boolean isOffloaded() {
        return (offloadFlags | gsoType) != 0;
    }

    /** True for a segmentation-offload super-frame: one TCP segment longer than the path's MSS. */
    public boolean isGso() {
        return gsoType != 0;
    }

    /**
     * True if the transport checksum holds only the pseudo-header sum ({@link Offload#NEEDS_CSUM}):
     * the frame was built in this JVM (or handed over by a kernel) and has crossed no wire, so a
     * receiver may take its contents as they are, as Linux does with {@code CHECKSUM_PARTIAL}.
     */
    public boolean needsChecksum() {
        return (offloadFlags & Offload.NEEDS_CSUM) != 0;
    }

    /** The payload bytes per segment of a {@linkplain #isGso() GSO} frame (the MSS), else 0. */
    public int gsoSize() {
        return gsoSize;
    }

    /** Forgets the offload state: the frame is now what a wire would carry. */
    public void clearOffload() {
        offloadFlags = 0;
        gsoType = 0;
        gsoSize = 0;
        headerLength = 0;
        csumStart = 0;
        csumOffset = 0;
    }

    void copyOffload(Frame other) {
        offloadFlags = other.offloadFlags;
        gsoType = other.gsoType;
        gsoSize = other.gsoSize;
        headerLength = other.headerLength;
        csumStart = other.csumStart;
        csumOffset = other.csumOffset;
    }

    public FramePool pool() {
        return pool;
    }

    /** Hands the frame back to its pool; the caller must not touch it afterwards. */
    public void release() {
        pool.recycle(this);
    }

    @Override
    public String toString() {
        return "Frame[" + offset + "+" + length + "]";
    }
}
