package io.tapnet.testing;

import io.tapnet.phy.IpCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hand-built Ethernet frames, sent from inside a Linux node's namespace through an {@code AF_PACKET}
 * socket, so they enter tapnet exactly as the kernel hands them to the TAP device: no checksum is
 * fixed, no length is corrected. Builders here do only what they are told, which is the point.
 */
public final class LinuxRawFrames {

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_UDP = 17;

    /** The sender: one "COUNT HEX" per line; prints "sent N errors E". A pause paces the frames. */
    private static final String SENDER = """
            import socket, sys, time
            iface, path, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((iface, 0))
            sent = errors = 0
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) != 2:
                        continue
                    frame = bytes.fromhex(parts[1])
                    for _ in range(int(parts[0])):
                        try:
                            s.send(frame)
                            sent += 1
                        except OSError as e:
                            errors += 1
                            print("send of", len(frame), "bytes failed:", e, file=sys.stderr)
                        if pause:
                            time.sleep(pause)
            print("sent", sent, "errors", errors)
            """;

    private LinuxRawFrames() {}

    /** A frame and how many copies of it to send. */
    public record Batch(int copies, byte[] frame) {}

    /** What the sender reported. */
    public record SendResult(int sent, int errors, String output) {}

    private static final Pattern SUMMARY = Pattern.compile("sent (\\d+) errors (\\d+)");

