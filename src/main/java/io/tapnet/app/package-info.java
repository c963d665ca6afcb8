/**
 * Applications: what runs on the hosts.
 *
 * <h2>On the event loop</h2>
 * {@link io.tapnet.app.Ping} and {@link io.tapnet.app.Traceroute} talk ICMP and UDP to the stack directly,
 * as timers and listeners on the loop.
 *
 * <h2>On sockets</h2>
 * The socket applications are ordinary blocking Java written against {@code java.net} and
 * {@code javax.net} only: {@link io.tapnet.app.EchoServer} and {@link io.tapnet.app.UdpEchoServer}
 * (RFC 862), {@link io.tapnet.app.HttpServer} (RFC 9112, static files through
 * {@link io.tapnet.app.StaticFiles} and handlers), {@link io.tapnet.app.HttpClient} and
 * {@link io.tapnet.app.Netcat}. They never create a socket or a thread themselves: sockets come from the
 * factories they are given, threads from an {@link io.tapnet.app.AppThreads}. The same code therefore
 * runs on the real loopback in tests ({@link io.tapnet.app.AppHost#loopback()}) and on an emulated host
 * ({@link io.tapnet.app.AppHost#of}, whose threads come from {@code EmulatedHost.spawn}).
 *
 * <p>That last point matters in virtual time: the clock stands still while an application thread of the
 * host is runnable, and moves on when it blocks on an emulated socket. So an application on an emulated
 * host must block only on its sockets (not on sleeps or other threads), and must take its threads from
 * the host; the console's interactive {@code nc} is the one exception, and reads the terminal on a thread
 * of its own for that reason.
 *
 * <h2>Services</h2>
 * Servers implement {@link io.tapnet.app.Service}; {@link io.tapnet.app.ServiceLauncher} starts one from
 * its description (a topology's {@code services:}), and {@link io.tapnet.app.RunningServices} keeps those
 * of a network so the console can list and stop them.
 */
package io.tapnet.app;
