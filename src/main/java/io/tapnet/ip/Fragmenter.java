package io.tapnet.ip;

import io.tapnet.phy.Frame;
import io.tapnet.phy.EventLoop;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Splits a datagram that is too large for a link into fragments (RFC 791 section 3.2, "Fragmentation";
 * RFC 1812 5.2.6 for routers). Each fragment carries a multiple of 8 data bytes except the last; the
 * first keeps every option, later ones only the options whose copied flag is set. A datagram that is
 * itself a fragment keeps its offset base and its more-fragments flag on the last piece.
 */
final class Fragmenter {
    private static final int ETH = EthernetView.HEADER_LENGTH;
    /** RFC 791: the copied flag is the top bit of an option's type. */
    private static final int OPTION_COPIED = 0x80;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;

    private final Ipv4View view = new Ipv4View();
    private final byte[] laterOptions = new byte[40];

    /**
     * Emits the fragments of the datagram in {@code frame} (Ethernet room at the offset, IPv4 header
     * after it) to {@code sink}, each in a new frame from {@code loop}, sized for {@code mtu}. Does not
     * take ownership of {@code frame}. Returns the number of fragments, or 0 if the MTU cannot carry
     * even 8 data bytes.
     */
    int fragment(Frame frame, int mtu, EventLoop loop, Consumer<Frame> sink) {
        ByteBuffer b = frame.buffer();
        int ip = frame.offset() + ETH;
        view.wrap(b, ip, frame.length() - ETH);
        int headerLength = view.headerLength();
        int total = view.totalLength();
        int dataLength = total - headerLength;
        int baseOffset = view.fragmentOffset() * 8;
        boolean lastKeepsMore = view.moreFragments();
        int laterHeaderLength = Ipv4View.MIN_HEADER + copiedOptions(b, ip + Ipv4View.MIN_HEADER, headerLength - Ipv4View.MIN_HEADER);

        int sent = 0;
        int done = 0;
        while (done < dataLength) {
            boolean first = done == 0;
            int hl = first ? headerLength : laterHeaderLength;
            int room = (mtu - hl) & ~7;
            if (room <= 0) {
                return 0;
            }
            int chunk = Math.min(room, dataLength - done);
            boolean last = done + chunk == dataLength;
            Frame f = loop.acquire(ETH + hl + chunk);
            ByteBuffer fb = f.buffer();
            int fip = f.offset() + ETH;
            fb.put(fip, b, ip, Ipv4View.MIN_HEADER);
            if (first) {
                fb.put(fip + Ipv4View.MIN_HEADER, b, ip + Ipv4View.MIN_HEADER, headerLength - Ipv4View.MIN_HEADER);
            } else {
                fb.put(fip + Ipv4View.MIN_HEADER, laterOptions, 0, hl - Ipv4View.MIN_HEADER);
            }
            fb.put(fip + hl, b, ip + headerLength + done, chunk);
            fb.put(fip, (byte) (0x40 | (hl / 4)));
            fb.putShort(fip + 2, (short) (hl + chunk));
            int flags = (view.dontFragment() ? Ipv4View.FLAG_DF : 0) | (last && !lastKeepsMore ? 0 : Ipv4View.FLAG_MF);
            fb.putShort(fip + 6, (short) ((flags << 13) | ((baseOffset + done) / 8)));
            fb.putShort(fip + 10, (short) 0);
            fb.putShort(fip + 10, (short) InternetChecksum.compute(fb, fip, hl));
            f.setLength(ETH + hl + chunk);
            done += chunk;
            sent++;
            sink.accept(f);
        }
        return sent;
    }

    /** Copies the options with the copied flag into {@link #laterOptions}, padded to 4 bytes; returns the length. */
    private int copiedOptions(ByteBuffer b, int at, int length) {
        int n = 0;
        int i = 0;
        while (i < length) {
            int type = b.get(at + i) & 0xff;
            if (type == OPTION_END) {
                break;
            }
            if (type == OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= length) {
                break;
            }
            int optionLength = b.get(at + i + 1) & 0xff;
            if (optionLength < 2 || i + optionLength > length) {
                break;
            }
            if ((type & OPTION_COPIED) != 0) {
                for (int k = 0; k < optionLength; k++) {
                    laterOptions[n++] = b.get(at + i + k);
                }
            }
            i += optionLength;
        }
        while ((n & 3) != 0) {
            laterOptions[n++] = OPTION_END;
        }
        return n;
    }
}
