package io.tapnet.phy;

import static io.tapnet.phy.TapTestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.tapnet.testing.RootRequirement;
import io.tapnet.testing.Tshark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real TAP device, and a real kernel in a namespace behind it. */
@Tag("root")
@Timeout(60)
class TapDeviceTest {

    private static final long NAMESPACE_MAC = 0x02_54_4e_00_00_02L;
    private static final long JAVA_MAC = 0x02_54_4e_00_00_01L;
    private static final long BROADCAST = 0xff_ff_ff_ff_ff_ffL;

    private final LinuxTestNamespaces namespaces = new LinuxTestNamespaces();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void requireRoot() {
        RootRequirement.assumeRoot();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        namespaces.close();
    }

    private TapDevice openTap() throws IOException {
        TapDevice tap = TapDevice.open("tnt%d", TapMode.TAP);
        toClose.add(tap);
        return tap;
    }

    @Test
    void configuresTheNetdevAndReadsItBack() throws IOException {
        String name;
        try (TapDevice tap = TapDevice.open("tnt%d", TapMode.TAP)) {
            name = tap.name();
            assertTrue(name.matches("tnt\\d+"), name);
            assertEquals(name, tap.kernelName());
            assertEquals(TapMode.TAP, tap.mode());
            assertFalse(tap.hasVnetHeader());
            assertTrue(tap.fd() >= 0);

            tap.setMtu(1400);
            assertEquals(1400, tap.mtu());
            tap.setMac(0x02_54_4e_00_00_42L);
            assertEquals(0x02_54_4e_00_00_42L, tap.mac());
            assertFalse(tap.isUp());
            tap.setUp(true);
            assertTrue(tap.isUp());
            assertTrue(tap.isRunning(), "a TAP whose fd is open has carrier");

            String shown = IpCommand.ip("-o", "link", "show", "dev", name);
            assertTrue(shown.contains("mtu 1400"), shown);
            assertTrue(shown.contains("link/ether 02:54:4e:00:00:42"), shown);
            assertTrue(shown.contains(",UP"), shown);

            tap.setUp(false);
            assertFalse(tap.isUp());
            assertThrows(IllegalArgumentException.class, () -> tap.setMac(1L << 48));
            IOException multicast = assertThrows(IOException.class, () -> tap.setMac(0x01_00_5e_00_00_01L));
            assertTrue(multicast.getMessage().contains("SIOCSIFHWADDR"), multicast.getMessage());
        }
        assertFalse(IpCommand.ipResult("link", "show", "dev", name).ok(), "closing the fd deletes the device");
    }

    @Test
    void kernelChoosesTheNameWhenNoneIsGiven() throws IOException {
        try (TapDevice tap = TapDevice.open("", TapMode.TAP)) {
            assertTrue(tap.name().matches("tap\\d+"), tap.name());
        }
    }

    @Test
    void aNameInUseIsRefused() throws IOException {
        TapDevice first = openTap();
        IOException e = assertThrows(IOException.class, () -> TapDevice.open(first.name(), TapMode.TAP));
        assertTrue(e.getMessage().contains("Device or resource busy"), e.getMessage());
        assertTrue(e.getMessage().contains(first.name()), e.getMessage());
    }

    @Test
    void vnetHeaderCanBeConfigured() throws IOException {
        try (TapDevice tap = TapDevice.open("tnt%d", TapMode.TAP, TunTapIoctl.IFF_VNET_HDR)) {
            assertTrue(tap.hasVnetHeader());
            assertEquals(TunTapIoctl.SIZEOF_VIRTIO_NET_HDR, tap.vnetHeaderSize());
            tap.setVnetHeaderSize(12);
            assertEquals(12, tap.vnetHeaderSize());
            tap.setOffload(TunTapIoctl.TUN_F_CSUM | TunTapIoctl.TUN_F_TSO4 | TunTapIoctl.TUN_F_TSO6);
            tap.setOffload(0);
        }
        assertThrows(IllegalArgumentException.class,
                () -> TapDevice.open("tnt%d", TapMode.TAP, TunTapIoctl.IFF_NO_PI << 8));
    }

    @Test
    void nothingToReadGivesZeroAndWritesToADownDeviceAreDrops() throws IOException {
        TapDevice tap = openTap();
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        assertEquals(0, tap.read(buf, 0, 2048));
        byte[] frame = arp(1, JAVA_MAC, BROADCAST, JAVA_MAC, ipv4("10.99.0.1"), 0, ipv4("10.99.0.2"));
        assertEquals(0, tap.write(direct(frame), 0, frame.length), "EIO while the kernel side is down");
        assertThrows(IndexOutOfBoundsException.class, () -> tap.read(buf, 100, 2000));
        assertThrows(IllegalArgumentException.class, () -> tap.read(ByteBuffer.allocate(100), 0, 100));
    }

