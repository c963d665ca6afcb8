package io.tapnet.transport.tcp;

/**
 * The retransmission timer's arithmetic, RFC 6298: smoothed RTT and RTT variance from samples
 * (section 2), the RTO with its lower and upper bounds, and exponential backoff (section 5.5).
 * Karn's rule (section 3) is the sender's job: it only offers samples from segments that were never
 * retransmitted, or samples derived from timestamps, which are unambiguous (RFC 7323 4).
 */
public final class RttEstimator {
    /** RFC 6298 2: alpha = 1/8, beta = 1/4, K = 4. */
    private static final int ALPHA_SHIFT = 3;
    private static final int BETA_SHIFT = 2;
    private static final int K = 4;
    /** RFC 6298 2.4's clock granularity G: our clock is nanoseconds, so take Linux's 1 ms tick. */
    private static final long GRANULARITY = 1_000_000L;

    private final long minRto;
    private final long maxRto;
    private long srtt;
    private long rttvar;
    private long rto;
    private int backoff;
    private boolean hasSample;
    private long latest;

    public RttEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = initialRto;
    }

    /** Folds in one measurement (nanoseconds). */
    public void sample(long rtt) {
        if (rtt < 0) {
            return;
        }
        latest = rtt;
        if (!hasSample) {
            // RFC 6298 2.2: SRTT <- R, RTTVAR <- R/2.
            srtt = rtt;
            rttvar = rtt / 2;
            hasSample = true;
        } else {
            // RFC 6298 2.3: RTTVAR first (with the old SRTT), then SRTT.
            long delta = Math.abs(srtt - rtt);
            rttvar += (delta - rttvar) >> BETA_SHIFT;
            srtt += (rtt - srtt) >> ALPHA_SHIFT;
        }
        rto = clamp(srtt + Math.max(GRANULARITY, K * rttvar));
        backoff = 0;
    }

    private long clamp(long value) {
        return Math.min(maxRto, Math.max(minRto, value));
    }

    /** The timeout to arm now, backoff included. */
    public long rto() {
        return Math.min(maxRto, rto << Math.min(backoff, 30));
    }

    /** RFC 6298 5.5: the timer expired; double the RTO (bounded by the maximum). */
    public void backOff() {
        if (rto() < maxRto) {
            backoff++;
        }
    }

    /** Forgets the backoff once new data is acknowledged (as Linux does with {@code icsk_backoff}). */
    public void resetBackoff() {
        backoff = 0;
    }

    /**
     * RFC 6298 5.7: if the SYN's timer expired and no sample has been taken, the RTO becomes 3 s when
     * data transfer begins.
     */
    public void handshakeTimedOut() {
        if (!hasSample) {
            rto = clamp(Math.max(rto, 3_000_000_000L));
        }
    }

    public int backoffCount() {
        return backoff;
    }

    public boolean hasSample() {
        return hasSample;
    }

    /** Smoothed RTT in nanoseconds, 0 before the first sample. */
    public long srtt() {
        return srtt;
    }

    public long rttvar() {
        return rttvar;
    }

    /** The most recent sample. */
    public long latest() {
        return latest;
    }
}
