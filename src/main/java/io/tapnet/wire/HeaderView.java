package io.tapnet.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What every header view shares: the buffer, the absolute offset of the header and the usable length
 * handed to {@code wrap}, and the attach/detach rule that keeps getters from ever throwing.
 *
 * <p>A view is attached to the caller's buffer whenever its fixed header fits; otherwise it is
 * detached and reads a private zero-filled header of the same size, with {@link #wrappedLength()} 0. That scratch
 * header is allocated once per view, never per packet.
 */
public abstract sealed class HeaderView permits EthernetView, ArpView, Ipv4View, IcmpView, PortHeaderView {
    ByteBuffer buffer;
    int offset;
    int wrappedLength;
    private final ByteBuffer detachedHeader;

    HeaderView(int largestFixedHeader) {
        detachedHeader = ByteBuffer.allocate(largestFixedHeader);
        detach();
    }

    /**
     * Attaches to {@code [off, off + len)} if that range lies inside the buffer's limit and holds at
     * least {@code fixedHeader} bytes; otherwise detaches and returns false.
     */
    final boolean attach(ByteBuffer b, int off, int len, int fixedHeader) {
        if (off < 0 || len < fixedHeader || off > b.limit() - len) {
            detach();
            return false;
        }
        assert b.order() == ByteOrder.BIG_ENDIAN : "views need a big-endian buffer (network byte order)";
        buffer = b;
        offset = off;
        wrappedLength = len;
        return true;
    }

    /** Points the view at its zeroed scratch header, so reads see zeros rather than a stale packet. */
    final void detach() {
        for (int i = 0; i < detachedHeader.capacity(); i++) {
            detachedHeader.put(i, (byte) 0);
        }
        buffer = detachedHeader;
        offset = 0;
        wrappedLength = 0;
    }

    /** The buffer the view reads (the caller's after a successful attach, a private scratch otherwise). */
    public final ByteBuffer buffer() {
        return buffer;
    }

    /** Absolute index of the first header byte. */
    public final int offset() {
        return offset;
    }

    /**
     * Usable bytes from {@link #offset()} as given to {@code wrap}; 0 when detached. (Not called
     * {@code length()}: UDP has a field of that name.)
     */
    public final int wrappedLength() {
        return wrappedLength;
    }

    /** False when the last {@code wrap} could not fit the fixed header and the view reads zeros. */
    public final boolean isAttached() {
        return buffer != detachedHeader;
    }

    /** Header length in bytes, as the header itself declares it where it has a length field. */
    public abstract int headerLength();

    /** Absolute index of the first payload byte. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Payload bytes after the header within the wrapped length; never negative. */
    public int payloadLength() {
        return Math.max(0, wrappedLength - headerLength());
    }
}
