package io.tapnet.transport.tcp;

/**
 * Reno congestion avoidance as RFC 5681 specifies it, with Appropriate Byte Counting (RFC 3465):
 * slow start grows cwnd by the bytes acknowledged, at most 2*SMSS per ACK (L = 2, RFC 3465 2.2), and
 * congestion avoidance grows it by one SMSS per cwnd of bytes acknowledged (RFC 3465 2.1). The
 * NewReno part, partial acknowledgments during fast recovery (RFC 6582), lives in the sender.
 */
public final class NewReno implements CongestionControl {
    public static final Factory FACTORY = NewReno::new;

    private int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long bytesAcked;

    public NewReno(int mss, int initialWindowSegments) {
        this.mss = mss;
        this.cwnd = (long) initialWindowSegments * mss;
    }

    @Override
    public String name() {
        return "newreno";
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void setCwnd(long bytes) {
        cwnd = Math.max(mss, bytes);
    }

    @Override
    public void setMss(int mss) {
        this.mss = mss;
    }

    @Override
    public void onAck(long ackedBytes, boolean cwndLimited, long now, long srtt) {
        if (!cwndLimited) {
            return;
        }
        if (cwnd < ssthresh) {
            cwnd += Math.min(ackedBytes, 2L * mss); // RFC 3465 2.2, L = 2*SMSS
            return;
        }
        bytesAcked += ackedBytes; // RFC 3465 2.1
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd += mss;
        }
    }

    @Override
    public void onCongestionEvent(long flightSize, long now) {
        ssthresh = Math.max(flightSize / 2, 2L * mss); // RFC 5681 eq. (4)
        cwnd = ssthresh;
        bytesAcked = 0;
    }

    @Override
    public void onRetransmitTimeout(long flightSize, long now) {
        ssthresh = Math.max(flightSize / 2, 2L * mss); // RFC 5681 eq. (4)
        cwnd = mss; // RFC 5681 3.1: the loss window is one segment
        bytesAcked = 0;
    }
}
