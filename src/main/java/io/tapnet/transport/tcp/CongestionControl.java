package io.tapnet.transport.tcp;

/**
 * A congestion controller: the policy that sets the congestion window (cwnd) and slow-start
 * threshold (ssthresh), in bytes. The {@link TcpSender} owns the mechanism (loss detection, fast
 * retransmit, SACK-based recovery, RTO) and tells the controller what happened; during NewReno fast
 * recovery the sender also inflates and deflates cwnd itself (RFC 6582 3.2), through
 * {@link #setCwnd}. Implementations: {@link NewReno} (RFC 5681 with RFC 3465 byte counting) and
 * {@link Cubic} (RFC 9438).
 */
public interface CongestionControl {

    /** Makes one controller per connection. */
    @FunctionalInterface
    interface Factory {
        CongestionControl create(int mss, int initialWindowSegments);
    }

    String name();

    long cwnd();

    long ssthresh();

    /** Used by the sender for NewReno window inflation and at the end of recovery. */
    void setCwnd(long bytes);

    /** The sender's segment size changed (path MTU); windows kept in segments scale with it. */
    void setMss(int mss);

    /**
     * New data was acknowledged outside loss recovery.
     *
     * @param ackedBytes   bytes newly acknowledged by this ACK
     * @param cwndLimited  whether the sender was using its whole window; an application-limited
     *                     sender must not grow cwnd (RFC 7661's spirit, Linux's tcp_is_cwnd_limited)
     * @param srtt         smoothed RTT in nanoseconds (0 before a sample)
     */
    void onAck(long ackedBytes, boolean cwndLimited, long now, long srtt);

    /**
     * Loss detected by duplicate ACKs or SACK (fast retransmit): set ssthresh and cwnd to the
     * reduced window (RFC 5681 3.2 step 2, RFC 6675 5 step 4.2, RFC 9438 4.6).
     */
    void onCongestionEvent(long flightSize, long now);

    /** The retransmission timer expired: RFC 5681 3.1 eq. 4 and loss window of one segment. */
    void onRetransmitTimeout(long flightSize, long now);

    /** Loss recovery ended with a full acknowledgment. */
    default void onRecoveryEnd(long flightSize, long now) {
    }
}
