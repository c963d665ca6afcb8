package io.tapnet.transport.tcp;

/** The connection states of RFC 9293 3.3.2 (Figure 5). */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** RFC 9293 3.5.2: the states after the handshake, where sequence numbers are synchronized. */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal() || this == SYN_RECEIVED;
    }

    /** States in which arriving data is accepted (RFC 9293 3.10.7.4, "seventh, process the segment text"). */
    boolean receivesData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /** States in which the application may still queue data (before its FIN). */
    boolean acceptsWrites() {
        return this == ESTABLISHED || this == CLOSE_WAIT || this == SYN_SENT || this == SYN_RECEIVED;
    }

    /** The lower-case name {@code ss} prints, e.g. {@code ESTAB}, {@code TIME-WAIT}. */
    public String ssName() {
        return switch (this) {
            case ESTABLISHED -> "ESTAB";
            case SYN_RECEIVED -> "SYN-RECV";
            default -> name().replace('_', '-');
        };
    }
}
