package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.app.Traceroute;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.Impairment;
import io.tapnet.phy.Link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Whole networks from the example files in virtual time: faults, recovery, and repeatability. */
class NetworkScenarioTest {
    static final long SECOND = 1_000_000_000L;

    static Network build(String file, long seed) {
        try {
            return NetworkBuilder.of(TopologyLoader.load(Path.of("topologies", file))).virtualTime(true).seed(seed).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PingResult ping(Network n, String from, String to, int count, Consumer<String> out) {
        Ping p = new Ping(n.stack(from), n.resolve(to), to, count, SECOND, 2 * SECOND, 56, Ipv4Stack.DEFAULT_TTL, out);
        return n.await(n.call(p::start), (count + 10L) * SECOND);
    }

    static void traceroute(Network n, String from, String to, boolean icmp, Consumer<String> out) {
        Traceroute t = new Traceroute(n.stack(from), n.resolve(to), to, icmp, 30, 3, 2 * SECOND, n::nameOf, out);
        n.await(n.call(t::start), 200 * SECOND);
    }

    @Test
    void takingALinkDownBreaksPingAndBringingItUpRestoresIt() {
        try (Network n = build("demo.yaml", 1)) {
            List<String> out = new ArrayList<>();
            assertEquals(2, ping(n, "h1", "h4", 2, out::add).received());
            Link core = n.link("r1", "r2");
            core.setUp(false);
            PingResult down = ping(n, "h1", "h4", 3, out::add);
            assertEquals(3, down.transmitted());
            assertEquals(0, down.received());
            assertTrue(n.stack("r1").counters().get("IpOutNoCarrier") >= 3, "r1 had nowhere to send them");
            core.setUp(true);
            PingResult up = ping(n, "h1", "h4", 3, out::add);
            assertEquals(new PingResult(3, 3, 0, 0, List.of(0L, 0L, 0L)), up);
            // Both directions work again, and the other LAN never noticed anything.
            assertEquals(3, ping(n, "h4", "h1", 3, out::add).received());
            assertEquals(3, ping(n, "h3", "h4", 3, out::add).received());
            assertEquals(0, n.loop().handlerErrors());
        }
    }

    @Test
    void aSwitchPortGoingDownCutsOnlyTheHostBehindIt() {
        try (Network n = build("lan.yaml", 1)) {
            n.link("h3", "s1").setUp(false);
            assertEquals(0, ping(n, "h1", "h3", 1, s -> { }).received());
            assertEquals(1, ping(n, "h1", "h2", 1, s -> { }).received());
            n.link("h3", "s1").setUp(true);
            assertEquals(1, ping(n, "h1", "h3", 1, s -> { }).received());
        }
    }

    @Test
    void aStoppedRouterIsLikeAPowerCut() {
        try (Network n = build("router-chain.yaml", 1)) {
            assertEquals(1, ping(n, "h1", "h2", 1, s -> { }).received());
            n.run(() -> n.setNodeRunning("r2", false));
            assertEquals(0, ping(n, "h1", "h2", 2, s -> { }).received());
            n.run(() -> n.setNodeRunning("r2", true));
            assertEquals(2, ping(n, "h1", "h2", 2, s -> { }).received());
        }
    }

    /**
     * A scenario with seeded impairments (delay, jitter that reorders, loss, duplication), link
     * faults, pings and traceroutes, run twice from scratch: the text must be the same to the
     * character, and different for another seed (so the impairments really are in play).
     */
    @Test
    void theSameScenarioPrintsTheSameTextEveryTime() {
        String first = scenario(7);
        String second = scenario(7);
        assertEquals(first, second);
        assertTrue(first.contains("DUP!") || first.contains("packet loss"), first);
        assertNotEquals(first, scenario(8), "the seed must matter");
    }

    static String scenario(long seed) {
        StringBuilder text = new StringBuilder();
        Consumer<String> out = line -> text.append(line).append('\n');
        try (Network n = build("demo.yaml", seed)) {
            n.setEventLog(out);
            Impairment rough = Impairment.builder().delay(Duration.ofMillis(3)).jitter(Duration.ofMillis(2))
                    .loss(0.15).duplicate(0.1).build();
            n.link("r1", "r2").impairBoth(rough);
            n.link("h1", "s1").impairBoth(Impairment.builder().delay(Duration.ofNanos(250_000)).build());
            ping(n, "h1", "h4", 20, out);
            traceroute(n, "h1", "h4", false, out);
            traceroute(n, "h2", "h3", true, out);
            n.link("r2", "s2").setUp(false);
            ping(n, "h1", "h3", 3, out);
            n.link("r2", "s2").setUp(true);
            ping(n, "h3", "h2", 10, out);
            out.accept("now=" + n.loop().now() + " delivered=" + n.loop().delivered() + " errors=" + n.loop().handlerErrors());
            for (var e : n.stacks().entrySet()) {
                out.accept(e.getKey() + " " + e.getValue().counters().snapshot());
            }
            for (var e : n.switches().entrySet()) {
                out.accept(e.getKey() + " flooded=" + e.getValue().flooded() + " forwarded=" + e.getValue().forwarded());
            }
        }
        return text.toString();
    }
}