    @Test
    void hotPathDoesNotAllocate() throws IOException {
        TapDevice tap = openTap(); // down: reads see EAGAIN, writes EIO, both through the full JNA path
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        ByteBuffer out = direct(arp(1, JAVA_MAC, BROADCAST, JAVA_MAC, 1, 0, 2));
        long address = LibDirectBuffers.lookupAddress(in);
        for (int i = 0; i < 20_000; i++) {
            tap.read(in, 14, 1600);
            tap.write(out, 0, 42);
            tap.read(address, 1600);
        }
        long before = PcapngWriterTest.allocatedBytes();
        int sum = 0;
        for (int i = 0; i < 20_000; i++) {
            sum += tap.read(in, 14, 1600);
            sum += tap.write(out, 0, 42);
            sum += tap.read(address, 1600);
        }
        long allocated = PcapngWriterTest.allocatedBytes() - before;
        assertEquals(0, sum);
        assertTrue(allocated < 1024, "60000 reads and writes allocated " + allocated + " bytes");
    }

    @Test
    void closeIsIdempotentAndSafeAgainstConcurrentReads() throws Exception {
        TapDevice tap = TapDevice.open("tnt%d", TapMode.TAP);
        int threads = 4;
        CountDownLatch started = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread reader = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                started.countDown();
                try {
                    while (tap.read(buf, 0, 2048) != -1) {
                        Thread.onSpinWait();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            reader.start();
            readers.add(reader);
        }
        started.await();
        Thread.sleep(20);
        tap.close();
        for (Thread reader : readers) {
            reader.join(5000);
            assertFalse(reader.isAlive());
        }
        assertNull(failure.get());
        tap.close();
        assertFalse(tap.isOpen());
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        assertEquals(-1, tap.read(buf, 0, 64));
        assertEquals(-1, tap.write(buf, 0, 64));
        assertThrows(ClosedChannelException.class, tap::kernelName);
        assertThrows(ClosedChannelException.class, tap::mtu);
        assertFalse(IpCommand.ipResult("link", "show", "dev", tap.name()).ok());
    }

    /**
     * The kernel in a namespace pings an address that only this test answers: it ARPs for it, the
     * test replies from Java, the kernel sends the echo request, the test answers it, ping succeeds.
     * Every frame is captured, and the capture must decode cleanly.
     */
    @Test
    void kernelInANamespaceArpsAndPingsThroughTheTap() throws Exception {
        int x = LinuxTestNamespaces.randomOctet();
        String nsAddress = "10.99." + x + ".2";
        String javaAddress = "10.99." + x + ".1";
        LinuxNamespace ns = namespaces.create();
        ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
                .requireSuccess();
        TapDevice tap = openTap();
        tap.setMac(NAMESPACE_MAC);
        ns.moveLink(tap.name());
        ns.renameLink(tap.name(), "eth0");
        assertEquals("eth0", tap.kernelName(), "TUNGETIFF follows the device into the namespace");
        ns.addAddress("eth0", nsAddress + "/24");
        ns.setLoopbackUp();
        ns.setUp("eth0");

        Path capture = dir.resolve("tap.pcapng");
        PcapngWriter pcap = new PcapngWriter(capture);
        toClose.add(pcap);
        int ifId = pcap.addInterface(ns.name() + ":eth0", TapMode.TAP.pcapLinkType());
        TapPoller poller = new TapPoller();
        toClose.add(poller);

        Process ping = ns.start("ping", "-n", "-c", "1", "-W", "5", javaAddress);
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        boolean sawArpRequest = false;
        boolean sawEchoRequest = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!sawEchoRequest) {
            int n = readFrame(tap, poller, buf, deadline);
            assertTrue(n > 0, "no " + (sawArpRequest ? "echo request" : "ARP request") + " from the namespace");
            pcap.writePacket(ifId, System.currentTimeMillis() * 1_000_000, buf, 0, n, PcapngWriter.DIRECTION_INBOUND);
            byte[] frame = bytes(buf, 0, n);
            int etherType = u16(frame, 12);
            if (etherType == ETHERTYPE_ARP && u16(frame, 20) == 1 && u32(frame, 38) == ipv4(javaAddress)) {
                assertEquals(42, n);
                assertEquals(BROADCAST, mac(frame, 0), "to broadcast");
                assertEquals(NAMESPACE_MAC, mac(frame, 6), "from the namespace's MAC");
                assertEquals(1, u16(frame, 14), "htype Ethernet");
                assertEquals(ETHERTYPE_IPV4, u16(frame, 16), "ptype IPv4");
                assertEquals(0x0604, u16(frame, 18), "hlen 6, plen 4");
                assertEquals(NAMESPACE_MAC, mac(frame, 22), "sender MAC");
                assertEquals(ipv4(nsAddress), u32(frame, 28), "sender IP");
                sawArpRequest = true;
                byte[] reply = arp(2, JAVA_MAC, NAMESPACE_MAC, JAVA_MAC, ipv4(javaAddress), NAMESPACE_MAC, ipv4(nsAddress));
                writeFrame(tap, pcap, ifId, reply);
            } else if (etherType == ETHERTYPE_IPV4 && frame[ETH_HEADER + 9] == 1
                    && frame[ETH_HEADER + 20] == ICMP_ECHO_REQUEST && u32(frame, ETH_HEADER + 16) == ipv4(javaAddress)) {
                assertTrue(sawArpRequest, "the kernel resolved the address before sending");
                assertEquals(JAVA_MAC, mac(frame, 0), "sent to the MAC from our ARP reply");
                assertEquals(NAMESPACE_MAC, mac(frame, 6));
                assertEquals(ipv4(nsAddress), u32(frame, ETH_HEADER + 12));
                assertEquals(0, internetChecksum(frame, ETH_HEADER, 20), "valid IPv4 header checksum");
                sawEchoRequest = true;
                writeFrame(tap, pcap, ifId, ethernet(JAVA_MAC, NAMESPACE_MAC, ETHERTYPE_IPV4, echoReplyFor(frame, ETH_HEADER)));
            }
        }
        assertTrue(ping.waitFor(15, TimeUnit.SECONDS), "ping finished");
        String pingOutput = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ping.exitValue(), pingOutput);
        assertTrue(pingOutput.contains("1 received"), pingOutput);

