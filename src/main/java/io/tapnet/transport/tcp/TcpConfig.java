package io.tapnet.transport.tcp;

import java.time.Duration;

/**
 * Tunables of a {@link TcpLayer}, with defaults that follow Linux where the RFCs leave a choice.
 * Immutable; derive variants with the {@code with...} methods.
 *
 * @param timeWaitNanos          how long TIME_WAIT lasts. RFC 9293 3.3.2 says 2*MSL with MSL two
 *                               minutes; Linux uses a fixed 60 s ({@code TCP_TIMEWAIT_LEN}), the
 *                               default here.
 * @param minRtoNanos            lower bound of the retransmission timeout. RFC 6298 2.4 says 1 s;
 *                               Linux uses 200 ms ({@code TCP_RTO_MIN}), the default here, because
 *                               1 s makes every tail loss on a LAN a one-second stall.
 * @param initialRtoNanos        RTO before any RTT sample, RFC 6298 2.1: 1 s.
 * @param maxRtoNanos            upper bound of the backed-off RTO; RFC 6298 2.5 allows 60 s or
 *                               more, Linux uses 120 s.
 * @param delayedAckNanos        how long an ACK may be delayed. RFC 1122 4.2.3.2 and RFC 5681 4.2
 *                               allow up to 500 ms and require an ACK for every second full-sized
 *                               segment; we ACK every second full-sized segment at once and
 *                               otherwise wait 40 ms, Linux's {@code TCP_DELACK_MIN}.
 * @param sendBufferSize         bytes the application may queue (unacknowledged plus unsent).
 * @param receiveBufferSize      bytes of receive buffer; the advertised window never exceeds the
 *                               free part of it, and out-of-order data is kept inside it.
 *                               Both default to {@link #DEFAULT_BUFFER}.
 * @param initialWindowSegments  initial congestion window, RFC 6928: 10 segments (Linux's default).
 * @param windowScaling          offer the Window Scale option (RFC 7323 2).
 * @param sack                   offer SACK-Permitted (RFC 2018) and use SACK for loss recovery.
 * @param timestamps             offer Timestamps (RFC 7323 3) for RTT measurement and PAWS.
 * @param synRetries             SYN retransmissions before a connect fails (Linux tcp_syn_retries 6).
 * @param synAckRetries          SYN-ACK retransmissions before a half-open connection is dropped
 *                               (Linux tcp_synack_retries 5).
 * @param maxRetransmits         retransmissions of one segment before the connection is aborted
 *                               (RFC 1122 4.2.3.5's R2; Linux tcp_retries2 15).
 * @param keepAliveIdleNanos     idle time before the first keepalive probe, RFC 1122 4.2.3.6:
 *                               no less than two hours by default.
 * @param keepAliveIntervalNanos time between unanswered probes (Linux 75 s).
 * @param keepAliveProbes        unanswered probes before the connection is dropped (Linux 9).
 * @param finWait2TimeoutNanos   how long a connection the application has closed may stay in
 *                               FIN_WAIT_2 (Linux tcp_fin_timeout 60 s).
 * @param synQueueLimit          half-open connections a listener keeps (the SYN queue); beyond it,
 *                               SYN cookies answer (or the SYN is dropped if they are off).
 * @param synCookies             answer SYNs statelessly when the SYN queue is full.
 * @param congestionControl      the congestion controller each connection gets.
 * @param seed                   seeds the ISN secret, SYN-cookie secret and ephemeral ports; null
 *                               for secrets from {@link java.security.SecureRandom}. A seed makes a
 *                               virtual-time run reproduce bit for bit.
 */
