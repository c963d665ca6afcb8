package io.tapnet.transport.tcp;

/**
 * SYN cookies (RFC 4987 3.6): when a listener's SYN queue is full, the SYN-ACK's sequence number
 * encodes what the connection needs, so no state is kept until the client's ACK returns it.
 *
 * <p>Layout of the 32-bit cookie ISN, as in Linux's {@code secure_tcp_syn_cookie}: the top 8 bits
 * are a counter of 64-second periods, the low 24 bits a keyed hash of the 4-tuple, the client's ISN
 * and the counter, plus the index of the client's MSS in {@link #MSS_TABLE}. A cookie is valid for
 * {@link #MAX_AGE} periods. Options other than MSS cannot be remembered in 32 bits, so a
 * cookie-born connection runs without window scaling, SACK and timestamps (Linux folds some into
 * the timestamp; we keep it simple and document the cost).
 */
final class SynCookies {
    /** MSS values a cookie can carry (Linux's msstab for IPv4). */
    static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    static final long PERIOD_NANOS = 64_000_000_000L;
    static final int MAX_AGE = 2;

    private final SipHash mac;

    SynCookies(long k0, long k1) {
        this.mac = new SipHash(k0, k1);
    }

    private long hash(int la, int lp, int ra, int rp, long clientIsn, long count) {
        long h = mac.hash(((long) la << 32) | (ra & 0xffffffffL),
                ((long) lp << 48) | ((long) rp << 32) | (clientIsn & 0xffffffffL));
        return mac.hash(h, count);
    }

    /** The cookie ISN for a SYN with sequence number {@code clientIsn} and MSS option {@code mss}. */
    long make(int la, int lp, int ra, int rp, long clientIsn, int mss, long now) {
        int index = 0;
        for (int i = MSS_TABLE.length - 1; i >= 0; i--) {
            if (mss >= MSS_TABLE[i]) {
                index = i;
                break;
            }
        }
        long count = (now / PERIOD_NANOS) & 0xff;
        long h = hash(la, lp, ra, rp, clientIsn, count);
        return ((count << 24) | ((h + index) & 0xffffff)) & 0xffffffffL;
    }

    /**
     * Checks the cookie returned in an ACK ({@code ack - 1}) for a connection whose client ISN was
     * {@code seq - 1}; returns the MSS it encodes, or -1 if it is not a valid recent cookie.
     */
    int check(int la, int lp, int ra, int rp, long clientIsn, long cookie, long now) {
        long count = (cookie >>> 24) & 0xff;
        long current = (now / PERIOD_NANOS) & 0xff;
        long age = (current - count) & 0xff;
        if (age > MAX_AGE) {
            return -1;
        }
        long h = hash(la, lp, ra, rp, clientIsn, count);
        long index = ((cookie & 0xffffff) - h) & 0xffffff;
        if (index >= MSS_TABLE.length) {
            return -1;
        }
        return MSS_TABLE[(int) index];
    }
}
