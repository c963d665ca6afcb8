package io.tapnet.phy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes a capture in pcapng (IETF draft-ietf-opsawg-pcapng), readable by Wireshark and tshark.
 *
 * <p>The file is one section: a Section Header Block ({@code shb_userappl} "tapnet"), then an
 * Interface Description Block per {@link #addInterface} call ({@code if_name}, link type, snap
 * length, {@code if_tsresol} = 9, i.e. nanosecond timestamps), then Enhanced Packet Blocks, with an
 * {@code epb_flags} option when a direction is given. IDBs may follow packets: pcapng allows them
 * anywhere after the SHB, so interfaces can be added as links come and go.
 *
 * <p>Per packet, the frame is copied straight from the caller's buffer into a direct staging buffer
 * and nothing is allocated; the staging buffer goes to the file when it is full, on {@link #flush()}
 * and on {@link #close()}. Blocks are written in the machine's byte order, which the SHB records.
 *
 * <p>Methods are synchronized, so several threads may capture into one file; in tapnet they are
 * normally all called from the event loop, where the lock is never contended.
 */
public final class PcapngWriter implements AutoCloseable {

    /** LINKTYPE_ETHERNET: IEEE 802.3 frames starting with the destination MAC. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_RAW: raw IPv4/IPv6 packets, no link-layer header (TUN devices). */
    public static final int LINKTYPE_RAW = 101;

    /** {@code epb_flags} direction: not given (no option is written). */
    public static final int DIRECTION_NONE = 0;
    /** {@code epb_flags} direction bits 01: received on the interface. */
    public static final int DIRECTION_INBOUND = 1;
    /** {@code epb_flags} direction bits 10: sent on the interface. */
    public static final int DIRECTION_OUTBOUND = 2;

    /** Snap length used by {@link #addInterface(String, int)}: Wireshark's standard maximum. */
    public static final int DEFAULT_SNAP_LENGTH = 262_144;
    /** Default staging buffer size. */
    public static final int DEFAULT_STAGING_BYTES = 256 * 1024;

    private static final int BLOCK_SHB = 0x0A0D0D0A;
    private static final int BLOCK_IDB = 0x00000001;
    private static final int BLOCK_EPB = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_SHB_USERAPPL = 4;
    private static final int OPT_IF_NAME = 2;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_EPB_FLAGS = 2;
    /** if_tsresol value: 10^-9 s. */
    private static final byte TSRESOL_NANOSECONDS = 9;
    /** Type, length, interface id, two timestamp words, captured and original length. */
    private static final int EPB_HEADER_BYTES = 28;
    /** epb_flags option (4 + 4) and opt_endofopt (4). */
    private static final int EPB_FLAGS_OPTION_BYTES = 12;
    private static final String USER_APPLICATION = "tapnet";

    private final Path file;
    private final FileChannel channel;
    private ByteBuffer staging;
    private int used;
    private int[] snapLengths = new int[4];
    private int interfaceCount;
    private long packetCount;
    private boolean closed;

    /** Creates (or truncates) {@code file} and writes the section header. */
    public PcapngWriter(Path file) throws IOException {
        this(file, DEFAULT_STAGING_BYTES);
    }

    /** Like {@link #PcapngWriter(Path)} with a staging buffer of {@code stagingBytes}. */
    public PcapngWriter(Path file, int stagingBytes) throws IOException {
        if (stagingBytes < 256) {
            throw new IllegalArgumentException("staging buffer too small: " + stagingBytes);
        }
        this.file = file;
        this.staging = ByteBuffer.allocateDirect(stagingBytes).order(ByteOrder.nativeOrder());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            writeSectionHeader();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    private void writeSectionHeader() throws IOException {
        byte[] appl = USER_APPLICATION.getBytes(StandardCharsets.UTF_8);
        int length = 24 + optionBytes(appl.length) + 4 + 4;
        ensureRoom(length);
        int at = used;
        at = putInt(at, BLOCK_SHB);
        at = putInt(at, length);
        at = putInt(at, BYTE_ORDER_MAGIC);
        at = putShort(at, 1); // major version
        at = putShort(at, 0); // minor version
        staging.putLong(at, -1L); // section length: not specified
        at += 8;
        at = putOption(at, OPT_SHB_USERAPPL, appl);
        at = putInt(at, OPT_ENDOFOPT);
        at = putInt(at, length);
        used = at;
    }

    /**
     * Describes an interface; returns its id for {@link #writePacket}. Ids count from 0 in call order.
     *
     * @param linkType {@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW} or another LINKTYPE_ value
     * @param snapLength the most bytes stored per packet; 0 means no limit
     */
    public synchronized int addInterface(String name, int linkType, int snapLength) throws IOException {
        Objects.requireNonNull(name, "name");
        if (linkType < 0 || linkType > 0xffff) {
            throw new IllegalArgumentException("link type out of range: " + linkType);
        }
        if (snapLength < 0) {
            throw new IllegalArgumentException("negative snap length: " + snapLength);
        }
        ensureOpen();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 0xffff) {
            throw new IllegalArgumentException("interface name too long");
        }
        int length = 16 + optionBytes(nameBytes.length) + optionBytes(1) + 4 + 4;
        ensureRoom(length);
        int at = used;
        at = putInt(at, BLOCK_IDB);
        at = putInt(at, length);
        at = putShort(at, linkType);
        at = putShort(at, 0); // reserved
        at = putInt(at, snapLength);
        at = putOption(at, OPT_IF_NAME, nameBytes);
        at = putOption(at, OPT_IF_TSRESOL, new byte[] {TSRESOL_NANOSECONDS});
        at = putInt(at, OPT_ENDOFOPT);
        at = putInt(at, length);
        used = at;
        if (interfaceCount == snapLengths.length) {
            snapLengths = Arrays.copyOf(snapLengths, interfaceCount * 2);
        }
        snapLengths[interfaceCount] = snapLength == 0 ? Integer.MAX_VALUE : snapLength;
        return interfaceCount++;
    }

    /** {@link #addInterface(String, int, int)} with {@link #DEFAULT_SNAP_LENGTH}. */
    public int addInterface(String name, int linkType) throws IOException {
        return addInterface(name, linkType, DEFAULT_SNAP_LENGTH);
    }

    /**
     * Appends one packet: {@code buf[off, off + len)}, absolute indexes within the buffer's limit
     * (position and limit are not changed). Frames longer than the interface's snap length are
     * truncated, and keep their original length in the block. Allocates nothing.
     *
     * @param epochNanos capture time, nanoseconds since 1970-01-01T00:00Z
     * @param direction {@link #DIRECTION_NONE}, {@link #DIRECTION_INBOUND} or {@link #DIRECTION_OUTBOUND}
     */
    public synchronized void writePacket(int interfaceId, long epochNanos, ByteBuffer buf, int off, int len,
            int direction) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("unknown interface id " + interfaceId
                    + " (" + interfaceCount + " interfaces added)");
        }
        if (direction < DIRECTION_NONE || direction > DIRECTION_OUTBOUND) {
            throw new IllegalArgumentException("direction must be 0, 1 or 2: " + direction);
        }
        Objects.checkFromIndexSize(off, len, buf.limit());
        ensureOpen();
        int captured = Math.min(len, snapLengths[interfaceId]);
        int padded = (captured + 3) & ~3;
        int length = EPB_HEADER_BYTES + padded + (direction != DIRECTION_NONE ? EPB_FLAGS_OPTION_BYTES : 0) + 4;
        ensureRoom(length);
        int at = used;
        at = putInt(at, BLOCK_EPB);
        at = putInt(at, length);
        at = putInt(at, interfaceId);
        at = putInt(at, (int) (epochNanos >>> 32));
        at = putInt(at, (int) epochNanos);
        at = putInt(at, captured);
        at = putInt(at, len);
        staging.put(at, buf, off, captured);
        at += captured;
        for (; (at & 3) != 0; at++) {
            staging.put(at, (byte) 0);
        }
        if (direction != DIRECTION_NONE) {
            at = putShort(at, OPT_EPB_FLAGS);
            at = putShort(at, 4);
            at = putInt(at, direction);
            at = putInt(at, OPT_ENDOFOPT);
        }
        at = putInt(at, length);
        used = at;
        packetCount++;
    }

    /** {@link #writePacket(int, long, ByteBuffer, int, int, int)} with no direction. */
    public void writePacket(int interfaceId, long epochNanos, ByteBuffer buf, int off, int len) throws IOException {
        writePacket(interfaceId, epochNanos, buf, off, len, DIRECTION_NONE);
    }

    /** How many packets have been written. */
    public synchronized long packetCount() {
        return packetCount;
    }

    /** How many interfaces have been added. */
    public synchronized int interfaceCount() {
        return interfaceCount;
    }

    /** Writes everything staged so far to the file (which a reader can then see). */
    public synchronized void flush() throws IOException {
        ensureOpen();
        flushStaging();
    }

    /** Flushes and closes the file. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushStaging();
        } finally {
            channel.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private void ensureRoom(int bytes) throws IOException {
        if (used + bytes > staging.capacity()) {
            flushStaging();
            if (bytes > staging.capacity()) {
                // Only for a frame bigger than the whole staging buffer: a rare, one-off growth.
                staging = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes - 1) << 1).order(ByteOrder.nativeOrder());
            }
        }
    }

    private void flushStaging() throws IOException {
        if (used == 0) {
            return;
        }
        staging.limit(used).position(0);
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
        used = 0;
    }

    /** Bytes taken by an option with a {@code valueLength}-byte value, padded to 32 bits. */
    private static int optionBytes(int valueLength) {
        return 4 + ((valueLength + 3) & ~3);
    }

    private int putOption(int at, int code, byte[] value) {
        at = putShort(at, code);
        at = putShort(at, value.length);
        staging.put(at, value);
        at += value.length;
        for (; (at & 3) != 0; at++) {
            staging.put(at, (byte) 0);
        }
        return at;
    }

    private int putInt(int at, int value) {
        staging.putInt(at, value);
        return at + 4;
    }

    private int putShort(int at, int value) {
        staging.putShort(at, (short) value);
        return at + 2;
    }
}
