package io.tapnet.ip.filter;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Size and timeouts of a connection-tracking table. An entry lives for the timeout of its state
 * after the last packet that refreshed it; the defaults follow Linux's {@code nf_conntrack} where the
 * brief does not say otherwise (TCP established is 300 s here, not Linux's five days, so that idle
 * entries of an emulation go away in a reasonable time).
 *
 * <table>
 *   <caption>States and default timeouts</caption>
 *   <tr><th>key</th><th>state</th><th>default</th></tr>
 *   <tr><td>tcp-syn-sent</td><td>SYN seen, no answer yet</td><td>120 s</td></tr>
 *   <tr><td>tcp-syn-recv</td><td>SYN and SYN-ACK seen</td><td>60 s</td></tr>
 *   <tr><td>tcp-established</td><td>handshake done (or picked up mid-stream)</td><td>300 s</td></tr>
 *   <tr><td>tcp-fin-wait</td><td>a FIN seen from one side</td><td>120 s</td></tr>
 *   <tr><td>tcp-time-wait</td><td>FINs seen from both sides</td><td>120 s</td></tr>
 *   <tr><td>tcp-close</td><td>RST seen</td><td>10 s</td></tr>
 *   <tr><td>udp</td><td>no reply yet</td><td>30 s</td></tr>
 *   <tr><td>udp-assured</td><td>replied</td><td>120 s</td></tr>
 *   <tr><td>icmp</td><td>echo and other queries</td><td>30 s</td></tr>
 *   <tr><td>other</td><td>any other protocol</td><td>600 s</td></tr>
 * </table>
 *
 * @param maxEntries most connections tracked at once; a new connection beyond it is dropped (after
 *                   expired entries and one unreplied entry have been given up to make room)
 */
public record ConnTrackConfig(int maxEntries, long tcpSynSent, long tcpSynRecv, long tcpEstablished,
                              long tcpFinWait, long tcpTimeWait, long tcpClose, long udp, long udpAssured,
                              long icmp, long other) {

    private static final long S = TimeUnit.SECONDS.toNanos(1);

    /** Linux's common {@code nf_conntrack_max} for a small machine. */
    public static final int DEFAULT_MAX_ENTRIES = 65_536;

    public static final ConnTrackConfig DEFAULT = new ConnTrackConfig(DEFAULT_MAX_ENTRIES,
            120 * S, 60 * S, 300 * S, 120 * S, 120 * S, 10 * S, 30 * S, 120 * S, 30 * S, 600 * S);

    /** The timeout keys, as topology files write them ({@code conntrack: { udp: 5s }}). */
    public static final List<String> TIMEOUT_KEYS = List.of("tcp-syn-sent", "tcp-syn-recv", "tcp-established",
            "tcp-fin-wait", "tcp-time-wait", "tcp-close", "udp", "udp-assured", "icmp", "other");

    public ConnTrackConfig {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the connection table must hold at least 1 entry, not " + maxEntries);
        }
        for (long t : new long[] {tcpSynSent, tcpSynRecv, tcpEstablished, tcpFinWait, tcpTimeWait, tcpClose,
                udp, udpAssured, icmp, other}) {
            if (t <= 0) {
                throw new IllegalArgumentException("connection timeouts must be longer than zero");
            }
        }
    }

    public ConnTrackConfig withMaxEntries(int max) {
        return new ConnTrackConfig(max, tcpSynSent, tcpSynRecv, tcpEstablished, tcpFinWait, tcpTimeWait, tcpClose,
                udp, udpAssured, icmp, other);
    }

    /** This configuration with the timeout named {@code key} (one of {@link #TIMEOUT_KEYS}) set to {@code nanos}. */
    public ConnTrackConfig withTimeout(String key, long nanos) {
        long[] t = {tcpSynSent, tcpSynRecv, tcpEstablished, tcpFinWait, tcpTimeWait, tcpClose, udp, udpAssured,
                icmp, other};
        int i = TIMEOUT_KEYS.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("no connection timeout '" + key + "' (timeouts: "
                    + String.join(", ", TIMEOUT_KEYS) + ")");
        }
        t[i] = nanos;
        return new ConnTrackConfig(maxEntries, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]);
    }

    /** Every timeout set to {@code nanos}: handy for tests that watch entries expire. */
    public ConnTrackConfig withAllTimeouts(long nanos) {
        return new ConnTrackConfig(maxEntries, nanos, nanos, nanos, nanos, nanos, nanos, nanos, nanos, nanos, nanos);
    }

    /** The timeout named {@code key}. */
    public long timeout(String key) {
        long[] t = {tcpSynSent, tcpSynRecv, tcpEstablished, tcpFinWait, tcpTimeWait, tcpClose, udp, udpAssured,
                icmp, other};
        int i = TIMEOUT_KEYS.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("no connection timeout '" + key + "'");
        }
        return t[i];
    }
}
