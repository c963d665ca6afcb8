package io.tapnet.app;

/**
 * A server that runs in the background on a host until it is closed: what the console's
 * {@code NODE http serve} and {@code NODE echo serve} and a topology's {@code services:} start.
 */
public interface Service extends AutoCloseable {

    /** What it serves: {@code http}, {@code echo}. */
    String kind();

    /** {@code tcp} or {@code udp}. */
    String protocol();

    /** The port it is bound to (the real one when it was asked for port 0). */
    int port();

    /** Whether it still accepts work; false once closed or once its socket failed. */
    boolean isRunning();

    /** One line for people, e.g. {@code http :80/tcp serving /srv/www (3 connections)}. */
    String describe();

    /** Stops accepting, closes open connections, and returns without waiting for the threads to end. */
    @Override
    void close();
}
