package io.tapnet.phy;

import static io.tapnet.phy.TapTestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

import io.tapnet.testing.Tshark;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class PcapngWriterTest {

    private static final long H1_MAC = 0x02_00_00_00_00_01L;
    private static final long H2_MAC = 0x02_00_00_00_00_02L;
    private static final long BROADCAST = 0xff_ff_ff_ff_ff_ffL;
    private static final int H1_IP = ipv4("10.0.0.1");
    private static final int H2_IP = ipv4("10.0.0.2");
    private static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    private static byte[] arpRequest() {
        return arp(1, H1_MAC, BROADCAST, H1_MAC, H1_IP, 0, H2_IP);
    }

    private static byte[] echoRequestFrame() {
        byte[] payload = "tapnet pcapng test payload 0123".getBytes(StandardCharsets.US_ASCII);
        return ethernet(H1_MAC, H2_MAC, ETHERTYPE_IPV4, icmpEchoPacket(ICMP_ECHO_REQUEST, H1_IP, H2_IP, 0x77, 1, payload));
    }

    @Test
    void twoInterfacesWithArpAndPingDecodeCleanly() throws IOException {
        Path file = dir.resolve("two.pcapng");
        byte[] request = echoRequestFrame();
        byte[] reply = ethernet(H2_MAC, H1_MAC, ETHERTYPE_IPV4, echoReplyFor(request, ETH_HEADER));
        try (PcapngWriter writer = new PcapngWriter(file)) {
            int h1 = writer.addInterface("h1:eth0", PcapngWriter.LINKTYPE_ETHERNET, 262_144);
            int s1 = writer.addInterface("s1:eth1", PcapngWriter.LINKTYPE_ETHERNET, 0);
            assertEquals(0, h1);
            assertEquals(1, s1);
            writer.writePacket(h1, T0, direct(arpRequest()), 0, 42, PcapngWriter.DIRECTION_OUTBOUND);
            writer.writePacket(s1, T0 + 1_000, direct(request), 0, request.length, PcapngWriter.DIRECTION_INBOUND);
            writer.writePacket(h1, T0 + 2_000, direct(reply), 0, reply.length);
            assertEquals(3, writer.packetCount());
            assertEquals(2, writer.interfaceCount());
        }

        Tshark.assertCleanCapture(file);
        List<String> lines = Tshark.decode(file, "frame.interface_name", "frame.protocols",
                "frame.packet_flags_direction", "frame.time_epoch", "frame.len", "icmp.type", "arp.opcode");
        assertEquals(List.of(
                "h1:eth0\teth:ethertype:arp\t0x00000002\t1700000000.123456789\t42\t\t1",
                "s1:eth1\teth:ethertype:ip:icmp:data\t0x00000001\t1700000000.123457789\t" + request.length + "\t8\t",
                "h1:eth0\teth:ethertype:ip:icmp:data\t\t1700000000.123458789\t" + reply.length + "\t0\t"), lines);
    }

    @Test
    void rawLinkTypeCarriesBareIpPackets() throws IOException {
        Path file = dir.resolve("raw.pcapng");
        byte[] frame = echoRequestFrame();
        try (PcapngWriter writer = new PcapngWriter(file)) {
            int tun = writer.addInterface("tun0", TapMode.TUN.pcapLinkType());
            writer.writePacket(tun, T0, direct(frame), ETH_HEADER, frame.length - ETH_HEADER, PcapngWriter.DIRECTION_INBOUND);
        }
        Tshark.assertCleanCapture(file);
        assertEquals(List.of("tun0\traw:ip:icmp:data\t10.0.0.1\t10.0.0.2"),
                Tshark.decode(file, "frame.interface_name", "frame.protocols", "ip.src", "ip.dst"));
    }

    @Test
    void interfacesMayBeAddedAfterPackets() throws IOException {
        Path file = dir.resolve("late.pcapng");
        try (PcapngWriter writer = new PcapngWriter(file)) {
            int first = writer.addInterface("first", PcapngWriter.LINKTYPE_ETHERNET);
            writer.writePacket(first, T0, direct(arpRequest()), 0, 42);
            int second = writer.addInterface("second", PcapngWriter.LINKTYPE_ETHERNET);
            writer.writePacket(second, T0 + 1, direct(arpRequest()), 0, 42);
            writer.writePacket(first, T0 + 2, direct(arpRequest()), 0, 42);
        }
        Tshark.assertCleanCapture(file);
        assertEquals(List.of("0\tfirst", "1\tsecond", "0\tfirst"),
                Tshark.decode(file, "frame.interface_id", "frame.interface_name"));
    }

    @Test
    void snapLengthTruncatesButKeepsOriginalLength() throws IOException {
        Path file = dir.resolve("snap.pcapng");
        byte[] frame = echoRequestFrame();
        try (PcapngWriter writer = new PcapngWriter(file)) {
            int id = writer.addInterface("short", PcapngWriter.LINKTYPE_ETHERNET, 34);
            writer.writePacket(id, T0, direct(frame), 0, frame.length);
        }
        assertEquals(List.of("34\t" + frame.length), Tshark.decode(file, "frame.cap_len", "frame.len"));
    }

    @Test
    void manyPacketsThroughASmallStagingBufferFromHeapAndDirectBuffers() throws IOException {
        Path file = dir.resolve("many.pcapng");
        byte[] frame = echoRequestFrame();
        ByteBuffer directWithOffset = ByteBuffer.allocateDirect(frame.length + 100);
        directWithOffset.put(37, frame);
        ByteBuffer heap = ByteBuffer.wrap(frame);
        // Bigger than the staging buffer, to exercise its one-off growth.
        byte[] jumbo = ethernet(H1_MAC, H2_MAC, ETHERTYPE_IPV4,
                icmpEchoPacket(ICMP_ECHO_REQUEST, H1_IP, H2_IP, 1, 999, new byte[8000]));
        try (PcapngWriter writer = new PcapngWriter(file, 4096)) {
            int id = writer.addInterface("eth0", PcapngWriter.LINKTYPE_ETHERNET);
            for (int i = 0; i < 500; i++) {
                writer.writePacket(id, T0 + i, i % 2 == 0 ? directWithOffset : heap, i % 2 == 0 ? 37 : 0, frame.length,
                        i % 3);
            }
            writer.writePacket(id, T0 + 500, direct(jumbo), 0, jumbo.length);
            writer.flush();
            assertEquals(501, Tshark.frameCount(file), "flush() makes everything visible to a reader");
        }
        Tshark.assertCleanCapture(file);
        assertEquals(0, directWithOffset.position(), "writePacket leaves the position alone");
    }

    @Test
    void blockStructureIsWellFormed() throws IOException {
        Path file = dir.resolve("blocks.pcapng");
        try (PcapngWriter writer = new PcapngWriter(file)) {
            int id = writer.addInterface("abc", PcapngWriter.LINKTYPE_ETHERNET, 1514);
            writer.writePacket(id, 0x0000_0001_0000_0002L, direct(arpRequest()), 0, 42, PcapngWriter.DIRECTION_OUTBOUND);
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
        List<Integer> types = new ArrayList<>();
        int at = 0;
        while (at < bytes.limit()) {
            int type = bytes.getInt(at);
            int length = bytes.getInt(at + 4);
            assertEquals(0, length % 4, "block length is a multiple of 4");
            assertEquals(length, bytes.getInt(at + length - 4), "trailing block length");
            types.add(type);
            if (type == 0x0A0D0D0A) {
                assertEquals(0x1A2B3C4D, bytes.getInt(at + 8), "byte-order magic");
                assertEquals(1, bytes.getShort(at + 12));
                assertEquals(-1L, bytes.getLong(at + 16));
                assertEquals(4, bytes.getShort(at + 24), "shb_userappl");
                assertEquals("tapnet", new String(bytes.array(), at + 28, bytes.getShort(at + 26), StandardCharsets.UTF_8));
            } else if (type == 1) {
                assertEquals(1, bytes.getShort(at + 8), "LINKTYPE_ETHERNET");
                assertEquals(1514, bytes.getInt(at + 12));
            } else if (type == 6) {
                assertEquals(0, bytes.getInt(at + 8), "interface id");
                assertEquals(1, bytes.getInt(at + 12), "timestamp high word");
                assertEquals(2, bytes.getInt(at + 16), "timestamp low word");
                assertEquals(42, bytes.getInt(at + 20));
                assertEquals(42, bytes.getInt(at + 24));
                assertEquals(0xff, bytes.get(at + 28) & 0xff);
                int options = at + 28 + 44;
                assertEquals(2, bytes.getShort(options), "epb_flags");
                assertEquals(2, bytes.getInt(options + 4), "outbound");
            }
            at += length;
        }
        assertEquals(List.of(0x0A0D0D0A, 1, 6), types);
    }

    @Test
    void misuseIsReported() throws IOException {
        Path file = dir.resolve("misuse.pcapng");
        PcapngWriter writer = new PcapngWriter(file);
        ByteBuffer frame = direct(arpRequest());
        assertThrows(IllegalArgumentException.class, () -> writer.writePacket(0, T0, frame, 0, 42));
        int id = writer.addInterface("eth0", PcapngWriter.LINKTYPE_ETHERNET);
        assertThrows(IllegalArgumentException.class, () -> writer.writePacket(id, T0, frame, 0, 42, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> writer.writePacket(id, T0, frame, 1, 42));
        writer.close();
        writer.close();
        assertThrows(ClosedChannelException.class, () -> writer.writePacket(id, T0, frame, 0, 42));
        assertThrows(ClosedChannelException.class, writer::flush);
    }

    @Test
    void writingPacketsDoesNotAllocate() throws IOException {
        Path file = dir.resolve("alloc.pcapng");
        ByteBuffer frame = direct(echoRequestFrame());
        int length = frame.capacity();
        try (PcapngWriter writer = new PcapngWriter(file, 64 * 1024)) {
            int id = writer.addInterface("eth0", PcapngWriter.LINKTYPE_ETHERNET);
            for (int i = 0; i < 20_000; i++) {
                writer.writePacket(id, T0 + i, frame, 0, length, PcapngWriter.DIRECTION_INBOUND);
            }
            long before = allocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                writer.writePacket(id, T0 + i, frame, 0, length, PcapngWriter.DIRECTION_INBOUND);
            }
            long allocated = allocatedBytes() - before;
            // The loop writes ~2.4 MB, so the staging buffer is flushed ~37 times in between.
            assertTrue(allocated < 4096, "writePacket allocated " + allocated + " bytes for 20000 packets");
        }
    }

    @Test
    void tsharkHelperFlagsBadChecksumsAndMalformedPackets() throws IOException {
        Tshark.assumeAvailable();
        byte[] good = echoRequestFrame();
        byte[] badIcmp = good.clone();
        badIcmp[badIcmp.length - 1] ^= 1;
        byte[] badIp = good.clone();
        badIp[ETH_HEADER + 10] ^= 1;

        Path clean = write("clean.pcapng", good);
        assertEquals(List.of(), Tshark.problems(clean));

        Path icmp = write("bad-icmp.pcapng", good, badIcmp);
        List<String> icmpProblems = Tshark.problems(icmp);
        assertEquals(1, icmpProblems.size(), icmpProblems.toString());
        assertTrue(icmpProblems.get(0).startsWith("frame 2: Bad checksum"), icmpProblems.toString());
        assertThrows(AssertionFailedError.class, () -> Tshark.assertCleanCapture(icmp));

        Path ip = write("bad-ip.pcapng", badIp);
        assertTrue(Tshark.problems(ip).get(0).contains("Bad checksum"), Tshark.problems(ip).toString());

        Path truncated = dir.resolve("truncated.pcapng");
        try (PcapngWriter writer = new PcapngWriter(truncated)) {
            int id = writer.addInterface("eth0", PcapngWriter.LINKTYPE_ETHERNET);
            writer.writePacket(id, T0, direct(good), 0, 30); // IPv4 header cut short, no snap length involved
        }
        assertTrue(Tshark.problems(truncated).get(0).contains("Malformed"), Tshark.problems(truncated).toString());
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> Tshark.assertCleanCapture(truncated));
        assertTrue(failure.getMessage().contains("frame 1"), failure.getMessage());

        Path cutShort = dir.resolve("cut.pcapng");
        byte[] all = Files.readAllBytes(clean);
        Files.write(cutShort, java.util.Arrays.copyOf(all, all.length - 10));
        assertThrows(AssertionFailedError.class, () -> Tshark.decode(cutShort, "frame.number"));
    }

    private Path write(String name, byte[]... frames) throws IOException {
        Path file = dir.resolve(name);
        try (PcapngWriter writer = new PcapngWriter(file)) {
            int id = writer.addInterface("eth0", PcapngWriter.LINKTYPE_ETHERNET);
            for (int i = 0; i < frames.length; i++) {
                writer.writePacket(id, T0 + i, direct(frames[i]), 0, frames[i].length);
            }
        }
        return file;
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
