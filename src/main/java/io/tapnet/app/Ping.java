package io.tapnet.app;

import io.tapnet.ip.IcmpListener;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.Timer;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.InternetChecksum;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4View;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * ICMP echo (RFC 792) from a Java host, with output shaped like iputils' {@code ping}. Runs on the
 * event loop: probes are sent by a timer, replies arrive through the stack's ICMP listeners, and the
 * result completes when every probe is answered or the last one has timed out.
 */
public final class Ping implements IcmpListener {
    private static int nextIdentifier = 0x7a00;
    /** 65 535 minus the IPv4 and ICMP headers. */
    public static final int MAX_PAYLOAD = 65_507;

    private final Ipv4Stack stack;
    private final int target;
    private final String targetLabel;
    private final int count;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final int payloadSize;
    private final int ttl;
    private final Consumer<String> out;
    private final int identifier;
    private final Timer sendTimer;
    private final Timer finishTimer;
    private final long[] sentAt;
    private final boolean[] answered;
    private final List<Long> rtts = new ArrayList<>();
    private final CompletableFuture<PingResult> result = new CompletableFuture<>();
    private int transmitted;
    private int received;
    private int errors;
    private int duplicates;
    private int outstanding;
    private long startedAt;

    /**
     * @param count         probes to send (1..65535)
     * @param intervalNanos gap between probes
     * @param timeoutNanos  how long to wait for the last reply
     */
    public Ping(Ipv4Stack stack, int target, String targetLabel, int count, long intervalNanos, long timeoutNanos,
                int payloadSize, int ttl, Consumer<String> out) {
        if (count < 1 || count > 65535) {
            throw new IllegalArgumentException("count must be 1..65535");
        }
        if (payloadSize < 8 || payloadSize > MAX_PAYLOAD) {
            throw new IllegalArgumentException("packet size must be 8.." + MAX_PAYLOAD);
        }
        this.stack = stack;
        this.target = target;
        this.targetLabel = targetLabel;
        this.count = count;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
        this.payloadSize = payloadSize;
        this.ttl = ttl;
        this.out = out;
        synchronized (Ping.class) {
            this.identifier = nextIdentifier++ & 0xffff;
        }
        EventLoop loop = stack.loop();
        this.sendTimer = loop.newTimer(this::sendNext);
        this.finishTimer = loop.newTimer(this::finish);
        this.sentAt = new long[count + 1];
        this.answered = new boolean[count + 1];
    }

    public Ping(Ipv4Stack stack, int target, int count, Consumer<String> out) {
        this(stack, target, Ipv4Address.format(target), count, 1_000_000_000L, 2_000_000_000L, 56, Ipv4Stack.DEFAULT_TTL, out);
    }

    /** Starts on the loop; the future completes on the loop. */
    public CompletableFuture<PingResult> start() {
        String dst = Ipv4Address.format(target);
        if (stack.sourceFor(target) == 0) {
            // As iputils: without a route the socket cannot connect, and nothing else is printed.
            out.accept("ping: connect: Network is unreachable");
            result.complete(new PingResult(0, 0, 1, 0, List.of()));
            return result;
        }
        out.accept("PING " + targetLabel + " (" + dst + ") " + payloadSize + "(" + (payloadSize + 28) + ") bytes of data.");
        stack.addIcmpListener(this);
        startedAt = stack.loop().now();
        sendNext();
        return result;
    }

    public CompletableFuture<PingResult> result() {
        return result;
    }

    private void sendNext() {
        if (result.isDone()) {
            return;
        }
        int seq = transmitted + 1;
        int total = Ipv4View.MIN_HEADER + IcmpView.HEADER_LENGTH + payloadSize;
        Frame f = stack.loop().acquire(EthernetView.HEADER_LENGTH + total);
        ByteBuffer b = f.buffer();
        int ipAt = f.offset() + EthernetView.HEADER_LENGTH;
        // Like Linux's default path-MTU "want" mode: DF when the datagram fits, fragments when it does not.
        int flags = total <= stack.mtuFor(target) ? 0x4000 : 0;
        Ipv4Stack.writeIpv4Header(b, ipAt, total, stack.nextIdentification(), flags,
                ttl, Ipv4View.PROTO_ICMP, 0, target);
        int icmpAt = ipAt + Ipv4View.MIN_HEADER;
        b.put(icmpAt, (byte) IcmpView.TYPE_ECHO_REQUEST);
        b.put(icmpAt + 1, (byte) 0);
        b.putShort(icmpAt + 2, (short) 0);
        b.putShort(icmpAt + 4, (short) identifier);
        b.putShort(icmpAt + 6, (short) seq);
        long now = stack.loop().now();
        int data = icmpAt + IcmpView.HEADER_LENGTH;
        b.putLong(data, now);
        for (int i = 8; i < payloadSize; i++) {
            b.put(data + i, (byte) (0x10 + i - 8)); // iputils' fill pattern starts at 0x10
        }
        b.putShort(icmpAt + 2, (short) InternetChecksum.compute(b, icmpAt, IcmpView.HEADER_LENGTH + payloadSize));
        f.setLength(EthernetView.HEADER_LENGTH + total);
        transmitted = seq;
        sentAt[seq] = now;
        outstanding++;
        int sent = stack.send(f);
        if (sent != Ipv4Stack.SENT) {
            outstanding--;
            errors++;
            answered[seq] = true;
            switch (sent) {
                case Ipv4Stack.TOO_BIG -> out.accept("ping: local error: message too long, mtu=" + stack.mtuFor(target));
                case Ipv4Stack.FILTERED -> out.accept("ping: sendmsg: Operation not permitted");
                default -> out.accept("ping: sendmsg: Network is unreachable");
            }
            if (transmitted == count && outstanding == 0) {
                finish();
                return;
            }
        }
        if (transmitted < count) {
            sendTimer.scheduleIn(intervalNanos);
        } else {
            finishTimer.scheduleIn(timeoutNanos);
        }
    }

