package io.tapnet.app;

import java.util.List;

/** What a ping run saw: probes sent, replies, ICMP errors, and each reply's round-trip time. */
public record PingResult(int transmitted, int received, int errors, int duplicates, List<Long> rttNanos) {
    public boolean success() {
        return received > 0;
    }
}
