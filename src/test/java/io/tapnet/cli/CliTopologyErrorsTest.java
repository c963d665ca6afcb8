package io.tapnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.IpCommand;
import io.tapnet.testing.LinuxTestNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad topology, given to {@code tapnet run FILE} and {@code tapnet validate FILE}: exit
 * status 2, {@code FILE:LINE:COLUMN: reason} on stderr pointing at the offending text, nothing on
 * stdout, and nothing built. Each file holds a Linux node with a namespace name of its own, and the
 * test checks that no such namespace appears: the file must be rejected before anything is created.
 * Listing namespaces needs no root, so that check runs everywhere.
 */
@Timeout(30)
class CliTopologyErrorsTest {

    @TempDir
    Path tmp;

    /**
     * A valid topology with a Linux node: pc1 - r1 - h1. Each case replaces one piece of it. The
     * placeholder NS becomes a fresh namespace name.
     */
    private static final String VALID = """
            name: bad
            nodes:
              pc1: { kind: linux, netns: NS, ip: 10.88.1.10/24, gateway: 10.88.1.1 }
              r1:
                kind: router
                interfaces:
                  eth0: 10.88.1.1/24
                  eth1: 10.88.2.1/24
                routes:
                  - 10.88.5.0/24 via 10.88.2.10
              h1: { kind: host, ip: 10.88.2.10/24, gateway: 10.88.2.1 }
            links:
              - endpoints: [pc1, "r1:eth0"]
              - endpoints: ["r1:eth1", h1]
            """;

    /**
     * One bad file: the replacement that breaks {@link #VALID}, the text the error must point at (its
     * first occurrence gives the expected line and column; null when given explicitly), and what the
     * message must say.
     */
    record Case(String name, String from, String to, String marker, int line, int column, List<String> reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // Reported where the parser notices it: the ':' of "links:", the line after the unclosed '{'.
                new Case("YAML syntax error", "gateway: 10.88.2.1 }", "gateway: 10.88.2.1", null, 12, 6,
                        List.of("YAML syntax error")),
                new Case("unknown key", "gateway: 10.88.2.1 }", "gatway: 10.88.2.1 }", "gatway", 0, 0,
                        List.of("unknown key 'gatway'", "did you mean 'gateway'?")),
                new Case("unknown kind", "h1: { kind: host", "h1: { kind: bridge", "bridge", 0, 0,
                        List.of("unknown kind 'bridge'", "host, linux, switch, router")),
                new Case("link to unknown node", "[\"r1:eth1\", h1]", "[\"r1:eth1\", h9]", "h9", 0, 0,
                        List.of("unknown node 'h9'", "did you mean 'h1'?")),
                new Case("link to unknown interface", "[pc1, \"r1:eth0\"]", "[pc1, \"r1:eth7\"]", "\"r1:eth7\"", 0, 0,
                        List.of("node 'r1' has no interface 'eth7'", "(interfaces: eth0, eth1)")),
                new Case("interface used twice", "  - endpoints: [\"r1:eth1\", h1]\n",
                        "  - endpoints: [\"r1:eth1\", h1]\n  - endpoints: [h2, 'r1:eth1']\n", "'r1:eth1'", 0, 0,
                        List.of("interface r1:eth1 is already connected")),
                new Case("bad CIDR", "ip: 10.88.2.10/24", "ip: 10.88.2.300/24", "10.88.2.300/24", 0, 0,
                        List.of("300 is out of range 0..255")),
                new Case("duplicate address", "eth0: 10.88.1.1/24", "eth0: 10.88.1.10/24", "10.88.1.10/24\n", 0, 0,
                        List.of("address 10.88.1.10 of r1:eth0 is already assigned to pc1:eth0")),
                new Case("gateway outside every subnet", "gateway: 10.88.2.1 }", "gateway: 10.88.9.1 }", "10.88.9.1", 0, 0,
                        List.of("gateway 10.88.9.1 of node 'h1' is not on any of its subnets")),
                new Case("route next hop not connected", "via 10.88.2.10", "via 10.88.7.1", "10.88.5.0/24 via", 0, 0,
                        List.of("next hop 10.88.7.1", "is not on a subnet")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runAndValidateRejectTheFileWithAPosition(Case c) throws IOException {
        String namespace = LinuxTestNetwork.uniqueNamespace();
        String yaml = VALID.replace("NS", namespace);
        assertTrue(yaml.contains(c.from()), "case does not apply: " + c.from());
        String bad = yaml.replace(c.from(), c.to());
        if (c.name().equals("interface used twice")) {
            bad = bad.replace("links:", "  h2: { kind: host, ip: 10.88.2.11/24 }\nlinks:");
        }
        Path file = tmp.resolve(c.name().replace(' ', '-') + ".yaml");
        Files.writeString(file, bad);
        int[] at = c.marker() == null ? new int[] {c.line(), c.column()} : position(bad, c.marker());
        String where = file + ":" + at[0] + ":" + at[1] + ": ";
        boolean canList = canListNamespaces();

        for (String command : List.of("run", "validate")) {
            CliHarness.Result r = CliHarness.run(command, file.toString());
            String context = "tapnet " + command + " " + c.name() + "\n" + bad + "\n" + r.describe();
            assertEquals(Main.USAGE, r.exitCode(), context);
            List<String> problems = r.stderr().lines().filter(l -> l.startsWith(file + ":")).toList();
            assertEquals(1, problems.size(), "exactly one problem expected: " + context);
            assertTrue(problems.get(0).startsWith(where), "expected " + where + "...: " + context);
            for (String fragment : c.reason()) {
                assertTrue(problems.get(0).contains(fragment), "'" + fragment + "' missing: " + context);
            }
            assertEquals("", r.stdout(), context);
            if (canList) {
                assertFalse(LinuxTestNetwork.namespaceList().contains(namespace),
                        "a rejected file left namespace " + namespace + " behind");
            }
        }
        LinuxTestNetwork.deleteNamespaces(List.of(namespace)); // only if a bug created it
    }

    /**
     * 1-based line and column of the first occurrence of {@code marker} outside the Linux node's line,
     * whose random namespace name could happen to contain it.
     */
    private static int[] position(String text, String marker) {
        int index = text.indexOf(marker);
        while (index >= 0 && lineAt(text, index).contains("netns:")) {
            index = text.indexOf(marker, index + 1);
        }
        assertTrue(index >= 0, marker);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, index - lineStart + 1};
    }

    private static String lineAt(String text, int index) {
        int start = text.lastIndexOf('\n', index) + 1;
        int end = text.indexOf('\n', index);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    private static boolean canListNamespaces() {
        try {
            return IpCommand.ipResult("netns", "list").ok();
        } catch (IOException e) {
            return false;
        }
    }
}
