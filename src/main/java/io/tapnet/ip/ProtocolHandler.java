package io.tapnet.ip;

import io.tapnet.phy.Frame;
import io.tapnet.wire.Ipv4View;

/** A transport protocol above IPv4 (UDP, TCP) on one node. */
public interface ProtocolHandler {
    /**
     * Takes ownership of a datagram addressed to this node. {@code ip} is wrapped at
     * {@code ipOffset} and valid during the call; the transport header starts at
     * {@code ip.payloadOffset()}.
     */
    void receive(IpInterface in, Frame frame, Ipv4View ip);

    /**
     * True if this handler takes {@linkplain Frame#needsChecksum() offloaded} datagrams as they are:
     * a partial checksum it need not verify and, for TCP, a super-frame that stands for a run of
     * segments (GRO). Handlers that do not (the default) are given wire segments only.
     */
    default boolean acceptsOffloads() {
        return false;
    }
}