    /**
     * Sends every batch out of {@code iface} inside namespace {@code ns}, pausing {@code pauseSeconds}
     * after each frame so neither the kernel's TAP queue nor tapnet's inbound queue overflows.
     */
    public static SendResult send(String ns, String iface, List<Batch> batches, double pauseSeconds, Path scratchDir) {
        try {
            Path script = Files.createTempFile(scratchDir, "raw-sender", ".py");
            Files.writeString(script, SENDER);
            Path frames = Files.createTempFile(scratchDir, "frames", ".txt");
            StringBuilder sb = new StringBuilder();
            for (Batch b : batches) {
                sb.append(b.copies()).append(' ').append(HexFormat.of().formatHex(b.frame())).append('\n');
            }
            Files.writeString(frames, sb);
            IpCommand.Result r = LinuxTestNetwork.exec(ns, Duration.ofSeconds(60), "python3", script.toString(), iface,
                    frames.toString(), Double.toString(pauseSeconds));
            String output = r.stdout() + r.stderr();
            Matcher m = SUMMARY.matcher(r.stdout());
            if (!r.ok() || !m.find()) {
                throw new AssertionError("raw frame sender failed: " + r.describe() + "\n" + output);
            }
            return new SendResult(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ building

    /** "aa:bb:cc:dd:ee:ff" as 6 bytes. */
    public static byte[] mac(String text) {
        return HexFormat.of().parseHex(text.replace(":", ""));
    }

    public static byte[] ip(String dotted) {
        String[] p = dotted.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(p[i]);
        }
        return b;
    }

    /** An Ethernet II frame: destination, source, EtherType, payload, nothing added. */
    public static byte[] ethernet(byte[] destination, byte[] source, int etherType, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(destination);
        out.writeBytes(source);
        out.write(etherType >>> 8);
        out.write(etherType);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The first {@code n} bytes of {@code b} (or all of them). */
    public static byte[] prefix(byte[] b, int n) {
        byte[] r = new byte[Math.min(n, b.length)];
        System.arraycopy(b, 0, r, 0, r.length);
        return r;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** RFC 1071 Internet checksum of {@code b[from, from + len)}. */
    public static int checksum(byte[] b, int from, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[from + i] & 0xff) << 8) | (b[from + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[from + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** An ICMP echo request with a correct checksum. */
    public static byte[] icmpEcho(int identifier, int sequence, int dataLength) {
        byte[] b = new byte[8 + dataLength];
        b[0] = 8;
        b[4] = (byte) (identifier >>> 8);
        b[5] = (byte) identifier;
        b[6] = (byte) (sequence >>> 8);
        b[7] = (byte) sequence;
        for (int i = 0; i < dataLength; i++) {
            b[8 + i] = (byte) (0x20 + i);
        }
        int c = checksum(b, 0, b.length);
        b[2] = (byte) (c >>> 8);
        b[3] = (byte) c;
        return b;
    }

    /** A UDP header and payload with checksum 0 (none, allowed by RFC 768 for IPv4). */
    public static byte[] udp(int sourcePort, int destinationPort, int lengthField, byte[] payload) {
        byte[] b = new byte[8 + payload.length];
        b[0] = (byte) (sourcePort >>> 8);
        b[1] = (byte) sourcePort;
        b[2] = (byte) (destinationPort >>> 8);
        b[3] = (byte) destinationPort;
        b[4] = (byte) (lengthField >>> 8);
        b[5] = (byte) lengthField;
        System.arraycopy(payload, 0, b, 8, payload.length);
        return b;
    }

    /**
     * Fills the checksum of a UDP datagram (RFC 768: over the pseudo-header, the UDP header and the
     * data), or a wrong one when {@code correct} is false. Returns {@code datagram}.
     */
    public static byte[] withUdpChecksum(byte[] datagram, String source, String destination, boolean correct) {
        datagram[6] = 0;
        datagram[7] = 0;
        byte[] pseudo = concat(ip(source), ip(destination), new byte[] {0, PROTO_UDP,
                (byte) (datagram.length >>> 8), (byte) datagram.length}, datagram);
        int c = checksum(pseudo, 0, pseudo.length);
        if (c == 0) {
            c = 0xffff; // RFC 768: a computed zero is sent as all ones
        }
        if (!correct) {
            c ^= 0x0101;
        }
        datagram[6] = (byte) (c >>> 8);
        datagram[7] = (byte) c;
        return datagram;
    }

    /** A configurable IPv4 header; {@link #build} writes exactly what was set. */
    public static final class Ipv4 {
        int ihl = 5;
        Integer totalLength;
        int identification = 0x4242;
        int flags;
        int fragmentOffset;
        int ttl = 64;
        final int protocol;
        final byte[] source;
        final byte[] destination;
        boolean goodChecksum = true;
        int version = 4;

        public Ipv4(int protocol, String source, String destination) {
            this.protocol = protocol;
            this.source = ip(source);
            this.destination = ip(destination);
        }

        /** Header length in 32-bit words; the options are NOPs ending in End of Option List. */
        public Ipv4 ihl(int words) {
            this.ihl = words;
            return this;
        }

        /** Overrides the Total Length field (default: header plus payload). */
        public Ipv4 totalLength(int length) {
            this.totalLength = length;
            return this;
        }

        public Ipv4 ttl(int ttl) {
            this.ttl = ttl;
            return this;
        }

        public Ipv4 identification(int id) {
            this.identification = id;
            return this;
        }

        /** Flags as on the wire (0b001 More Fragments, 0b010 Don't Fragment) and offset in 8-byte units. */
        public Ipv4 fragment(int flags, int offsetUnits) {
            this.flags = flags;
            this.fragmentOffset = offsetUnits;
            return this;
        }

        public Ipv4 badChecksum() {
            this.goodChecksum = false;
            return this;
        }

        public Ipv4 version(int version) {
            this.version = version;
            return this;
        }

        /** Header (with options) followed by {@code payload}. */
        public byte[] build(byte[] payload) {
            int headerLength = Math.max(ihl, 0) * 4;
            int length = Math.max(headerLength, 20);
            byte[] b = new byte[length + payload.length];
            b[0] = (byte) ((version << 4) | (ihl & 0x0f));
            int tl = totalLength != null ? totalLength : length + payload.length;
            b[2] = (byte) (tl >>> 8);
            b[3] = (byte) tl;
            b[4] = (byte) (identification >>> 8);
            b[5] = (byte) identification;
            int ff = (flags << 13) | (fragmentOffset & 0x1fff);
            b[6] = (byte) (ff >>> 8);
            b[7] = (byte) ff;
            b[8] = (byte) ttl;
            b[9] = (byte) protocol;
            System.arraycopy(source, 0, b, 12, 4);
            System.arraycopy(destination, 0, b, 16, 4);
            for (int i = 20; i < length; i++) {
                b[i] = (byte) (i == length - 1 ? 0 : 1); // NOPs (RFC 791 type 1), then End of Option List
            }
            int c = checksum(b, 0, length);
            if (!goodChecksum) {
                c ^= 0x0100;
            }
            b[10] = (byte) (c >>> 8);
            b[11] = (byte) c;
            System.arraycopy(payload, 0, b, length, payload.length);
            return b;
        }
    }

    /** Frames as text for messages: hex, one per line. */
    public static String describe(List<Batch> batches) {
        List<String> lines = new ArrayList<>();
        for (Batch b : batches) {
            lines.add(b.copies() + "x " + HexFormat.of().formatHex(b.frame()));
        }
        return String.join("\n", lines);
    }
}
