package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.app.Ping;
import io.tapnet.app.PingResult;
import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Link;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Acceptance item 6 of issue 4, in virtual time with Java hosts: faults scheduled in the topology
 * file's {@code events:} (a flapping link, a router stopped and started) show up in a ping running
 * across them as loss exactly while the path is broken and replies as soon as it is whole again; the
 * event log says what happened when it happened; and hundreds of cycles leave nothing behind (frame
 * pool, ARP tables, handler errors).
 */
class EventsTest {
    static final long SECOND = 1_000_000_000L;
    static final long MS = 1_000_000L;

    /** h1 - r1 - r2 - h2, the r1-r2 link with 5 ms of delay each way; {@code events} appended. */
    static String topology(String events) {
        return """
                name: events
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/30 }, routes: ["10.0.2.0/24 via 10.0.12.2"] }
                  r2: { kind: router, interfaces: { eth0: 10.0.12.2/30, eth1: 10.0.2.1/24 }, routes: ["default via 10.0.12.1"] }
                  h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
                links:
                  - endpoints: [h1, "r1:eth0"]
                  - endpoints: ["r1:eth1", "r2:eth0"]
                    delay: 5ms
                  - endpoints: ["r2:eth1", h2]
                events:
                """ + events;
    }

    static Network build(String yaml) throws IOException {
        return NetworkBuilder.of(TopologyLoader.parse(yaml, "events.yaml")).virtualTime(true).seed(1).build();
    }

    /** A log line of an event and the virtual time (since the network was built) at which it was said. */
    record Logged(long atNanos, String line) {
    }

    /** A ping's output lines and result. */
    record PingRun(List<String> lines, PingResult result) {
        /** icmp_seq -> round-trip time in ms, from the "bytes from" lines. */
        Map<Integer, Double> replies() {
            Map<Integer, Double> m = new TreeMap<>();
            Pattern p = Pattern.compile("^\\d+ bytes from [\\d.]+: icmp_seq=(\\d+) ttl=\\d+ time=([\\d.]+) ms$");
            for (String l : lines) {
                Matcher x = p.matcher(l);
                if (x.matches()) {
                    m.put(Integer.parseInt(x.group(1)), Double.parseDouble(x.group(2)));
                }
            }
            return m;
        }
    }

    static PingRun ping(Network n, String from, String to, int count, long intervalNanos) {
        List<String> out = new ArrayList<>();
        Ping p = new Ping(n.stack(from), n.resolve(to), to, count, intervalNanos, 2 * SECOND, 56,
                Ipv4Stack.DEFAULT_TTL, out::add);
        PingResult r = n.await(n.call(p::start), count * intervalNanos + 10 * SECOND);
        return new PingRun(out, r);
    }