public record TcpConfig(long timeWaitNanos, long minRtoNanos, long initialRtoNanos, long maxRtoNanos,
                        long delayedAckNanos, int sendBufferSize, int receiveBufferSize,
                        int initialWindowSegments, boolean windowScaling, boolean sack, boolean timestamps,
                        int synRetries, int synAckRetries, int maxRetransmits, long keepAliveIdleNanos,
                        long keepAliveIntervalNanos, int keepAliveProbes, long finWait2TimeoutNanos,
                        int synQueueLimit, boolean synCookies, CongestionControl.Factory congestionControl,
                        Long seed) {

    /**
     * 1 MiB: what Linux's buffer autotuning reaches for a fast local flow (its ceilings are 4 MiB
     * and 6 MiB). The buffer is the window, and on 64 KiB links 256 KiB held only four segments, too
     * few to keep sender, routers and reader all busy at once. Buffers grow as used (ByteRing), so
     * idle and small connections do not pay for it.
     */
    public static final int DEFAULT_BUFFER = 1024 * 1024;

    public TcpConfig {
        if (sendBufferSize < 1024 || receiveBufferSize < 1024) {
            throw new IllegalArgumentException("buffers must be at least 1 KiB");
        }
        if (receiveBufferSize > (1 << 30)) {
            throw new IllegalArgumentException("receive buffer above 1 GiB (RFC 7323 2.3 window limit)");
        }
        if (minRtoNanos <= 0 || initialRtoNanos < minRtoNanos || maxRtoNanos < initialRtoNanos) {
            throw new IllegalArgumentException("need 0 < minRto <= initialRto <= maxRto");
        }
        if (congestionControl == null) {
            throw new IllegalArgumentException("congestionControl is null");
        }
    }

    public static TcpConfig defaults() {
        return new TcpConfig(seconds(60), millis(200), seconds(1), seconds(120), millis(40),
                DEFAULT_BUFFER, DEFAULT_BUFFER, 10, true, true, true, 6, 5, 15,
                seconds(7200), seconds(75), 9, seconds(60), 256, true, NewReno.FACTORY, null);
    }

    private static long seconds(long s) {
        return Duration.ofSeconds(s).toNanos();
    }

    private static long millis(long ms) {
        return Duration.ofMillis(ms).toNanos();
    }

    public TcpConfig withTimeWait(Duration d) {
        return new TcpConfig(d.toNanos(), minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos, sendBufferSize,
                receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries, synAckRetries,
                maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, finWait2TimeoutNanos,
                synQueueLimit, synCookies, congestionControl, seed);
    }

    public TcpConfig withMinRto(Duration d) {
        return new TcpConfig(timeWaitNanos, d.toNanos(), Math.max(initialRtoNanos, d.toNanos()), maxRtoNanos,
                delayedAckNanos, sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack,
                timestamps, synRetries, synAckRetries, maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos,
                keepAliveProbes, finWait2TimeoutNanos, synQueueLimit, synCookies, congestionControl, seed);
    }

    public TcpConfig withDelayedAck(Duration d) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, d.toNanos(), sendBufferSize,
                receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries, synAckRetries,
                maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, finWait2TimeoutNanos,
                synQueueLimit, synCookies, congestionControl, seed);
    }

    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos, send,
                receive, initialWindowSegments, windowScaling, sack, timestamps, synRetries, synAckRetries,
                maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, finWait2TimeoutNanos,
                synQueueLimit, synCookies, congestionControl, seed);
    }

    public TcpConfig withInitialWindow(int segments) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, segments, windowScaling, sack, timestamps, synRetries,
                synAckRetries, maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes,
                finWait2TimeoutNanos, synQueueLimit, synCookies, congestionControl, seed);
    }

    /** Which options to offer in a SYN: Window Scale, SACK-Permitted, Timestamps. */
    public TcpConfig withOptions(boolean windowScaling, boolean sack, boolean timestamps) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries,
                synAckRetries, maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes,
                finWait2TimeoutNanos, synQueueLimit, synCookies, congestionControl, seed);
    }

    public TcpConfig withRetries(int syn, int synAck, int data) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, syn, synAck,
                data, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes, finWait2TimeoutNanos, synQueueLimit,
                synCookies, congestionControl, seed);
    }

    public TcpConfig withKeepAlive(Duration idle, Duration interval, int probes) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries,
                synAckRetries, maxRetransmits, idle.toNanos(), interval.toNanos(), probes, finWait2TimeoutNanos,
                synQueueLimit, synCookies, congestionControl, seed);
    }

    public TcpConfig withSynQueue(int limit, boolean cookies) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries,
                synAckRetries, maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes,
                finWait2TimeoutNanos, limit, cookies, congestionControl, seed);
    }

    public TcpConfig withCongestionControl(CongestionControl.Factory factory) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries,
                synAckRetries, maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes,
                finWait2TimeoutNanos, synQueueLimit, synCookies, factory, seed);
    }

    public TcpConfig withSeed(long seed) {
        return new TcpConfig(timeWaitNanos, minRtoNanos, initialRtoNanos, maxRtoNanos, delayedAckNanos,
                sendBufferSize, receiveBufferSize, initialWindowSegments, windowScaling, sack, timestamps, synRetries,
                synAckRetries, maxRetransmits, keepAliveIdleNanos, keepAliveIntervalNanos, keepAliveProbes,
                finWait2TimeoutNanos, synQueueLimit, synCookies, congestionControl, seed);
    }
}
