package io.tapnet.app;

import io.tapnet.ip.IcmpListener;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Timer;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Van Jacobson's traceroute from a Java host: probes with growing TTL, each answered by ICMP time
 * exceeded from a router on the way and finally by the destination itself, printed like Linux's
 * {@code traceroute}. UDP probes to ports from 33434 (the default) or ICMP echo probes ({@code -I}).
 */
public final class Traceroute implements IcmpListener {
    /** The traditional first destination port for UDP probes. */
    public static final int BASE_PORT = 33434;
    /** Linux traceroute's default probe size: IP header, UDP header and 32 bytes of data. */
    private static final int PACKET_SIZE = 60;
    private static int nextSourcePort = 40000;

    private final Ipv4Stack stack;
    private final int target;
    private final String targetLabel;
    private final boolean icmpMode;
    private final int maxHops;
    private final int probesPerHop;
    private final long waitNanos;
    private final IntFunction<String> names;
    private final Consumer<String> out;
    private final int sourcePort;
    private final Timer timeout;
    private final CompletableFuture<TracerouteResult> result = new CompletableFuture<>();
    private final List<TracerouteResult.Hop> hops = new ArrayList<>();

    private int ttl;
    private int probeBase;
    private int[] responders;
    private long[] sentAt;
    private long[] rtts;
    private String[] notes;
    private int answered;
    private boolean reached;
    private boolean unreachable;

    public Traceroute(Ipv4Stack stack, int target, String targetLabel, boolean icmpMode, int maxHops, int probesPerHop,
                      long waitNanos, IntFunction<String> names, Consumer<String> out) {
        this.stack = stack;
        this.target = target;
        this.targetLabel = targetLabel;
        this.icmpMode = icmpMode;
        this.maxHops = maxHops;
        this.probesPerHop = probesPerHop;
        this.waitNanos = waitNanos;
        this.names = names;
        this.out = out;
        synchronized (Traceroute.class) {
            this.sourcePort = nextSourcePort++;
            if (nextSourcePort > 60000) {
                nextSourcePort = 40000;
            }
        }
        this.timeout = stack.loop().newTimer(this::hopDone);
    }

    public CompletableFuture<TracerouteResult> start() {
        out.accept("traceroute to " + targetLabel + " (" + Ipv4Address.format(target) + "), " + maxHops
                + " hops max, " + PACKET_SIZE + " byte packets");
        stack.addIcmpListener(this);
        nextHop();
        return result;
    }

    private void nextHop() {
        ttl++;
        responders = new int[probesPerHop];
        sentAt = new long[probesPerHop];
        rtts = new long[probesPerHop];
        notes = new String[probesPerHop];
        answered = 0;
        for (int i = 0; i < probesPerHop; i++) {
            sentAt[i] = stack.loop().now();
            if (!sendProbe(probeBase + i)) {
                out.accept("traceroute: connect: Network is unreachable");
                finish();
                return;
            }
        }
        timeout.scheduleIn(waitNanos);
    }

    private boolean sendProbe(int probe) {
        Frame f = stack.loop().pool().acquire();
        ByteBuffer b = f.buffer();
        int ipAt = f.offset() + EthernetView.HEADER_LENGTH;
        int protocol = icmpMode ? Ipv4View.PROTO_ICMP : Ipv4View.PROTO_UDP;
        int source = stack.sourceFor(target);
        Ipv4Stack.writeIpv4Header(b, ipAt, PACKET_SIZE, stack.nextIdentification(), 0, ttl, protocol, source, target);
        int l4 = ipAt + Ipv4View.MIN_HEADER;
        int dataLength = PACKET_SIZE - Ipv4View.MIN_HEADER - 8;
        for (int i = 0; i < dataLength; i++) {
            b.put(l4 + 8 + i, (byte) (0x40 + i));
        }
        if (icmpMode) {
            b.put(l4, (byte) IcmpView.TYPE_ECHO_REQUEST);
            b.put(l4 + 1, (byte) 0);
            b.putShort(l4 + 2, (short) 0);
            b.putShort(l4 + 4, (short) sourcePort);
            b.putShort(l4 + 6, (short) (probe + 1));
            b.putShort(l4 + 2, (short) InternetChecksum.compute(b, l4, PACKET_SIZE - Ipv4View.MIN_HEADER));
        } else {
            b.putShort(l4, (short) sourcePort);
            b.putShort(l4 + 2, (short) (BASE_PORT + probe));
            b.putShort(l4 + 4, (short) (PACKET_SIZE - Ipv4View.MIN_HEADER));
            b.putShort(l4 + 6, (short) 0);
            int udpLength = PACKET_SIZE - Ipv4View.MIN_HEADER;
            int sum = InternetChecksum.sum(b, l4, udpLength,
                    InternetChecksum.pseudoHeaderSum(source, target, Ipv4View.PROTO_UDP, udpLength));
            int checksum = InternetChecksum.fold(sum);
            b.putShort(l4 + 6, (short) (checksum == 0 ? 0xffff : checksum));
        }
        f.setLength(EthernetView.HEADER_LENGTH + PACKET_SIZE);
        return stack.send(f) == Ipv4Stack.SENT;
    }

