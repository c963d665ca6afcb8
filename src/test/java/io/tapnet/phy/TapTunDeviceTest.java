package io.tapnet.phy;

import static io.tapnet.phy.TapTestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.tapnet.testing.RootRequirement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A TUN device: raw IPv4 packets, no Ethernet header, no ARP. */
@Tag("root")
@Timeout(60)
class TapTunDeviceTest {

    private final LinuxTestNamespaces namespaces = new LinuxTestNamespaces();
    private TapDevice tun;
    private TapPoller poller;

    @BeforeEach
    void requireRoot() {
        RootRequirement.assumeRoot();
    }

    @AfterEach
    void cleanUp() {
        if (poller != null) {
            poller.close();
        }
        if (tun != null) {
            tun.close();
        }
        namespaces.close();
    }

    @Test
    void kernelSendsRawIpv4AndAcceptsTheReply() throws Exception {
        int x = LinuxTestNamespaces.randomOctet();
        String nsAddress = "10.98." + x + ".2";
        String peerAddress = "10.98." + x + ".1";
        LinuxNamespace ns = namespaces.create();
        ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
                .requireSuccess();
        tun = TapDevice.open("tntun%d", TapMode.TUN);
        assertEquals(TapMode.TUN, tun.mode());
        assertThrows(UnsupportedOperationException.class, tun::mac);
        assertThrows(UnsupportedOperationException.class, () -> tun.setMac(0x02_00_00_00_00_01L));
        tun.setMtu(1420);
        assertEquals(1420, tun.mtu());
        ns.moveLink(tun.name());
        ns.addAddress(tun.name(), nsAddress + "/24");
        ns.setUp(tun.name());
        poller = new TapPoller();

        Process ping = ns.start("ping", "-n", "-c", "1", "-W", "5", "-s", "24", peerAddress);
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        byte[] packet = null;
        while (packet == null) {
            int n = TapDeviceTest.readFrame(tun, poller, buf, deadline);
            assertTrue(n > 0, "no IPv4 packet from the namespace");
            byte[] p = bytes(buf, 0, n);
            if ((p[0] >>> 4) == 4 && p[9] == 1 && u32(p, 16) == ipv4(peerAddress)) {
                packet = p;
            }
        }
        assertEquals(0x45, packet[0] & 0xff, "IPv4 without options: no Ethernet header, no packet-info prefix");
        assertEquals(IPV4_HEADER + 8 + 24, packet.length);
        assertEquals(packet.length, u16(packet, 2), "total length");
        assertEquals(ipv4(nsAddress), u32(packet, 12));
        assertEquals(0, internetChecksum(packet, 0, IPV4_HEADER));
        assertEquals(ICMP_ECHO_REQUEST, packet[IPV4_HEADER]);
        assertEquals(0, internetChecksum(packet, IPV4_HEADER, packet.length - IPV4_HEADER));

        byte[] reply = echoReplyFor(packet, 0);
        assertEquals(reply.length, tun.write(direct(reply), 0, reply.length));
        assertTrue(ping.waitFor(15, TimeUnit.SECONDS));
        String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ping.exitValue(), output);
        assertTrue(output.contains("1 received"), output);

        byte[] notIp = new byte[40];
        assertEquals(0, tun.write(direct(notIp), 0, notIp.length), "a TUN refuses a non-IP packet (EINVAL): a drop");
    }

    @Test
    void kernelChoosesATunName() throws IOException {
        try (TapDevice device = TapDevice.open("", TapMode.TUN)) {
            assertTrue(device.name().matches("tun\\d+"), device.name());
        }
    }
}
