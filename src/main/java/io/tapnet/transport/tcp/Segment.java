package io.tapnet.transport.tcp;

import io.tapnet.wire.TcpOptions;
import io.tapnet.wire.TcpView;

import java.nio.ByteBuffer;

/**
 * An arriving segment, parsed once by {@link TcpLayer} into this reusable holder and handed to the
 * connection or listener it belongs to. Valid only during that call: the payload stays in the
 * frame's buffer and is copied out by the receiver.
 */
final class Segment {
    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;
    long seq;
    long ack;
    int flags;
    int window;
    ByteBuffer buffer;
    int payloadOffset;
    int payloadLength;
    /**
     * For a coalesced segment (a TCP super-frame delivered whole, as GRO does), the payload bytes of
     * each wire segment it stands for; 0 for an ordinary segment.
     */
    int segmentSize;
    final TcpOptions options = new TcpOptions();
    /** Whether the options parsed cleanly; a segment with malformed options keeps none of them. */
    boolean optionsValid;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** SEG.LEN of RFC 9293 3.4: data plus one for SYN and one for FIN. */
    int length() {
        return payloadLength + (has(TcpView.SYN) ? 1 : 0) + (has(TcpView.FIN) ? 1 : 0);
    }

    boolean hasTimestamps() {
        return optionsValid && options.hasTimestamps();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append('[');
        if (has(TcpView.SYN)) {
            sb.append('S');
        }
        if (has(TcpView.FIN)) {
            sb.append('F');
        }
        if (has(TcpView.RST)) {
            sb.append('R');
        }
        if (has(TcpView.PSH)) {
            sb.append('P');
        }
        if (has(TcpView.ACK)) {
            sb.append('.');
        }
        sb.append("] seq ").append(seq).append(" ack ").append(ack).append(" win ").append(window)
                .append(" len ").append(payloadLength);
        return sb.toString();
    }
}