    @Override
    public boolean onIcmp(Ipv4View ip, IcmpView icmp, long now) {
        if (result.isDone()) {
            return false;
        }
        int probe = -1;
        boolean fromDestination = false;
        String note = null;
        int type = icmp.type();
        if (type == IcmpView.TYPE_ECHO_REPLY) {
            if (!icmpMode || icmp.identifier() != sourcePort || ip.source() != target) {
                return false;
            }
            probe = icmp.sequenceNumber() - 1;
            fromDestination = true;
        } else if (type == IcmpView.TYPE_TIME_EXCEEDED || type == IcmpView.TYPE_DEST_UNREACHABLE) {
            ByteBuffer b = ip.buffer();
            int q = icmp.payloadOffset();
            if (icmp.payloadLength() < 28 || b.getInt(q + 16) != target) {
                return false;
            }
            int ql4 = q + (b.get(q) & 0x0f) * 4;
            int qProto = b.get(q + 9) & 0xff;
            if (icmpMode) {
                if (qProto != Ipv4View.PROTO_ICMP || (b.getShort(ql4 + 4) & 0xffff) != sourcePort) {
                    return false;
                }
                probe = (b.getShort(ql4 + 6) & 0xffff) - 1;
            } else {
                if (qProto != Ipv4View.PROTO_UDP || (b.getShort(ql4) & 0xffff) != sourcePort) {
                    return false;
                }
                probe = (b.getShort(ql4 + 2) & 0xffff) - BASE_PORT;
            }
            if (type == IcmpView.TYPE_DEST_UNREACHABLE) {
                switch (icmp.code()) {
                    case IcmpView.CODE_PORT_UNREACHABLE -> fromDestination = true;
                    case IcmpView.CODE_PROTOCOL_UNREACHABLE -> { fromDestination = true; note = "!P"; }
                    case IcmpView.CODE_NET_UNREACHABLE -> note = "!N";
                    case IcmpView.CODE_HOST_UNREACHABLE -> note = "!H";
                    case IcmpView.CODE_FRAGMENTATION_NEEDED -> note = "!F-" + icmp.nextHopMtu();
                    default -> note = "!" + icmp.code();
                }
            }
        } else {
            return false;
        }
        int index = probe - probeBase;
        if (index < 0 || index >= probesPerHop || responders[index] != 0) {
            return true;
        }
        responders[index] = ip.source();
        rtts[index] = now - sentAt[index];
        notes[index] = note;
        answered++;
        if (fromDestination) {
            reached = true;
        }
        if (note != null && !fromDestination) {
            unreachable = true;
        }
        if (answered == probesPerHop) {
            timeout.cancel();
            hopDone();
        }
        return true;
    }

    private void hopDone() {
        // Shaped like Linux traceroute: " 2  r2 (10.0.12.2)  0.321 ms  0.310 ms", " 4  * * *".
        StringBuilder line = new StringBuilder(String.format("%2d ", ttl));
        int last = -1;
        List<Integer> hopResponders = new ArrayList<>();
        List<Long> hopRtts = new ArrayList<>();
        for (int i = 0; i < probesPerHop; i++) {
            int r = responders[i];
            hopResponders.add(r);
            hopRtts.add(r == 0 ? -1L : rtts[i]);
            if (r == 0) {
                line.append(" *");
                continue;
            }
            if (r != last) {
                String name = names == null ? null : names.apply(r);
                String addr = Ipv4Address.format(r);
                line.append(' ').append(name == null ? addr : name + " (" + addr + ")");
                last = r;
            }
            line.append("  ").append(TimeFormat.millis3(rtts[i])).append(" ms");
            if (notes[i] != null) {
                line.append(' ').append(notes[i]);
            }
        }
        out.accept(line.toString());
        hops.add(new TracerouteResult.Hop(ttl, List.copyOf(hopResponders), List.copyOf(hopRtts),
                reached));
        probeBase += probesPerHop;
        if (reached || unreachable || ttl >= maxHops) {
            finish();
        } else {
            nextHop();
        }
    }

    private void finish() {
        timeout.cancel();
        stack.removeIcmpListener(this);
        result.complete(new TracerouteResult(List.copyOf(hops), reached));
    }

    public CompletableFuture<TracerouteResult> result() {
        return result;
    }

    @Override
    public String toString() {
        return "traceroute " + Arrays.toString(responders);
    }
}
