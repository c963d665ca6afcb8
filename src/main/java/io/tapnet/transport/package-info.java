/**
 * The transport layer: port demultiplexing, UDP ({@link io.tapnet.transport.udp}) and TCP
 * ({@link io.tapnet.transport.tcp}), each a {@link io.tapnet.ip.ProtocolHandler} of one node's
 * {@link io.tapnet.ip.Ipv4Stack}, with non-blocking endpoints that live on the event loop. Errors
 * are {@link io.tapnet.transport.SocketError}s named after the errno values applications know.
 */
package io.tapnet.transport;
