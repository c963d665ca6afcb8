/**
 * UDP (RFC 768): {@link io.tapnet.transport.udp.UdpLayer} demultiplexes by address and port, answers
 * closed ports with ICMP port unreachable (never for broadcasts), hands ICMP errors to the connected
 * endpoint that caused them, and sends with the pseudo-header checksum;
 * {@link io.tapnet.transport.udp.UdpEndpoint} is the non-blocking endpoint with a bounded queue.
 * No fragmentation: a datagram larger than the outgoing MTU fails with MESSAGE_TOO_LONG.
 */
package io.tapnet.transport.udp;
