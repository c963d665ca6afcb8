package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.*;

import io.tapnet.testing.RootRequirement;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("root")
@Timeout(60)
class LinuxNamespaceTest {

    private final LinuxTestNamespaces namespaces = new LinuxTestNamespaces();
    private TapDevice tap;

    @BeforeEach
    void requireRoot() {
        RootRequirement.assumeRoot();
    }

    @AfterEach
    void cleanUp() {
        if (tap != null) {
            tap.close();
        }
        namespaces.close();
    }

    @Test
    void lifecycle() throws Exception {
        LinuxNamespace ns = namespaces.create();
        String name = ns.name();
        assertTrue(LinuxNamespace.exists(name));
        assertTrue(LinuxNamespace.list().contains(name));

        IOException duplicate = assertThrows(IOException.class, () -> LinuxNamespace.create(name));
        assertTrue(duplicate.getMessage().contains("\"" + name + "\" already exists"), duplicate.getMessage());

        IpCommand.Result links = ns.exec("ip", "-o", "link");
        assertTrue(links.ok(), links.describe());
        assertTrue(links.stdout().contains("1: lo:"), links.stdout());
        assertEquals(1, links.stdout().lines().count(), "a fresh namespace has only lo: " + links.stdout());

        assertEquals(7, ns.exec("sh", "-c", "exit 7").exitCode(), "exec reports exit codes, it does not throw");
        IOException timeout = assertThrows(IOException.class, () -> ns.exec(Duration.ofMillis(200), "sleep", "10"));
        assertTrue(timeout.getMessage().contains("ip netns exec " + name + " sleep 10: timed out"), timeout.getMessage());

        Process sleeper = ns.start("sleep", "60");
        assertTrue(sleeper.isAlive());
        assertEquals(name, LinuxNamespace.open(name).name());

        ns.delete();
        assertFalse(sleeper.isAlive(), "delete() kills what start() began");
        assertFalse(LinuxNamespace.exists(name));
        ns.delete(); // idempotent
        assertFalse(LinuxNamespace.deleteIfExists(name));
        assertThrows(IOException.class, () -> LinuxNamespace.open(name));
        assertThrows(IllegalStateException.class, () -> ns.start("true"));
    }

    @Test
    void configuresAMovedLinkInside() throws IOException {
        int x = LinuxTestNamespaces.randomOctet();
        LinuxNamespace ns = namespaces.create();
        tap = TapDevice.open("tnt%d", TapMode.TAP);
        ns.moveLink(tap.name());
        assertFalse(IpCommand.ipResult("link", "show", "dev", tap.name()).ok(), "gone from the JVM's namespace");

        ns.renameLink(tap.name(), "eth7");
        ns.setMtu("eth7", 1300);
        ns.setMac("eth7", 0x02_54_4e_00_07_07L);
        ns.addAddress("eth7", "10.97." + x + ".2/24");
        ns.setUp("eth7");
        ns.setLoopbackUp();
        ns.addDefaultRoute("10.97." + x + ".1");
        ns.addRoute("192.0.2.0/24", "10.97." + x + ".3", "eth7");
        ns.addRoute("198.51.100.0/24", null, "eth7");

        String link = ns.ip("-o", "link", "show", "dev", "eth7");
        assertTrue(link.contains("mtu 1300"), link);
        assertTrue(link.contains("link/ether 02:54:4e:00:07:07"), link);
        assertTrue(link.contains(",UP"), link);
        assertTrue(ns.ip("-o", "addr", "show", "dev", "eth7").contains("inet 10.97." + x + ".2/24"));
        assertTrue(ns.ip("-o", "link", "show", "dev", "lo").contains(",UP"));
        String routes = ns.ip("route");
        assertTrue(routes.contains("default via 10.97." + x + ".1 dev eth7"), routes);
        assertTrue(routes.contains("192.0.2.0/24 via 10.97." + x + ".3 dev eth7"), routes);
        assertTrue(routes.contains("198.51.100.0/24 dev eth7"), routes);
        assertEquals("eth7", tap.kernelName());

        IOException e = assertThrows(IOException.class, () -> ns.setUp("nope0"));
        assertTrue(e.getMessage().startsWith("ip -n " + ns.name() + " link set dev nope0 up: exit 1: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"nope0\""), e.getMessage());
        IOException move = assertThrows(IOException.class, () -> ns.moveLink("tnt-missing0"));
        assertTrue(move.getMessage().startsWith("ip link set dev tnt-missing0 netns " + ns.name()), move.getMessage());
        IOException config = assertThrows(IOException.class, tap::mtu);
        assertTrue(config.getMessage().contains("LinuxNamespace"), config.getMessage());
    }
}
