package io.tapnet.transport;

/**
 * Thrown by the non-blocking endpoint API when a call cannot be carried out (bind to a port in use,
 * write after a reset, ...). Asynchronous errors arrive through the endpoints' {@code onError}
 * callbacks instead; they never surface as exceptions on the event loop's receive path.
 */
public final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final SocketError error;

    public TransportException(SocketError error) {
        super(error.message());
        this.error = error;
    }

    public TransportException(SocketError error, String detail) {
        super(error.message() + ": " + detail);
        this.error = error;
    }

    public SocketError error() {
        return error;
    }
}
