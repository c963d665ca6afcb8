package io.tapnet.bench.jmh;

import io.tapnet.ip.Route;
import io.tapnet.ip.RoutingTable;
import io.tapnet.wire.Ipv4Address;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link RoutingTable#lookup} on tables shaped like the ones tapnet builds:
 * <ul>
 *   <li>{@code host}: a connected /24 and a default route (every Java host);</li>
 *   <li>{@code router}: two connected /24s, two /30 transit links and 12 static /24s and a default
 *       (a router in a small topology: three prefix lengths);</li>
 *   <li>{@code core}: the core router of the 100 000-host scale topology: 400 connected /30s, 400
 *       static /24s behind them, a few /16 aggregates and a default (four prefix lengths).</li>
 * </ul>
 * Destinations cycle through 1024 addresses that hit the table's routes in proportion (with a few
 * misses that fall through to the default); the average time per lookup is reported.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingTableBenchmark {

    @Param({"host", "router", "core"})
    public String table;

    private RoutingTable routes;
    private final int[] destinations = new int[1024];
    private int next;

    @Setup
    public void setUp() {
        routes = new RoutingTable();
        SplittableRandom random = new SplittableRandom(42);
        switch (table) {
            case "host" -> {
                add(Ipv4Address.parse("10.0.1.0"), 24);
                add(0, 0);
                for (int i = 0; i < destinations.length; i++) {
                    destinations[i] = (i % 2 == 0 ? Ipv4Address.parse("10.0.1.0") : Ipv4Address.parse("10.9.0.0"))
                            | random.nextInt(256);
                }
            }
            case "router" -> {
                add(Ipv4Address.parse("10.0.1.0"), 24);
                add(Ipv4Address.parse("10.0.2.0"), 24);
                add(Ipv4Address.parse("10.0.12.0"), 30);
                add(Ipv4Address.parse("10.0.23.0"), 30);
                for (int i = 3; i < 15; i++) {
                    add(Ipv4Address.parse("10.0." + i + ".0"), 24);
                }
                add(0, 0);
                for (int i = 0; i < destinations.length; i++) {
                    destinations[i] = Ipv4Address.parse("10.0." + (1 + random.nextInt(16)) + ".0") | random.nextInt(256);
                }
            }
            case "core" -> {
                for (int lan = 0; lan < 400; lan++) {
                    add(Ipv4Address.parse("172.16.0.0") + lan * 4, 30);
                    add(Ipv4Address.parse("10.0.0.0") + (lan << 8), 24);
                }
                for (int agg = 0; agg < 4; agg++) {
                    add(Ipv4Address.parse("10.0.0.0") + (agg << 16) + (100 << 16), 16);
                }
                add(0, 0);
                for (int i = 0; i < destinations.length; i++) {
                    destinations[i] = Ipv4Address.parse("10.0.0.0") + (random.nextInt(420) << 8) + random.nextInt(256);
                }
            }
            default -> throw new IllegalArgumentException("unknown table " + table);
        }
    }

    private void add(int network, int prefixLength) {
        routes.add(new Route(network, prefixLength, 0, null, Route.Origin.STATIC));
    }

    @Benchmark
    public Route lookup() {
        int i = next;
        next = (i + 1) & (destinations.length - 1);
        return routes.lookup(destinations[i]);
    }
}
