package io.tapnet.testing;

import io.tapnet.phy.IpCommand;
import io.tapnet.phy.LinuxNamespace;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Topologies with Linux nodes for root tests, with names that cannot collide with another run: every
 * namespace is {@code tnt-XXXXXX} (six random characters) and every MAC address carries a random tag,
 * so a leaked device can be recognised by its address even after the kernel renamed it.
 * {@link #close()} deletes the namespaces (by name) whatever the test did.
 *
 * <p>Addresses are 10.77.x.y; they live only inside the emulated network and the namespaces
 * created here.
 */
public final class LinuxTestNetwork implements AutoCloseable {

    /** The mixed topology's addresses, named after what they are. */
    public static final String PC1 = "10.77.1.10";
    public static final String PC2 = "10.77.3.20";
    public static final String H1 = "10.77.2.10";
    public static final String R1_ETH0 = "10.77.1.1";
    public static final String R1_ETH1 = "10.77.12.1";
    public static final String R2_ETH0 = "10.77.12.2";
    public static final String R2_ETH1 = "10.77.23.2";
    public static final String R2_ETH2 = "10.77.2.1";
    public static final String R3_ETH0 = "10.77.23.3";
    public static final String R3_ETH1 = "10.77.3.1";

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String ns1 = uniqueNamespace();
    private final String ns2 = uniqueNamespace();
    private final int tag = ThreadLocalRandom.current().nextInt(1 << 16);

    /** A namespace name no other run uses: {@code tnt-} and six random characters. */
    public static String uniqueNamespace() {
        StringBuilder sb = new StringBuilder("tnt-");
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Namespace of pc1. */
    public String ns1() {
        return ns1;
    }

    /** Namespace of pc2. */
    public String ns2() {
        return ns2;
    }

    public List<String> namespaces() {
        return List.of(ns1, ns2);
    }

    /** The MAC of interface {@code iface} of the {@code node}-th node, tagged with this run's random tag. */
    public String mac(int node, int iface) {
        return String.format("02:%02x:%02x:00:%02x:%02x", tag >>> 8, tag & 0xff, node, iface);
    }

    /** MACs of pc1 and pc2, the ones the kernel's TAP devices carry. */
    public List<String> linuxMacs() {
        return List.of(mac(1, 0), mac(7, 0));
    }

    /**
     * Like {@code topologies/mixed.yaml}: pc1 (Linux) - r1 - r2 - r3 - pc2 (Linux), with the Java host h1
     * on r2's third interface. With {@code switchBeforeR1}, pc1 reaches r1 through a learning switch s1.
     */
    public String mixedYaml(String name, boolean switchBeforeR1) {
        return """
                name: %s
                nodes:
                  pc1: { kind: linux, netns: %s, ip: 10.77.1.10/24, gateway: 10.77.1.1, mac: "%s" }
                %s
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.1.1/24, mac: "%s" }
                      eth1: { ip: 10.77.12.1/24, mac: "%s" }
                    routes:
                      - default via 10.77.12.2
                  r2:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.12.2/24, mac: "%s" }
                      eth1: { ip: 10.77.23.2/24, mac: "%s" }
                      eth2: { ip: 10.77.2.1/24, mac: "%s" }
                    routes:
                      - 10.77.1.0/24 via 10.77.12.1
                      - 10.77.3.0/24 via 10.77.23.3
                  h1: { kind: host, ip: 10.77.2.10/24, gateway: 10.77.2.1, mac: "%s" }
                  r3:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.23.3/24, mac: "%s" }
                      eth1: { ip: 10.77.3.1/24, mac: "%s" }
                    routes:
                      - default via 10.77.23.2
                  pc2: { kind: linux, netns: %s, ip: 10.77.3.20/24, gateway: 10.77.3.1, mac: "%s" }
                links:
                %s
                  - endpoints: ["r1:eth1", "r2:eth0"]
                  - endpoints: ["r2:eth2", h1]
                  - endpoints: ["r2:eth1", "r3:eth0"]
                  - endpoints: ["r3:eth1", pc2]
                """.formatted(name, ns1, mac(1, 0),
                switchBeforeR1 ? "  s1: { kind: switch }" : "",
                mac(2, 0), mac(2, 1), mac(3, 0), mac(3, 1), mac(3, 2), mac(4, 0), mac(5, 0), mac(5, 1),
                ns2, mac(7, 0),
                switchBeforeR1 ? "  - endpoints: [pc1, s1]\n  - endpoints: [\"r1:eth0\", s1]"
                        : "  - endpoints: [pc1, \"r1:eth0\"]");
    }

    /** The smallest routed network of two Linux hosts: pc1 - r1 - pc2. */
    public String twoLinuxHostsYaml(String name) {
        return """
                name: %s
                nodes:
                  pc1: { kind: linux, netns: %s, ip: 10.77.1.10/24, gateway: 10.77.1.1, mac: "%s" }
                  r1:
                    kind: router
                    interfaces:
                      eth0: { ip: 10.77.1.1/24, mac: "%s" }
                      eth1: { ip: 10.77.3.1/24, mac: "%s" }
                  pc2: { kind: linux, netns: %s, ip: 10.77.3.20/24, gateway: 10.77.3.1, mac: "%s" }
                links:
                  - endpoints: [pc1, "r1:eth0"]
                  - endpoints: ["r1:eth1", pc2]
                """.formatted(name, ns1, mac(1, 0), mac(2, 0), mac(2, 1), ns2, mac(7, 0));
    }

    /** Runs {@code argv} in namespace {@code ns} ({@code ip netns exec}) and returns whatever it returned. */
    public static IpCommand.Result exec(String ns, Duration timeout, String... argv) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(List.of(argv));
        try {
            return IpCommand.run(command, timeout);
        } catch (IOException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** {@code ping -c count -i 0.2 -W 2 target} inside {@code ns}; returns the packets received. */
    public static PingOutcome ping(String ns, int count, String target) {
        IpCommand.Result r = exec(ns, Duration.ofSeconds(20), "ping", "-n", "-c", Integer.toString(count),
                "-i", "0.2", "-W", "2", target);
        return new PingOutcome(received(r.stdout()), r.stdout() + r.stderr());
    }

    /** What a kernel ping did: replies received and its whole output, for messages. */
    public record PingOutcome(int received, String output) {}

    private static final Pattern RECEIVED = Pattern.compile("(\\d+) (?:packets )?received");

    /** The "N received" of a ping summary, or -1 if there is none. */
    public static int received(String pingOutput) {
        Matcher m = RECEIVED.matcher(pingOutput);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static final Pattern HOP = Pattern.compile("^\\s*(\\d+)\\s+(.*)$");

    /**
     * The hops a traceroute printed, in order: for each numbered line, the first address on it (or
     * {@code *} if no probe was answered). Works for Linux's {@code traceroute -n} and for tapnet's.
     */
    public static List<String> tracerouteHops(String output) {
        List<String> hops = new ArrayList<>();
        Pattern address = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
        List<String> lines = List.of(output.split("\n"));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("traceroute to ")) {
                header = i;
                break;
            }
        }
        // The hop lines follow the "traceroute to" header; anything else (a ping before it) is not a hop.
        for (String line : lines.subList(header + 1, lines.size())) {
            Matcher m = HOP.matcher(line);
            if (!m.matches()) {
                if (header >= 0) {
                    break;
                }
                continue;
            }
            Matcher a = address.matcher(m.group(2));
            hops.add(a.find() ? a.group() : "*");
        }
        return hops;
    }

    /** One line of {@code ip -o link} in the JVM's namespace: the device name and its MAC. */
    public record RootLink(String name, String mac) {}

    private static final Pattern LINK_LINE =
            Pattern.compile("^\\d+:\\s+([^:@\\s]+)(?:@\\S+)?:.*?link/\\S+\\s+([0-9a-f:]{17})?.*$");

    /** Every network device of the root namespace, from {@code ip -o link}. */
    public static List<RootLink> rootLinks() {
        String out;
        try {
            out = IpCommand.ip("-o", "link");
        } catch (IOException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        List<RootLink> links = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = LINK_LINE.matcher(line.replace('\\', ' '));
            if (m.matches()) {
                links.add(new RootLink(m.group(1), m.group(2) == null ? "" : m.group(2)));
            }
        }
        return links;
    }

    /** The namespaces {@code ip netns list} shows. */
    public static List<String> namespaceList() {
        try {
            return LinuxNamespace.list();
        } catch (IOException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Deletes each namespace that still exists, reporting (not throwing) what fails. */
    public static void deleteNamespaces(List<String> names) {
        for (String name : names) {
            try {
                LinuxNamespace.deleteIfExists(name);
            } catch (IOException | RuntimeException e) {
                System.err.println("cleanup: could not delete namespace " + name + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        deleteNamespaces(namespaces());
    }
}
