package io.tapnet.socket;

import io.tapnet.transport.SocketError;
import io.tapnet.transport.TransportException;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

/** Maps transport errors to the java.net exceptions ordinary programs catch. */
final class SocketErrors {
    private SocketErrors() {
    }

    static IOException toIOException(SocketError error) {
        return switch (error) {
            case CONNECTION_REFUSED -> new ConnectException("Connection refused");
            case HOST_UNREACHABLE, NETWORK_UNREACHABLE -> new NoRouteToHostException(error.message());
            case PORT_UNREACHABLE -> new PortUnreachableException(error.message());
            case ADDRESS_IN_USE, ADDRESS_NOT_AVAILABLE -> new BindException(error.message());
            case TIMED_OUT -> new java.net.SocketTimeoutException(error.message());
            default -> new SocketException(error.message());
        };
    }

    static IOException toIOException(TransportException e) {
        IOException io = toIOException(e.error());
        io.initCause(e);
        return io;
    }
}