        String neighbour = ns.ip("neigh", "show", javaAddress);
        assertTrue(neighbour.contains("lladdr 02:54:4e:00:00:01"), neighbour);
        assertTrue(neighbour.matches("(?s).*\\b(REACHABLE|STALE|DELAY)\\b.*"), neighbour);

        pcap.close();
        if (Tshark.isAvailable()) {
            Tshark.assertCleanCapture(capture);
            List<String> decoded = Tshark.decode(capture, "arp.opcode", "icmp.type");
            assertTrue(decoded.containsAll(List.of("1\t", "2\t", "\t8", "\t0")), decoded.toString());
        }
    }

    @Test
    void deletingTheNamespaceDeletesTheDevice() throws IOException {
        LinuxNamespace ns = namespaces.create();
        TapDevice tap = openTap();
        ns.moveLink(tap.name());
        ns.delete();
        // The kernel tears a namespace down asynchronously; poll reports POLLERR once the device is gone.
        try (TapPoller poller = new TapPoller()) {
            short[] revents = new short[1];
            assertEquals(1, poller.poll(new int[] {tap.fd()}, revents, 1, 10_000));
            assertEquals(TunTapIoctl.POLLERR, revents[0] & TunTapIoctl.POLLERR);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        IOException e = assertThrows(IOException.class, () -> tap.read(buf, 0, 2048));
        assertTrue(e.getMessage().contains("File descriptor in bad state"), e.getMessage());
    }

    private static void writeFrame(TapDevice tap, PcapngWriter pcap, int ifId, byte[] frame) throws IOException {
        ByteBuffer out = direct(frame);
        assertEquals(frame.length, tap.write(out, 0, frame.length));
        pcap.writePacket(ifId, System.currentTimeMillis() * 1_000_000, out, 0, frame.length, PcapngWriter.DIRECTION_OUTBOUND);
    }

    /** Waits for and reads one frame; 0 at the deadline. */
    static int readFrame(TapDevice tap, TapPoller poller, ByteBuffer buf, long deadlineNanos) throws IOException {
        int[] fds = {tap.fd()};
        short[] revents = new short[1];
        while (true) {
            int n = tap.read(buf, 0, buf.capacity());
            if (n != 0) {
                return n;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                return 0;
            }
            poller.poll(fds, revents, 1, (int) Math.min(left, 500));
        }
    }
}
