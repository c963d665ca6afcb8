/**
 * What applications see: java.net-shaped blocking sockets over tapnet's non-blocking TCP and UDP
 * endpoints, and javax.net factories bound to an emulated host.
 *
 * <p>Every socket operation runs on the event loop; the calling thread hands it over with
 * {@code EventLoop.call} and, when the endpoint is not ready, sleeps on a {@code Readiness} that the
 * endpoint's callbacks (or a timeout timer, in the network's own time) fire. Applications run on
 * virtual threads started by {@code EmulatedHost.spawn}; in virtual time the loop does not advance
 * the clock while any of them is runnable, so blocking programs behave the same in virtual time as
 * in real time.
 */
package io.tapnet.socket;
