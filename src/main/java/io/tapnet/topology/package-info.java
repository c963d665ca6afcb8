/**
 * The topology: which nodes a network has and how they are cabled, read from YAML files.
 *
 * <h2>Model</h2>
 * {@link io.tapnet.topology.Topology} holds {@link io.tapnet.topology.NodeSpec}s (with their
 * {@link io.tapnet.topology.InterfaceSpec}s and {@link io.tapnet.topology.RouteSpec}s) and
 * {@link io.tapnet.topology.LinkSpec}s between {@link io.tapnet.topology.Endpoint}s. Everything is an
 * immutable record of plain values: IPv4 addresses are {@code int}, MAC addresses {@code long} (low 48
 * bits), prefixes {@link io.tapnet.topology.Cidr}. The model says what to build; the network builder
 * turns it into running hosts, switches, routers and wires. This package depends on nothing else in
 * tapnet, so it parses its own addresses ({@link io.tapnet.topology.AddressSyntax}).
 *
 * <h2>File format</h2>
 * Shaped after containerlab: a {@code nodes:} mapping and a {@code links:} list of {@code endpoints}.
 * <pre>{@code
 * name: two-subnets
 * nodes:
 *   h1: { kind: host,   ip: 10.0.1.10/24, gateway: 10.0.1.1 }
 *   s1: { kind: switch }
 *   r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
 *   h2: { kind: host,   ip: 10.0.2.10/24, gateway: 10.0.2.1 }
 * links:
 *   - endpoints: [h1, s1]           # s1 gets port p1
 *   - endpoints: ["r1:eth0", s1]    # r1 has two interfaces, so name the one
 *   - endpoints: ["r1:eth1", h2]
 * }</pre>
 * The keys each kind takes, and their defaults, are listed in {@code topologies/README.md}.
 *
 * <h2>Errors</h2>
 * The YAML is composed into a node tree (not constructed into maps) so every value keeps its line and
 * column. Loading happens in three steps, all of which report instead of throwing, so one run lists
 * every problem:
 * <ol>
 *   <li>{@code TopologyReader}: shape (known keys with did-you-mean suggestions, value types) and syntax
 *       of addresses, routes and durations;</li>
 *   <li>{@code LinkResolver}: endpoints to exact interfaces, numbering switch ports {@code p1, p2, ...};</li>
 *   <li>{@link io.tapnet.topology.TopologyValidator}: whether the values make a network (unique names and
 *       addresses, usable host addresses, gateways and next hops on connected subnets, one link per
 *       interface). It runs on the model, so topologies built in code get the same checks; for loaded
 *       files a {@code SourceMap} (by identity) gives each model element back its position.</li>
 * </ol>
 * Problems are {@code file:line:column: message}; where a step cannot read a value it marks the element
 * incomplete so later steps do not report the same mistake again in other words.
 */
package io.tapnet.topology;
