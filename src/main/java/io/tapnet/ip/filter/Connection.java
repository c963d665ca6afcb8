package io.tapnet.ip.filter;

import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.TcpView;

/**
 * A tracked connection (a "flow" to {@code conntrack}): its two tuples, what has been seen of it, and
 * when it expires. Created when the first packet of a connection has passed every check (so a dropped
 * packet never opens one), refreshed by every later packet, and forgotten when its timeout runs out.
 */
public final class Connection {

    /** What the tracker knows of a TCP connection, enough to pick the timeout (netfilter's names). */
    public enum TcpState { SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, TIME_WAIT, CLOSE }

    final Tuple original;
    final Tuple reply;
    TcpState tcpState;
    boolean seenReply;
    /** Replied (UDP, ICMP, others) or handshake completed (TCP): not given up when the table is full. */
    boolean assured;
    /** FIN seen: bit 0 from the original side, bit 1 from the reply side. */
    private int finSeen;
    long expiresAt;
    final long createdAt;
    long originalPackets;
    long originalBytes;
    long replyPackets;
    long replyBytes;
    boolean alive = true;
    // Ring of all connections, for sweeping.
    Connection prev;
    Connection next;

    /** The ring's sentinel. */
    Connection() {
        original = null;
        reply = null;
        createdAt = 0;
        prev = this;
        next = this;
    }

    Connection(int protocol, int replyProtocol, int oSrc, int oDst, int oSport, int oDport, int rSrc, int rDst,
               int rSport, int rDport, long now) {
        original = new Tuple(this, false, protocol, oSrc, oDst, oSport, oDport);
        reply = new Tuple(this, true, replyProtocol, rSrc, rDst, rSport, rDport);
        createdAt = now;
    }

    /** Sets the starting state from the first packet and counts it. */
    void start(Packet p, long now, ConnTrackConfig config) {
        if (protocol() == Ipv4View.PROTO_TCP) {
            boolean syn = (p.tcpFlags & TcpView.SYN) != 0 && (p.tcpFlags & TcpView.ACK) == 0;
            // Like nf_conntrack_tcp_loose: a connection seen first mid-stream is picked up as established.
            tcpState = syn ? TcpState.SYN_SENT : TcpState.ESTABLISHED;
        }
        refresh(p, false, now, config);
    }

    /** Counts a packet that passed in one direction and moves the state and deadline on. */
    void refresh(Packet p, boolean replyDirection, long now, ConnTrackConfig config) {
        if (replyDirection) {
            replyPackets++;
            replyBytes += p.length;
        } else {
            originalPackets++;
            originalBytes += p.length;
        }
        long timeout;
        switch (protocol()) {
            case Ipv4View.PROTO_TCP -> {
                if (!p.laterFragment) {
                    tcp(p.tcpFlags, replyDirection);
                }
                timeout = switch (tcpState) {
                    case SYN_SENT -> config.tcpSynSent();
                    case SYN_RECV -> config.tcpSynRecv();
                    case ESTABLISHED -> config.tcpEstablished();
                    case FIN_WAIT -> config.tcpFinWait();
                    case TIME_WAIT -> config.tcpTimeWait();
                    case CLOSE -> config.tcpClose();
                };
            }
            case Ipv4View.PROTO_UDP -> {
                if (replyDirection) {
                    seenReply = true;
                    assured = true;
                }
                timeout = assured ? config.udpAssured() : config.udp();
            }
            case Ipv4View.PROTO_ICMP -> {
                if (replyDirection) {
                    seenReply = true;
                    assured = true;
                }
                timeout = config.icmp();
            }
            default -> {
                if (replyDirection) {
                    seenReply = true;
                    assured = true;
                }
                timeout = config.other();
            }
        }
        expiresAt = now + timeout;
    }

    private void tcp(int flags, boolean replyDirection) {
        boolean syn = (flags & TcpView.SYN) != 0;
        boolean ack = (flags & TcpView.ACK) != 0;
        if ((flags & TcpView.RST) != 0) {
            tcpState = TcpState.CLOSE;
            return;
        }
        if (!replyDirection) {
            if (syn && !ack && (tcpState == TcpState.CLOSE || tcpState == TcpState.TIME_WAIT)) {
                // The port pair is being reused for a new connection.
                tcpState = TcpState.SYN_SENT;
                seenReply = false;
                assured = false;
                finSeen = 0;
                return;
            }
            if (tcpState == TcpState.SYN_RECV && ack && !syn) {
                tcpState = TcpState.ESTABLISHED;
                assured = true;
            }
        } else {
            seenReply = true;
            if (syn && ack && tcpState == TcpState.SYN_SENT) {
                tcpState = TcpState.SYN_RECV;
            } else if (!syn && ack && tcpState == TcpState.ESTABLISHED) {
                assured = true; // a connection picked up mid-stream, now answered
            }
        }
        if ((flags & TcpView.FIN) != 0) {
            finSeen |= replyDirection ? 2 : 1;
        }
        if (finSeen != 0 && (tcpState == TcpState.ESTABLISHED || tcpState == TcpState.SYN_RECV
                || tcpState == TcpState.FIN_WAIT)) {
            tcpState = finSeen == 3 ? TcpState.TIME_WAIT : TcpState.FIN_WAIT;
        }
    }

    public Tuple original() {
        return original;
    }

    public Tuple reply() {
        return reply;
    }

    /** The IP protocol number. */
    public int protocol() {
        return original.protocol & 0xff;
    }

    /** The TCP state, or null for other protocols. */
    public TcpState tcpState() {
        return tcpState;
    }

    public boolean seenReply() {
        return seenReply;
    }

    public boolean assured() {
        return assured;
    }

    /** When the entry expires unless another packet refreshes it (loop time, nanoseconds). */
    public long expiresAt() {
        return expiresAt;
    }

    public long remainingNanos(long now) {
        return Math.max(0, expiresAt - now);
    }

    /** The source was rewritten: replies are not addressed to the original sender. */
    public boolean isSourceNat() {
        return reply.destination != original.source || reply.destinationPort != original.sourcePort;
    }

    /** The destination was rewritten: replies do not come from the original destination. */
    public boolean isDestinationNat() {
        return reply.source != original.destination || reply.sourcePort != original.destinationPort;
    }

    public long packets(boolean replyDirection) {
        return replyDirection ? replyPackets : originalPackets;
    }

    public long bytes(boolean replyDirection) {
        return replyDirection ? replyBytes : originalBytes;
    }

    /** One line as {@code conntrack -L} prints it, with the seconds left. */
    public String describe(long now) {
        int proto = protocol();
        String name = switch (proto) {
            case Ipv4View.PROTO_TCP -> "tcp";
            case Ipv4View.PROTO_UDP -> "udp";
            case Ipv4View.PROTO_ICMP -> "icmp";
            default -> "unknown";
        };
        long seconds = (remainingNanos(now) + 999_999_999L) / 1_000_000_000L;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s %-2d %d ", name, proto, seconds));
        if (tcpState != null) {
            sb.append(tcpState).append(' ');
        }
        sb.append(original.describe()).append(" packets=").append(originalPackets).append(" bytes=").append(originalBytes);
        if (!seenReply) {
            sb.append(" [UNREPLIED]");
        }
        sb.append(' ').append(reply.describe()).append(" packets=").append(replyPackets).append(" bytes=").append(replyBytes);
        if (assured) {
            sb.append(" [ASSURED]");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe(expiresAt);
    }
}
