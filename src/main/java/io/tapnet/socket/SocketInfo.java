package io.tapnet.socket;

/** One row of {@code NODE sockets}, shaped like a line of {@code ss -tuna}. */
public record SocketInfo(String protocol, String state, int receiveQueue, int sendQueue, String local, String peer) {
}
