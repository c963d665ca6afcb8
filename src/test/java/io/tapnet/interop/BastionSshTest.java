package io.tapnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.cli.Console;
import io.tapnet.ip.filter.Chain;
import io.tapnet.ip.filter.Direction;
import io.tapnet.ip.filter.Firewall;
import io.tapnet.phy.IpCommand;
import io.tapnet.testing.LinuxTestNetwork;
import io.tapnet.testing.RootRequirement;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code topologies/bastion.yaml} with the real OpenSSH: the user's machine, the bastion and the
 * service are network namespaces behind tapnet's router r1, whose ACL lets only the bastion's private
 * address reach the service's port 22. The user logs in with {@code ssh -J bastion service}; a direct
 * {@code ssh} or {@code nc -z} to the service's port 22 is refused, and the reject rule counts it; the
 * service's port 80 is open.
 *
 * <p>The file is used as written, with its namespace names swapped for this run's own. sshd runs as
 * root with a throwaway host key and user key from a temporary directory, on the namespaces' own
 * network stacks; every process is killed after the test.
 */
@Tag("root")
@Timeout(60)
class BastionSshTest {
    private static final String USER = "10.77.0.10";
    private static final String BASTION_PUBLIC = "10.77.1.10";
    private static final String BASTION_PRIVATE = "10.77.3.10";
    private static final String SERVICE = "10.77.2.20";

    @TempDir
    Path dir;

    private final String userNs = LinuxTestNetwork.uniqueNamespace();
    private final String bastionNs = LinuxTestNetwork.uniqueNamespace();
    private final String serviceNs = LinuxTestNetwork.uniqueNamespace();
    private final List<Process> processes = new ArrayList<>();
    private Network network;
    private Path sshConfig;

