/**
 * TCP per RFC 9293, split the way gVisor's {@code pkg/tcpip/transport/tcp} and Linux split it:
 *
 * <ul>
 *   <li>{@link io.tapnet.transport.tcp.TcpLayer}: demultiplexing (4-tuple, then listeners), RST for
 *       segments nobody wants, port bindings, ISNs (RFC 6528), SYN cookies, ICMP errors;</li>
 *   <li>{@link io.tapnet.transport.tcp.TcpConnection}: the state machine of RFC 9293 3.10, option
 *       negotiation, RFC 5961 checks, delayed-ACK/keepalive/TIME_WAIT timers, segment emission;</li>
 *   <li>{@link io.tapnet.transport.tcp.TcpSender}: send buffer, segmentation, Nagle, retransmission
 *       queue and SACK scoreboard ({@code RetransmitQueue}), NewReno and RFC 6675 recovery, RTO,
 *       persist;</li>
 *   <li>{@link io.tapnet.transport.tcp.TcpReceiver}: reassembly inside the receive buffer, SACK
 *       blocks, window advertisement and silly-window avoidance, delayed-ACK decisions;</li>
 *   <li>{@link io.tapnet.transport.tcp.RttEstimator} (RFC 6298),
 *       {@link io.tapnet.transport.tcp.CongestionControl} with {@link io.tapnet.transport.tcp.NewReno}
 *       and {@link io.tapnet.transport.tcp.Cubic} (RFC 9438), {@link io.tapnet.transport.tcp.SeqNum};</li>
 *   <li>{@link io.tapnet.transport.tcp.TcpEndpoint} and {@link io.tapnet.transport.tcp.TcpListener}:
 *       the non-blocking API the blocking socket facade is built on.</li>
 * </ul>
 *
 * <p>Choices where the RFCs leave room (all in {@link io.tapnet.transport.tcp.TcpConfig}): minimum
 * RTO 200 ms like Linux (RFC 6298 says 1 s); TIME_WAIT 60 s like Linux; delayed ACK at once for every
 * second full-sized segment, else after 40 ms; initial window 10 segments (RFC 6928); SYN cookies when
 * the SYN queue is full (cookie connections carry only MSS); zero windows probed Linux-style with a
 * zero-length segment at SND.UNA - 1; sequence numbers kept as 64-bit stream offsets inside a
 * connection and converted at the wire. Not implemented: urgent data (URG is ignored, data is
 * delivered inline), ECN, D-SACK, RACK, HyStart, F-RTO/Eifel undo of spurious retransmissions, and
 * NextSeg rules 3 and 4 of RFC 6675 (tail losses fall to the RTO).
 *
 * <p>Offloads, as Linux uses them over veth and loopback (on unless the stack's
 * {@link io.tapnet.ip.Ipv4Stack#setSegmentationOffload segmentation offload} is off, and never to
 * this node's own addresses): every segment leaves with a partial checksum
 * ({@code CHECKSUM_PARTIAL}, {@link io.tapnet.phy.Offload#NEEDS_CSUM}), and new data goes out as TSO
 * super-frames of whole MSS segments, up to 64 KiB of datagram and half the congestion window (a
 * coarse stand-in for {@code tcp_tso_autosize}); the tail of the data rides along only where Nagle
 * would send it ({@code tcp_mss_split_point}). Timestamps and SACK blocks repeat on every segment, as
 * on Linux. The retransmission queue holds one record per wire segment, so loss recovery and
 * retransmissions work in MSS units as before. On receipt, a super-frame is taken as one segment
 * (GRO): its checksum is trusted (a link that could corrupt it cuts it into wire segments first),
 * the peer's MSS is estimated from its gso_size, and it is acknowledged at once; the sender grows
 * cwnd for such an ACK as for the ACKs of every second segment it stands for. Routers forward
 * super-frames whole when each segment fits the next MTU and answer "fragmentation needed"
 * otherwise, so path MTU discovery shrinks gso_size with the MSS.
 */
package io.tapnet.transport.tcp;
