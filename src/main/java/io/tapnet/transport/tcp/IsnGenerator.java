package io.tapnet.transport.tcp;

/**
 * Initial sequence numbers per RFC 6528 section 3: {@code ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey)}, where M is a timer ticking every 4 microseconds (RFC 9293 3.4.1) and F a
 * keyed pseudo-random function, here SipHash-2-4. The ISNs of one 4-tuple thus advance with time
 * (protecting old duplicates of earlier incarnations) while other 4-tuples' ISNs reveal nothing.
 * The clock is the event loop's, so a virtual-time run with a seeded secret is reproducible.
 */
final class IsnGenerator {
    private final SipHash f;

    IsnGenerator(long k0, long k1) {
        this.f = new SipHash(k0, k1);
    }

    long isn(int localAddress, int localPort, int remoteAddress, int remotePort, long nowNanos) {
        long m = nowNanos / 4000; // RFC 9293 3.4.1: the clock increments roughly every 4 us
        long h = f.hash(((long) localAddress << 32) | (remoteAddress & 0xffffffffL),
                ((long) localPort << 16) | remotePort);
        return (m + h) & 0xffffffffL;
    }
}
