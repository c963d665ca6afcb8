package io.tapnet.transport;

/**
 * Errors a transport endpoint reports, named after the POSIX errno values applications know them by
 * ({@code ECONNREFUSED}, {@code ECONNRESET}, ...), so that the blocking facade can map each to the
 * {@code java.net} exception an ordinary program expects.
 */
public enum SocketError {
    /** ECONNREFUSED: a RST answered our SYN, or ICMP port/protocol unreachable (RFC 1122 4.2.3.9). */
    CONNECTION_REFUSED("Connection refused"),
    /** ECONNRESET: an acceptable RST arrived on a synchronized connection (RFC 9293 3.10.7.4). */
    CONNECTION_RESET("Connection reset"),
    /** ECONNABORTED: the local side aborted the connection. */
    CONNECTION_ABORTED("Connection aborted"),
    /** ETIMEDOUT: retransmissions or keepalive probes went unanswered (RFC 9293 3.8.3, RFC 1122 4.2.3.5). */
    TIMED_OUT("Connection timed out"),
    /** EHOSTUNREACH: ICMP host unreachable, or ARP gave up on the next hop. */
    HOST_UNREACHABLE("No route to host"),
    /** ENETUNREACH: ICMP net unreachable, or no route when sending. */
    NETWORK_UNREACHABLE("Network is unreachable"),
    /** ECONNREFUSED on a connected UDP endpoint: ICMP port unreachable quoted one of its datagrams. */
    PORT_UNREACHABLE("Port unreachable"),
    /** EMSGSIZE: a datagram does not fit, or ICMP fragmentation needed (RFC 1191). */
    MESSAGE_TOO_LONG("Message too long"),
    /** EADDRINUSE: the local address and port are taken. */
    ADDRESS_IN_USE("Address already in use"),
    /** EADDRNOTAVAIL: the local address is not one of this node's, or no ephemeral port is free. */
    ADDRESS_NOT_AVAILABLE("Cannot assign requested address"),
    /** EACCES: a broadcast send without the broadcast option (SO_BROADCAST). */
    BROADCAST_NOT_ENABLED("Permission denied: broadcast not enabled"),
    /** ENOTCONN: the operation needs a connected endpoint. */
    NOT_CONNECTED("Socket is not connected"),
    /** EISCONN / EALREADY: connect on an endpoint that is connecting or connected. */
    ALREADY_CONNECTED("Socket is already connected"),
    /** EPIPE: writing after shutdownOutput or after the connection ended. */
    BROKEN_PIPE("Broken pipe"),
    /** EBADF: the endpoint is closed. */
    CLOSED("Socket closed"),
    /** EINVAL: the call does not fit the endpoint's state (listen on a connected endpoint, ...). */
    INVALID_STATE("Invalid argument for the socket's state");

    private final String message;

    SocketError(String message) {
        this.message = message;
    }

    /** The text {@code strerror} gives for the errno this stands for. */
    public String message() {
        return message;
    }
}
