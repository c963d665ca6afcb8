package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every file in {@code topologies/} loads, is documented, and routes every address to every node. */
class ExampleTopologiesTest {

    static Path topologiesDir() {
        Path project = Path.of(System.getProperty("tapnet.project.dir", "."));
        return project.resolve("topologies");
    }

    static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(topologiesDir())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theDocumentedExamplesArePresent() throws IOException {
        Set<String> names = exampleFiles().stream().map(file -> file.getFileName().toString()).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("lan.yaml", "two-subnets.yaml", "router-chain.yaml", "mixed.yaml", "demo.yaml")),
                "found " + names);
    }

    @TestFactory
    Stream<DynamicTest> everyExampleLoads() throws IOException {
        return exampleFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Topology topology = TopologyLoader.load(file);
            assertFalse(topology.nodes().isEmpty());
            assertFalse(topology.links().isEmpty());
            assertEquals(file.getFileName().toString().replace(".yaml", ""), topology.name(),
                    "the name inside the file matches the file name");
            assertTrue(TopologyValidator.problems(topology).isEmpty(), "valid without positions too");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleStartsWithAnExplanatoryComment() throws IOException {
        return exampleFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<String> lines = Files.readAllLines(file);
            long header = lines.stream().takeWhile(line -> line.startsWith("#")).count();
            assertTrue(header >= 3, "a comment header of at least three lines explains the file");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleReachesEveryAddressFromEveryNode() throws IOException {
        return exampleFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            List<String> failures = new Reachability(TopologyLoader.load(file)).failures();
            assertEquals(List.of(), failures);
        }));
    }

    @Test
    void reachabilityCheckCanFail() {
        Topology topology = TopologyLoader.parse("""
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 } }
                  r2: { kind: router, interfaces: { eth0: 10.0.12.2/24, eth1: 10.0.2.1/24 } }
                  h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
                links:
                  - endpoints: [h1, "r1:eth0"]
                  - endpoints: ["r1:eth1", "r2:eth0"]
                  - endpoints: ["r2:eth1", h2]
                """, "no-routes.yaml");
        List<String> failures = new Reachability(topology).failures();
        assertTrue(failures.contains("h1 -> h2 10.0.2.10: no route at r1"), failures.toString());
    }

    @Test
    void demoIsBuiltIn() throws IOException {
        Topology builtin = TopologyLoader.loadBuiltin("demo");
        assertEquals("demo", builtin.name());
        assertTrue(builtin.nodes().stream().noneMatch(node -> node.kind() == NodeKind.LINUX),
                "the demo runs without root, so it has no Linux nodes");
        try (InputStream in = TopologyLoader.class.getResourceAsStream("demo.yaml")) {
            String resource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(Files.readString(topologiesDir().resolve("demo.yaml")), resource,
                    "the built-in demo is a copy of topologies/demo.yaml");
        }
    }

    @Test
    void unknownBuiltinIsRefusedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopologyLoader.loadBuiltin("nope"));
        assertTrue(e.getMessage().contains("demo"), e.getMessage());
    }

    @Test
    void mixedHasTwoLinuxNodesAndAJavaHostBehindRouters() throws IOException {
        Topology mixed = TopologyLoader.load(topologiesDir().resolve("mixed.yaml"));
        assertEquals(List.of("pc1", "pc2"), mixed.nodes().stream().filter(node -> node.kind() == NodeKind.LINUX)
                .map(NodeSpec::name).toList());
        assertEquals(3, mixed.nodes().stream().filter(node -> node.kind() == NodeKind.ROUTER).count());
        assertEquals(NodeKind.HOST, mixed.node("h1").kind());
        for (NodeSpec node : mixed.nodes()) {
            for (Cidr address : node.addresses()) {
                assertTrue(new Cidr(AddressSyntax.parseIpv4("10.77.0.0"), 16).contains(address.address()),
                        node.name() + " " + address + " is in 10.77.0.0/16");
            }
        }
    }
}