    @BeforeEach
    void start() throws IOException, InterruptedException {
        RootRequirement.assumeRoot();
        String yaml = Files.readString(Path.of(System.getProperty("tapnet.project.dir", "."), "topologies", "bastion.yaml"))
                .replace("netns: tapnet-user", "netns: " + userNs)
                .replace("netns: tapnet-bastion", "netns: " + bastionNs)
                .replace("netns: tapnet-service", "netns: " + serviceNs);
        network = NetworkBuilder.of(TopologyLoader.parse(yaml, "bastion.yaml")).build();
        assertEquals(List.of(userNs, bastionNs, serviceNs), network.namespaces());

        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tapnet-host", "-f", dir.resolve("host_key").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tapnet-user", "-f", dir.resolve("id").toString());
        Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege-separation directory
        sshConfig = dir.resolve("ssh_config");
        // -F makes ssh read only this file, and ProxyJump hands it on to the ssh that reaches the bastion.
        Files.writeString(sshConfig, """
                Host *
                    User root
                    IdentityFile %s
                    IdentitiesOnly yes
                    StrictHostKeyChecking no
                    UserKnownHostsFile /dev/null
                    GlobalKnownHostsFile /dev/null
                    BatchMode yes
                    ConnectTimeout 5
                    LogLevel ERROR
                """.formatted(dir.resolve("id")));
        startSshd(bastionNs, "bastion");
        startSshd(serviceNs, "service");
    }

    private void startSshd(String ns, String name) throws IOException, InterruptedException {
        Path config = dir.resolve("sshd_" + name + ".conf");
        Files.writeString(config, """
                Port 22
                ListenAddress 0.0.0.0
                HostKey %s
                PidFile %s
                AuthorizedKeysFile %s
                PermitRootLogin prohibit-password
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                AllowTcpForwarding yes
                LogLevel INFO
                """.formatted(dir.resolve("host_key"), dir.resolve(name + ".pid"), dir.resolve("authorized_keys")));
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd_" + name + ".log").toFile()).start();
        processes.add(p);
        waitForPort(ns, 22, p, "sshd in " + name);
    }

    /** Waits (at most 5 s) until something listens on {@code port} inside {@code ns}. */
    private void waitForPort(String ns, int port, Process p, String what) throws InterruptedException, IOException {
        for (int i = 0; i < 50; i++) {
            IpCommand.Result r = LinuxTestNetwork.exec(ns, Duration.ofSeconds(5), "ss", "-Hltn", "sport = :" + port);
            if (r.ok() && !r.stdout().isBlank()) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError(what + " exited with " + p.exitValue() + ": " + logOf(what));
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " does not listen on port " + port);
    }

    private String logOf(String what) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                sb.append("\n--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        }
        return sb.toString();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        try {
            if (network != null) {
                network.close();
            }
        } finally {
            LinuxTestNetwork.deleteNamespaces(List.of(userNs, bastionNs, serviceNs));
        }
    }

    private static IpCommand.Result run(String... argv) throws IOException {
        IpCommand.Result r = IpCommand.run(List.of(argv), Duration.ofSeconds(20));
        return r.requireSuccess();
    }

    private IpCommand.Result fromUser(int seconds, String... argv) {
        return LinuxTestNetwork.exec(userNs, Duration.ofSeconds(seconds), argv);
    }

    private Chain serviceAcl() {
        return network.call(() -> ((Firewall) network.stack("r1").filter()).acl("eth2", Direction.OUT));
    }

    private long count(String rule) {
        return network.call(() -> {
            Chain c = ((Firewall) network.stack("r1").filter()).acl("eth2", Direction.OUT);
            return c.packets(c.indexOf(rule));
        });
    }

    @Test
    void sshThroughTheBastionLogsInAndRunsACommand() throws IOException {
        IpCommand.Result r = fromUser(30, "ssh", "-F", sshConfig.toString(), "-J", "root@" + BASTION_PUBLIC,
                "root@" + SERVICE, "echo", "hello");
        assertEquals(0, r.exitCode(), r.describe() + logOf("sshd"));
        assertEquals("hello", r.stdout().strip());
        assertTrue(count("allow tcp from 10.77.3.10 to 10.77.2.20 port 22") > 0, "the bastion's connection passed r1");
        String serviceLog = Files.readString(dir.resolve("sshd_service.log"));
        assertTrue(serviceLog.contains("Accepted publickey for root from " + BASTION_PRIVATE),
                "the service sees the bastion's private address:\n" + serviceLog);
    }

    @Test
    void aDirectConnectionToTheServicesSshPortIsRefusedAndCounted() throws IOException {
        long before = count("reject tcp to any port 22");
        IpCommand.Result nc = fromUser(10, "nc", "-z", "-w", "3", SERVICE, "22");
        assertNotEquals(0, nc.exitCode(), "nc -z reached port 22: " + nc.describe());
        IpCommand.Result ssh = fromUser(15, "ssh", "-F", sshConfig.toString(), "root@" + SERVICE, "echo", "hello");
        assertNotEquals(0, ssh.exitCode(), ssh.describe());
        assertTrue(ssh.stdout().isBlank(), ssh.describe());
        assertTrue(count("reject tcp to any port 22") >= before + 2, "every attempt is counted on the reject rule");
        assertEquals(0, count("allow tcp from 10.77.3.10 to 10.77.2.20 port 22"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(new Console(network, new PrintStream(out, true, StandardCharsets.UTF_8)).execute("r1 firewall"));
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.lines().anyMatch(l -> l.endsWith("reject tcp to any port 22") && !l.trim().startsWith("0 ")),
                shown);
        // The bastion itself is reachable on its public address.
        assertEquals(0, fromUser(10, "nc", "-z", "-w", "3", BASTION_PUBLIC, "22").exitCode());
    }

    @Test
    void theServicesWebPortIsOpenToTheUser() throws IOException, InterruptedException {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "service\n");
        Process http = new ProcessBuilder("ip", "netns", "exec", serviceNs, "python3", "-m", "http.server", "80",
                "--bind", SERVICE, "--directory", www.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("http.log").toFile()).start();
        processes.add(http);
        waitForPort(serviceNs, 80, http, "python3 -m http.server");
        IpCommand.Result curl = fromUser(15, "curl", "-s", "--max-time", "5", "http://" + SERVICE + "/");
        assertEquals(0, curl.exitCode(), curl.describe());
        assertEquals("service", curl.stdout().strip());
        assertTrue(count("allow tcp to 10.77.2.20 port 80") > 0);
        assertEquals(0, serviceAcl().policyPackets());
    }
}
