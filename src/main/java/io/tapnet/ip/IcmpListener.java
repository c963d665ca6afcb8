package io.tapnet.ip;

import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4View;

/**
 * Receives ICMP messages addressed to this node that the stack does not answer itself: echo replies
 * and error messages (destination unreachable, time exceeded). The views are only valid during the
 * call.
 */
public interface IcmpListener {
    /**
     * @param ip   the IPv4 header the message arrived in
     * @param icmp the ICMP message; for errors, the quoted datagram starts at {@code icmp.payloadOffset()}
     * @return true if the message was for this listener and others need not see it
     */
    boolean onIcmp(Ipv4View ip, IcmpView icmp, long now);
}
