package io.tapnet.topology;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.cli.Console;
import io.tapnet.testing.RootRequirement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example in {@code topologies/} is built and answers {@code pingall} with no loss: Java-only
 * examples in virtual time, examples with Linux nodes in real time with their namespaces (as root).
 */
class ExampleTopologiesRunTest {

    static List<Path> javaOnly() throws IOException {
        return examples(false);
    }

    static List<Path> withLinux() throws IOException {
        return examples(true);
    }

    private static List<Path> examples(boolean linux) throws IOException {
        Path dir = Path.of(System.getProperty("tapnet.project.dir", "."), "topologies");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted()
                    .filter(p -> hasLinuxNodes(p) == linux).toList();
        }
    }

    private static boolean hasLinuxNodes(Path file) {
        return TopologyLoader.load(file).nodes().stream().anyMatch(n -> n.kind() == NodeKind.LINUX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaOnly")
    void javaOnlyExampleAnswersPingall(Path file) throws IOException {
        try (Network network = NetworkBuilder.of(TopologyLoader.load(file)).virtualTime(true).build()) {
            assertPingall(network, file);
        }
    }

    @Tag("root")
    @ParameterizedTest(name = "{0}")
    @MethodSource("withLinux")
    @Timeout(120)
    void exampleWithLinuxNodesAnswersPingall(Path file) throws IOException {
        RootRequirement.assumeRoot();
        try (Network network = NetworkBuilder.of(TopologyLoader.load(file)).build()) {
            assertPingall(network, file);
        }
    }

    private static void assertPingall(Network network, Path file) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        boolean ok = new Console(network, new PrintStream(text, true, StandardCharsets.UTF_8)).execute("pingall");
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(ok && out.contains("*** Results: 0% dropped"), file.getFileName() + ":\n" + out);
    }
}
