package io.tapnet.transport.tcp;

/**
 * A snapshot of one connection, after Linux's {@code struct tcp_info}: for {@code NODE sockets},
 * tests and benchmarks.
 *
 * @param sendMss          segment size we send (peer's MSS and path MTU)
 * @param advertisedMss    the MSS we announced
 * @param cwnd             congestion window in bytes
 * @param ssthresh         slow-start threshold in bytes ({@code Long.MAX_VALUE} until a loss)
 * @param srttNanos        smoothed RTT
 * @param rtoNanos         current retransmission timeout (with backoff)
 * @param sendWindow       the peer's window, scaled
 * @param receiveWindow    the window we last advertised
 * @param segmentsSent     new-data segments sent
 * @param retransmits      segments retransmitted (all causes)
 * @param fastRetransmits  fast retransmits (loss recovery entered)
 * @param timeouts         retransmission timeouts
 * @param sack             SACK negotiated
 * @param timestamps       timestamps negotiated
 * @param sendScale        the peer's window scale shift
 * @param receiveScale     our window scale shift
 * @param congestionControl controller name
 * @param recovery         loss-recovery state (NONE, FAST, SACK, LOSS)
 */
public record TcpInfo(TcpState state, int sendMss, int advertisedMss, long cwnd, long ssthresh, long srttNanos,
                      long rtoNanos, long sendWindow, long receiveWindow, long segmentsSent, long retransmits,
                      long fastRetransmits, long timeouts, boolean sack, boolean timestamps, int sendScale,
                      int receiveScale, String congestionControl, String recovery) {
}