    /** The icmp_seq values, 1 to count, of probes sent every interval from time 0 at which {@code up} holds. */
    static List<Integer> expectedReplies(int count, long intervalNanos, LongPredicate up) {
        List<Integer> seqs = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            if (up.test((seq - 1) * intervalNanos)) {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    @Test
    void aFlappingLinkAndARouterRestartShowAsLossAndRecoveryInPingAtTheScheduledTimes() throws IOException {
        String yaml = topology("""
                  - { at: 2s, link: [r1, r2], flap: { every: 2s, cycles: 3 } }
                  - { at: 15s, node: r2, stop: true }
                  - { at: 18s, node: r2, start: true }
                """);
        try (Network n = build(yaml)) {
            long start = n.loop().now();
            List<Logged> log = new ArrayList<>();
            n.setEventLog(line -> log.add(new Logged(n.loop().now() - start, line)));
            assertEquals(3, n.topology().events().size());
            // A look at r2 in the middle of its power cut: stopped, and its neighbours forgotten.
            List<String> duringStop = new ArrayList<>();
            n.loop().newTimer(() -> {
                duringStop.add("stopped=" + n.isStopped("r2"));
                for (IpInterface i : n.stack("r2").interfaces()) {
                    duringStop.add(i.name() + " neighbours=" + i.arp().size() + " carrier=" + i.port().hasCarrier());
                }
            }).scheduleAt(start + 16 * SECOND);

            // ping -i 0.5 -c 44 h2 from h1: 22 seconds, across every event.
            PingRun run = ping(n, "h1", "h2", 44, SECOND / 2);

            // Broken: the link is down in [2, 4), [6, 8) and [10, 12) s, r2 is off in [15, 18) s.
            LongPredicate pathWhole = t -> !(t >= 2 * SECOND && t < 4 * SECOND) && !(t >= 6 * SECOND && t < 8 * SECOND)
                    && !(t >= 10 * SECOND && t < 12 * SECOND) && !(t >= 15 * SECOND && t < 18 * SECOND);
            List<Integer> expected = expectedReplies(44, SECOND / 2, pathWhole);
            Map<Integer, Double> replies = run.replies();
            String output = String.join("\n", run.lines());
            assertEquals(expected, List.copyOf(replies.keySet()), "icmp_seq values answered:\n" + output);
            // = 1-4, 9-12, 17-20, 25-30, 37-44: seq 5-8, 13-16, 21-24 lost to the flaps, 31-36 to the restart.
            assertEquals(List.of(1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20, 25, 26, 27, 28, 29, 30,
                    37, 38, 39, 40, 41, 42, 43, 44), expected);
            for (Map.Entry<Integer, Double> e : replies.entrySet()) {
                // 10 ms across the delayed link and back; the first probe after each outage also
                // waits for ARP across it, up to 20 ms more.
                assertTrue(e.getValue() >= 10.0 && e.getValue() <= 30.0, "icmp_seq=" + e.getKey() + " time=" + e.getValue()
                        + " ms:\n" + output);
            }
            assertEquals(44, run.result().transmitted());
            assertEquals(26, run.result().received());
            assertTrue(output.contains("44 packets transmitted, 26 received, 40% packet loss"), output);

            assertEquals(List.of(
                    new Logged(2 * SECOND, "tapnet: event at 2.000s: link r1 r2 down"),
                    new Logged(4 * SECOND, "tapnet: event at 4.000s: link r1 r2 up"),
                    new Logged(6 * SECOND, "tapnet: event at 6.000s: link r1 r2 down"),
                    new Logged(8 * SECOND, "tapnet: event at 8.000s: link r1 r2 up"),
                    new Logged(10 * SECOND, "tapnet: event at 10.000s: link r1 r2 down"),
                    new Logged(12 * SECOND, "tapnet: event at 12.000s: link r1 r2 up"),
                    new Logged(15 * SECOND, "tapnet: event at 15.000s: node r2 stopped"),
                    new Logged(18 * SECOND, "tapnet: event at 18.000s: node r2 started")), log);

            assertEquals(List.of("stopped=true", "eth0 neighbours=0 carrier=false", "eth1 neighbours=0 carrier=false"),
                    duringStop);

            // The network keeps running after the last event.
            assertTrue(n.link("r1", "r2").isUp());
            assertTrue(!n.isStopped("r2"));
            PingRun after = ping(n, "h2", "h1", 3, SECOND);
            assertEquals(3, after.result().received(), String.join("\n", after.lines()));
            assertEquals(0, n.loop().handlerErrors());
        }
    }

    @Test
    void eventsWithoutFlappingTakeALinkDownAndUpAndChangeItsImpairment() throws IOException {
        String yaml = topology("""
                  - { at: 1s, link: [r1, r2], set: "delay=50ms" }
                  - { at: 3s, link: [r2, r1], down: true }
                  - { at: 5s, link: [r1, r2], up: true }
                """);
        try (Network n = build(yaml)) {
            List<String> log = new ArrayList<>();
            n.setEventLog(log::add);
            PingRun run = ping(n, "h1", "h2", 8, SECOND);
            Map<Integer, Double> replies = run.replies();
            String output = String.join("\n", run.lines());
            assertEquals(List.of(1, 2, 3, 6, 7, 8), List.copyOf(replies.keySet()), output);
            assertEquals(20.0, replies.get(1), 1e-9, "5 ms each way, and r1 resolving r2 first:\n" + output);
            assertEquals(100.0, replies.get(2), 1e-9, "delay=50ms from 1 s on, both ways:\n" + output);
            assertEquals(100.0, replies.get(3), 1e-9, output);
            // The link came back at 5 s and its ARP entries were gone: r1 waits for r2's announcement,
            // sent when the carrier returned, 50 ms across the link.
            assertEquals(150.0, replies.get(6), 1e-9, output);
            assertEquals(100.0, replies.get(7), 1e-9, output);
            assertEquals(100.0, replies.get(8), 1e-9, output);
            assertEquals(List.of("tapnet: event at 1.000s: link r1 r2 set delay=50ms",
                    "tapnet: event at 3.000s: link r2 r1 down",
                    "tapnet: event at 5.000s: link r1 r2 up"), log);
        }
    }

    /**
     * 200 flap cycles of the core link and 20 restarts of r2, with pings both ways the whole time
     * (over 6 000 probes): every probe sent while the path is whole is answered, none sent while it
     * is broken, and the loop ends with as many pooled frames as it needed after the first cycles,
     * small ARP tables, and no errors. The pings from h2 go every 130 ms, out of step with the
     * events, so some of them are on the delayed link when it goes down.
     */
    @Test
    void hundredsOfCyclesLeakNothing() throws IOException {
        StringBuilder events = new StringBuilder("  - { at: 1s, link: [r1, r2], flap: { every: 1s, cycles: 200 } }\n");
        for (int k = 0; k < 20; k++) {
            events.append("  - { at: ").append(401 + 4 * k).append("s, node: r2, stop: true }\n");
            events.append("  - { at: ").append(403 + 4 * k).append("s, node: r2, start: true }\n");
        }
        try (Network n = build(topology(events.toString()))) {
            EventLoop loop = n.loop();
            List<String> log = new ArrayList<>();
            n.setEventLog(log::add);
            long interval = SECOND / 5;
            int count = 2400; // 480 s
            long backInterval = 130 * MS;
            int backCount = 3690;
            List<String> out1 = new ArrayList<>();
            List<String> out2 = new ArrayList<>();
            Ping forward = new Ping(n.stack("h1"), n.resolve("h2"), "h2", count, interval, 2 * SECOND, 56, 64, out1::add);
            Ping back = new Ping(n.stack("h2"), n.resolve("h1"), "h1", backCount, backInterval, 2 * SECOND, 1000, 64,
                    out2::add);
            var f = n.call(forward::start);
            var b = n.call(back::start);

            n.idle(41 * SECOND); // 20 cycles
            long allocatedEarly = loop.pool().allocated();
            PingResult r1 = n.await(f, 500 * SECOND);
            PingResult r2 = n.await(b, 500 * SECOND);

            // Down in [1 + 2k, 2 + 2k) s for k < 200; r2 off in [401 + 4k, 403 + 4k) s for k < 20.
            LongPredicate whole = t -> {
                long s = t / SECOND;
                if (t >= SECOND && t < 401 * SECOND && s % 2 == 1) {
                    return false;
                }
                return !(t >= 401 * SECOND && t < 481 * SECOND && (s - 401) % 4 < 2);
            };
            List<Integer> expected = expectedReplies(count, interval, whole);
            assertEquals(expected, List.copyOf(new PingRun(out1, r1).replies().keySet()));

            // A probe and its reply are on the r1-r2 link within 50 ms of sending (ARP included).
            Map<Integer, Double> backReplies = new PingRun(out2, r2).replies();
            int inFlightLost = 0;
            for (int seq = 1; seq <= backCount; seq++) {
                long t = (seq - 1) * backInterval;
                if (whole.test(t) && whole.test(t + 50 * MS)) {
                    assertTrue(backReplies.containsKey(seq), "h2 icmp_seq=" + seq + " at " + t / 1e9 + " s unanswered");
                } else if (!whole.test(t)) {
                    assertTrue(!backReplies.containsKey(seq), "h2 icmp_seq=" + seq + " at " + t / 1e9 + " s answered");
                } else if (!backReplies.containsKey(seq)) {
                    inFlightLost++;
                }
            }
            assertTrue(inFlightLost > 0, "some probes were caught on the link as it went down");
            System.out.printf("200 flap cycles and 20 restarts: h1 -> h2 %d of %d answered, h2 -> h1 %d of %d answered"
                            + " (%d lost in flight); frame pool %d allocated after 20 cycles, %d at the end, %d retained;"
                            + " %d events logged%n", expected.size(), count, backReplies.size(), backCount, inFlightLost,
                    allocatedEarly, loop.pool().allocated(), loop.pool().retained(), log.size());

            assertEquals(440, log.size());
            assertEquals(0, loop.handlerErrors());
            assertEquals(allocatedEarly, loop.pool().allocated(), "the pool stopped growing after the first cycles");
            assertEquals(loop.pool().allocated(), loop.pool().retained(), "every frame is back in the pool");
            for (Map.Entry<String, Ipv4Stack> e : n.stacks().entrySet()) {
                for (IpInterface i : e.getValue().interfaces()) {
                    assertTrue(i.arp().size() <= 2, e.getKey() + ":" + i.name() + " has " + i.arp().size() + " neighbours");
                }
            }
            Link core = n.link("r1", "r2");
            assertTrue(core.isUp());
            assertEquals(3, ping(n, "h1", "h2", 3, SECOND).result().received());
        }
    }
}
