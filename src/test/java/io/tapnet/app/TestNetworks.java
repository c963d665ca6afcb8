package io.tapnet.app;

import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import io.tapnet.ip.Ipv4Stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Example topologies built in virtual time, and ping/traceroute run on them as the console does. */
final class TestNetworks {
    static final long SECOND = 1_000_000_000L;

    private TestNetworks() {
    }

    static Network build(String file) {
        Path project = Path.of(System.getProperty("tapnet.project.dir", "."));
        try {
            return NetworkBuilder.of(TopologyLoader.load(project.resolve("topologies").resolve(file)))
                    .virtualTime(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a ping printed and returned. */
    record PingRun(List<String> lines, PingResult result) {
    }

    /** {@code from ping -c count -i 1 -W 2 target}, the target given as a node name or an address. */
    static PingRun ping(Network n, String from, String target, int count) {
        List<String> out = new ArrayList<>();
        Ipv4Stack stack = n.stack(from);
        Ping p = new Ping(stack, n.resolve(target), target, count, SECOND, 2 * SECOND, 56, Ipv4Stack.DEFAULT_TTL,
                out::add);
        PingResult r = n.await(n.call(p::start), (count + 10L) * SECOND);
        return new PingRun(out, r);
    }

    /** What a traceroute printed and returned. */
    record TraceRun(List<String> lines, TracerouteResult result) {
    }

    static TraceRun traceroute(Network n, String from, String target, boolean icmp, int maxHops, long waitNanos) {
        List<String> out = new ArrayList<>();
        Traceroute t = new Traceroute(n.stack(from), n.resolve(target), target, icmp, maxHops, 3, waitNanos, n::nameOf,
                out::add);
        TracerouteResult r = n.await(n.call(t::start), (maxHops + 1L) * (waitNanos + 5 * SECOND));
        return new TraceRun(out, r);
    }
}
