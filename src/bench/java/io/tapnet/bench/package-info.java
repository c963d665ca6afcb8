/**
 * Benchmark programs run by {@code scripts/bench}; a separate source tree ({@code src/bench/java}),
 * compiled only by the Maven profile {@code bench} into {@code target/bench-classes}, never part of
 * {@code tapnet.jar}.
 *
 * <ul>
 *   <li>{@link io.tapnet.bench.RouterChainBench}: frames through ten routers in one JVM, in virtual
 *       time: hop-forwards per CPU-second and heap bytes allocated per frame;</li>
 *   <li>{@link io.tapnet.bench.ScaleBench}: build time, heap and sample pings for networks of
 *       thousands of Java hosts;</li>
 *   <li>{@code io.tapnet.bench.jmh}: JMH microbenchmarks of the wire headers and the routing table;</li>
 *   <li>{@link io.tapnet.bench.BenchReport}: the markdown table and JSON of a run, from the
 *       {@link io.tapnet.bench.Samples} lines every measurement prints.</li>
 * </ul>
 *
 * Benchmarks measure and print; they never pass or fail on a time (DESIGN.md, "Testing layers").
 */
package io.tapnet.bench;