    @Override
    public boolean onIcmp(Ipv4View ip, IcmpView icmp, long now) {
        if (result.isDone()) {
            return false;
        }
        int type = icmp.type();
        if (type == IcmpView.TYPE_ECHO_REPLY) {
            if (icmp.identifier() != identifier || ip.source() != target) {
                return false;
            }
            int seq = icmp.sequenceNumber();
            if (seq < 1 || seq > transmitted) {
                return true;
            }
            long rtt = now - sentAt[seq];
            String line = (ip.totalLength() - ip.headerLength()) + " bytes from " + Ipv4Address.format(ip.source())
                    + ": icmp_seq=" + seq + " ttl=" + ip.ttl() + " time=" + TimeFormat.millis(rtt) + " ms";
            if (answered[seq]) {
                duplicates++;
                out.accept(line + " (DUP!)");
                return true;
            }
            answered[seq] = true;
            received++;
            outstanding--;
            rtts.add(rtt);
            out.accept(line);
            maybeDone();
            return true;
        }
        if (type != IcmpView.TYPE_DEST_UNREACHABLE && type != IcmpView.TYPE_TIME_EXCEEDED) {
            return false;
        }
        // An error quotes our echo request: IP header, then the first 8 bytes of ICMP.
        ByteBuffer b = ip.buffer();
        int quoted = icmp.payloadOffset();
        int quotedLength = icmp.payloadLength();
        if (quotedLength < 28 || (b.get(quoted + 9) & 0xff) != Ipv4View.PROTO_ICMP || b.getInt(quoted + 16) != target) {
            return false;
        }
        int qIcmp = quoted + (b.get(quoted) & 0x0f) * 4;
        if (qIcmp + 8 > quoted + quotedLength || (b.get(qIcmp) & 0xff) != IcmpView.TYPE_ECHO_REQUEST
                || (b.getShort(qIcmp + 4) & 0xffff) != identifier) {
            return false;
        }
        int seq = b.getShort(qIcmp + 6) & 0xffff;
        if (seq < 1 || seq > transmitted || answered[seq]) {
            return true;
        }
        answered[seq] = true;
        errors++;
        outstanding--;
        out.accept("From " + Ipv4Address.format(ip.source()) + " icmp_seq=" + seq + " " + describeError(icmp));
        maybeDone();
        return true;
    }

    static String describeError(IcmpView icmp) {
        if (icmp.type() == IcmpView.TYPE_TIME_EXCEEDED) {
            return "Time to live exceeded";
        }
        return switch (icmp.code()) {
            case IcmpView.CODE_NET_UNREACHABLE -> "Destination Net Unreachable";
            case IcmpView.CODE_HOST_UNREACHABLE -> "Destination Host Unreachable";
            case IcmpView.CODE_PROTOCOL_UNREACHABLE -> "Destination Protocol Unreachable";
            case IcmpView.CODE_PORT_UNREACHABLE -> "Destination Port Unreachable";
            case IcmpView.CODE_FRAGMENTATION_NEEDED -> "Frag needed and DF set (mtu = " + icmp.nextHopMtu() + ")";
            default -> "Dest Unreachable, Bad Code: " + icmp.code();
        };
    }

    private void maybeDone() {
        if (transmitted == count && outstanding == 0) {
            finishTimer.cancel();
            finish();
        }
    }

    private void finish() {
        if (result.isDone()) {
            return;
        }
        sendTimer.cancel();
        finishTimer.cancel();
        stack.removeIcmpListener(this);
        long elapsed = sentAt[transmitted] - startedAt;
        out.accept("");
        out.accept("--- " + targetLabel + " ping statistics ---");
        int lossPercent = transmitted == 0 ? 0 : (int) ((transmitted - received) * 100L / transmitted);
        out.accept(transmitted + " packets transmitted, " + received + " received"
                + (duplicates > 0 ? ", +" + duplicates + " duplicates" : "")
                + (errors > 0 ? ", +" + errors + " errors" : "")
                + ", " + lossPercent + "% packet loss, time " + elapsed / 1_000_000 + "ms");
        if (!rtts.isEmpty()) {
            double sum = 0;
            double sumSquares = 0;
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long r : rtts) {
                sum += r;
                sumSquares += (double) r * r;
                min = Math.min(min, r);
                max = Math.max(max, r);
            }
            double avg = sum / rtts.size();
            double mdev = Math.sqrt(Math.max(0, sumSquares / rtts.size() - avg * avg));
            out.accept("rtt min/avg/max/mdev = " + TimeFormat.millis3(min) + "/" + TimeFormat.millis3(avg) + "/"
                    + TimeFormat.millis3(max) + "/" + TimeFormat.millis3(mdev) + " ms");
        }
        result.complete(new PingResult(transmitted, received, errors, duplicates, List.copyOf(rtts)));
    }
}
