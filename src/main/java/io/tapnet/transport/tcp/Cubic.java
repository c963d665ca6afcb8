package io.tapnet.transport.tcp;

/**
 * CUBIC, RFC 9438. In congestion avoidance the window follows
 * {@code W_cubic(t) = C * (t - K)^3 + W_max} (section 4.2) from the last congestion event, but never
 * grows slower than the Reno-friendly estimate {@code W_est} (section 4.3); reductions use
 * {@code beta_cubic = 0.7} (section 4.6) and fast convergence (section 4.7). Windows are computed
 * in segments, as the RFC does, and kept in bytes. Slow start is standard (RFC 5681, RFC 3465 with
 * L = 2); HyStart is not implemented.
 */
public final class Cubic implements CongestionControl {
    public static final Factory FACTORY = Cubic::new;

    /** RFC 9438 5: C = 0.4. */
    static final double C = 0.4;
    /** RFC 9438 4.6: beta_cubic = 0.7. */
    static final double BETA = 0.7;
    /** RFC 9438 4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta). */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    /** W_max in segments; 0 until the first congestion event. */
    private double wMax;
    private double k;
    /** Start of the current congestion-avoidance epoch (section 4.2), or -1. */
    private long epochStart = -1;
    /** W_est in segments (section 4.3). */
    private double wEst;
    /** Fractional segments of growth not yet applied to cwnd. */
    private double pending;

    public Cubic(int mss, int initialWindowSegments) {
        this.mss = mss;
        this.cwnd = (long) initialWindowSegments * mss;
    }

    @Override
    public String name() {
        return "cubic";
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

    /** W_cubic(t) of RFC 9438 eq. (1), in segments, t in seconds since the epoch began. */
    double wCubic(double t) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    @Override
    public void onAck(long ackedBytes, boolean cwndLimited, long now, long srtt) {
        if (!cwndLimited) {
            return;
        }
        if (cwnd < ssthresh) {
            cwnd += Math.min(ackedBytes, 2L * mss);
            return;
        }
        double segments = (double) cwnd / mss;
        if (epochStart < 0) {
            epochStart = now;
            // RFC 9438 eq. (2): K = cbrt((W_max - cwnd_epoch) / C), 0 when above W_max.
            k = wMax > segments ? Math.cbrt((wMax - segments) / C) : 0;
            if (wMax < segments) {
                wMax = segments;
            }
            wEst = segments;
        }
        double acked = (double) ackedBytes / mss;
        // RFC 9438 4.3: W_est grows like Reno with alpha_cubic, and with alpha 1 once past W_max.
        double alpha = wEst >= wMax ? 1.0 : ALPHA;
        wEst += alpha * acked / segments;
        double t = (now - epochStart) / 1e9;
        double rtt = srtt > 0 ? srtt / 1e9 : 0.1;
        double growth;
        if (wCubic(t) < wEst) {
            growth = wEst - segments; // Reno-friendly region, section 4.3
        } else {
            // Sections 4.4/4.5: aim at W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd].
            double target = Math.min(Math.max(wCubic(t + rtt), segments), 1.5 * segments);
            growth = (target - segments) / segments * acked;
        }
        if (growth > 0) {
            pending += growth;
            long whole = (long) pending;
            if (whole > 0) {
                pending -= whole;
                cwnd += whole * mss;
            }
        }
    }

    private void reduce() {
        double segments = (double) cwnd / mss;
        epochStart = -1;
        pending = 0;
        // RFC 9438 4.7: fast convergence releases bandwidth to newer flows.
        wMax = segments < wMax ? segments * (1 + BETA) / 2 : segments;
        ssthresh = Math.max((long) (cwnd * BETA), 2L * mss);
    }

    @Override
    public void onCongestionEvent(long flightSize, long now) {
        reduce();
        cwnd = ssthresh; // RFC 9438 4.6
    }

    @Override
    public void onRetransmitTimeout(long flightSize, long now) {
        reduce();
        cwnd = mss; // RFC 9438 4.8: the window restarts from one segment
    }

    double wMax() {
        return wMax;
    }

    double k() {
        return k;
    }
}
