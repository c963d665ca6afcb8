package io.tapnet.ip;

/**
 * A token bucket driven by the caller's clock, used to rate-limit ICMP errors as RFC 1812 4.3.2.8
 * asks of routers (Linux defaults: 1000 messages per second, burst 50).
 */
public final class TokenBucket {
    private final long nanosPerToken;
    private final long burst;
    private long tokens;
    private long last;

    public TokenBucket(long perSecond, long burst) {
        this.nanosPerToken = 1_000_000_000L / perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    public boolean take(long now) {
        long earned = (now - last) / nanosPerToken;
        if (earned > 0) {
            tokens = Math.min(burst, tokens + earned);
            last += earned * nanosPerToken;
        }
        if (now - last > burst * nanosPerToken) {
            last = now;
        }
        if (tokens > 0) {
            tokens--;
            return true;
        }
        return false;
    }
}
