package io.tapnet.phy;

import static io.tapnet.phy.TunTapIoctl.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux TAP (Ethernet) or TUN (IP) device whose file descriptor this JVM holds.
 *
 * <p>The kernel side is an ordinary netdev: it can be configured here while it sits in the JVM's
 * own network namespace, then moved into a namespace with {@link LinuxNamespace#moveLink} where
 * real programs use it. Frames the kernel transmits on the netdev are {@link #read} here, and frames
 * {@link #write}n here are received by the kernel as if they came off a wire. The device lives as
 * long as the fd: {@link #close} deletes it, in whatever namespace it is by then.
 *
 * <p><b>Hot path.</b> The fd is non-blocking; {@link #read} and {@link #write} never block and never
 * allocate. Readiness comes from {@link TapPoller}, on a platform thread (a blocked JNA call would
 * pin a virtual thread's carrier). Buffers are passed by native address: the {@code ByteBuffer}
 * overloads look the address up in {@link LibDirectBuffers}' cache, the {@code long} overloads take
 * it directly. Offsets are absolute indexes that must lie within the buffer's limit (as for
 * {@code ByteBuffer.get(int)}); position and limit are not changed.
 *
 * <p><b>Configuration</b> ({@link #setMtu}, {@link #setMac}, {@link #setUp} and their getters) goes
 * through ioctls on an {@code AF_INET} control socket, which address the netdev by the
 * {@linkplain #name() name it got at open} <em>in the JVM's network namespace</em>. Configure the
 * device before moving or renaming it; afterwards use {@link LinuxNamespace}'s methods. These calls
 * allocate a little and are meant for setup, not for the hot path.
 *
 * <p><b>Threads.</b> {@link #read}, {@link #write} and {@link #close} may be called from any thread;
 * {@code close} is idempotent and never lets a concurrent read or write reach an fd number the
 * kernel has already reused: the fd is closed only once no call is using it.
 */
public final class TapDevice implements AutoCloseable {

    /** The TUN/TAP clone device. */
    public static final String CLONE_DEVICE = "/dev/net/tun";

    /** Extra {@code TUNSETIFF} flags that {@link #open(String, TapMode, int)} accepts. */
    public static final int ALLOWED_EXTRA_FLAGS = IFF_VNET_HDR | IFF_MULTI_QUEUE | IFF_NAPI;

    /** Bit in {@link #state}: close requested. The low bits count read/write calls in flight. */
    private static final int CLOSED = 1 << 30;

    private final int fd;
    private final String name;
    private final TapMode mode;
    private final int iffFlags;
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicBoolean fdClosed = new AtomicBoolean();

    private TapDevice(int fd, String name, TapMode mode, int iffFlags) {
        this.fd = fd;
        this.name = name;
        this.mode = mode;
        this.iffFlags = iffFlags;
    }

    /**
     * Creates a TAP or TUN device ({@code IFF_NO_PI}: no packet-information prefix).
     *
     * @param requestedName the interface name, at most 15 ASCII characters; may contain one
     *     {@code %d} for the kernel to fill in (e.g. {@code "tn%d"}), or be empty to get
     *     {@code tap%d}/{@code tun%d}. Naming an existing non-persistent device that is in use fails
     *     with {@code EBUSY}.
     */
    public static TapDevice open(String requestedName, TapMode mode) throws IOException {
        return open(requestedName, mode, 0);
    }

    /**
     * Like {@link #open(String, TapMode)}, with extra {@code TUNSETIFF} flags from
     * {@link #ALLOWED_EXTRA_FLAGS}: {@link TunTapIoctl#IFF_VNET_HDR} (every packet then starts with a
     * {@code virtio_net_hdr}; see {@link #setOffload} and {@link #setVnetHeaderSize}),
     * {@link TunTapIoctl#IFF_MULTI_QUEUE}, {@link TunTapIoctl#IFF_NAPI}.
     */
    public static TapDevice open(String requestedName, TapMode mode, int extraFlags) throws IOException {
        Objects.requireNonNull(requestedName, "requestedName");
        Objects.requireNonNull(mode, "mode");
        byte[] nameBytes = validateName(requestedName);
        if ((extraFlags & ~ALLOWED_EXTRA_FLAGS) != 0) {
            throw new IllegalArgumentException("unsupported TUNSETIFF flags: 0x" + Integer.toHexString(extraFlags));
        }
        int fd = LibC.open(CLONE_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.errno();
            throw new IOException(LibC.describe("open " + CLONE_DEVICE, errno) + openHint(errno));
        }
        int iff = mode.iffFlag() | IFF_NO_PI | extraFlags;
        try (Memory ifr = newIfreq(nameBytes)) {
            ifr.setShort(IFREQ_UNION_OFFSET, (short) iff);
            if (LibC.ioctl(fd, Integer.toUnsignedLong(TUNSETIFF), Pointer.nativeValue(ifr)) < 0) {
                int errno = LibC.errno();
                LibC.close(fd);
                throw new IOException(LibC.describe(
                        "ioctl TUNSETIFF (name \"" + requestedName + "\", " + mode + ")", errno) + openHint(errno));
            }
            return new TapDevice(fd, ifr.getString(0, "US-ASCII"), mode, iff);
        }
    }

    private static byte[] validateName(String requestedName) {
        byte[] bytes = requestedName.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException(
                    "interface name \"" + requestedName + "\" is longer than " + (IFNAMSIZ - 1) + " characters");
        }
        for (int i = 0; i < requestedName.length(); i++) {
            char c = requestedName.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name \"" + requestedName
                        + "\" may only contain printable ASCII without spaces, '/' or ':'");
            }
        }
        return bytes;
    }

    private static String openHint(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> " (needs CAP_NET_ADMIN: run as root)";
            case ENOENT, ENODEV -> " (no TUN/TAP support: is the tun module loaded and /dev/net/tun present?)";
            case EBUSY -> " (an interface with that name exists and is in use or is not a TUN/TAP of this kind)";
            case EINVAL -> " (invalid interface name or flags)";
            default -> "";
        };
    }

    /** The interface name the kernel gave the device when it was opened. */
    public String name() {
        return name;
    }

    /** TAP or TUN. */
    public TapMode mode() {
        return mode;
    }

    /** The {@code ifr_flags} used with {@code TUNSETIFF} (mode, {@code IFF_NO_PI} and extras). */
    public int tunFlags() {
        return iffFlags;
    }

    /** True if opened with {@link TunTapIoctl#IFF_VNET_HDR}: every packet carries a virtio-net header. */
    public boolean hasVnetHeader() {
        return (iffFlags & IFF_VNET_HDR) != 0;
    }

    /**
     * The raw file descriptor, for {@link TapPoller}. It stays valid until {@link #close}; remove it
     * from any poll set before closing the device.
     */
    public int fd() {
        return fd;
    }

    /** False once {@link #close} has been called. */
    public boolean isOpen() {
        return (state.get() & CLOSED) == 0;
    }

    // ---- hot path -------------------------------------------------------------------------------

    /**
     * Reads one frame (TAP) or packet (TUN) into {@code buf[offset, offset + maxLength)}.
     *
     * @return the frame's length; 0 if none is waiting; -1 if the device is closed. A frame longer
     *     than {@code maxLength} is truncated by the kernel, so pass at least MTU + 14 (+ the
     *     virtio-net header if any).
     * @throws IOException for a real error, e.g. {@code EBADFD} once the netdev has been deleted
     *     (for instance together with the namespace it was moved into)
     * @throws IllegalArgumentException if {@code buf} is not direct
     */
    public int read(ByteBuffer buf, int offset, int maxLength) throws IOException {
        Objects.checkFromIndexSize(offset, maxLength, buf.limit());
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        long address = LibDirectBuffers.address(buf);
        try {
            return read(address + offset, maxLength);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    /**
     * {@link #read(ByteBuffer, int, int)} into native memory at {@code address}, which the caller
     * keeps valid for the duration of the call.
     */
    public int read(long address, int maxLength) throws IOException {
        if (!acquire()) {
            return -1;
        }
        try {
            while (true) {
                long n = LibC.read(fd, address, maxLength);
                if (n >= 0) {
                    return (int) n;
                }
                int errno = LibC.errno();
                if (errno == EAGAIN) {
                    return 0;
                }
                if (errno != EINTR) {
                    throw new IOException(LibC.describe("read from " + mode + " " + name, errno));
                }
            }
        } finally {
            release();
        }
    }

    /**
     * Hands one frame (TAP) or packet (TUN) in {@code buf[offset, offset + length)} to the kernel.
     *
     * @return {@code length} when the kernel took it; -1 if the device is closed; 0 when the kernel
     *     refused it and the frame is dropped (the caller counts the drop): {@code EAGAIN} (no room),
     *     {@code EIO} (the kernel side of the interface is down, e.g. {@code ip link set dev X down}
     *     in the namespace) or {@code EINVAL} (a frame the driver rejects: shorter than an Ethernet
     *     header on a TAP, not IPv4/IPv6 on a TUN). These depend on what is sent or on the far end,
     *     so they are drops, not exceptions.
     * @throws IOException for a real error, e.g. {@code EBADFD} once the netdev has been deleted
     * @throws IllegalArgumentException if {@code buf} is not direct
     */
    public int write(ByteBuffer buf, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        long address = LibDirectBuffers.address(buf);
        try {
            return write(address + offset, length);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    /**
     * {@link #write(ByteBuffer, int, int)} from native memory at {@code address}, which the caller
     * keeps valid for the duration of the call.
     */
    public int write(long address, int length) throws IOException {
        if (!acquire()) {
            return -1;
        }
        try {
            while (true) {
                long n = LibC.write(fd, address, length);
                if (n >= 0) {
                    return (int) n;
                }
                int errno = LibC.errno();
                if (errno == EAGAIN || errno == EIO || errno == EINVAL) {
                    return 0;
                }
                if (errno != EINTR) {
                    throw new IOException(LibC.describe("write to " + mode + " " + name, errno));
                }
            }
        } finally {
            release();
        }
    }

    private boolean acquire() {
        if ((state.incrementAndGet() & CLOSED) != 0) {
            release();
            return false;
        }
        return true;
    }

    private void release() {
        if (state.decrementAndGet() == CLOSED) {
            closeFd();
        }
    }

    private void closeFd() {
        if (fdClosed.compareAndSet(false, true)) {
            LibC.close(fd);
        }
    }

    /**
     * Closes the fd, which deletes the device (unless made persistent elsewhere). Idempotent and
     * thread-safe: when it returns the fd is closed, after any read or write that was in flight has
     * finished; later reads and writes return -1.
     */
    @Override
    public void close() {
        int s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                awaitFdClosed();
                return;
            }
        } while (!state.compareAndSet(s, s | CLOSED));
        if (s == 0) {
            closeFd();
        }
        awaitFdClosed();
    }

    /** In-flight calls are non-blocking system calls, so this waits microseconds at most. */
    private void awaitFdClosed() {
        while (!fdClosed.get()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    // ---- configuration (setup path) -------------------------------------------------------------

    /** Sets the MTU of the netdev (in the JVM's namespace). */
    public void setMtu(int mtu) throws IOException {
        if (mtu <= 0) {
            throw new IllegalArgumentException("MTU must be positive: " + mtu);
        }
        try (Memory ifr = ifreq()) {
            ifr.setInt(IFREQ_UNION_OFFSET, mtu);
            controlIoctl("SIOCSIFMTU " + mtu, SIOCSIFMTU, ifr);
        }
    }

    /** The MTU of the netdev (in the JVM's namespace). */
    public int mtu() throws IOException {
        try (Memory ifr = ifreq()) {
            controlIoctl("SIOCGIFMTU", SIOCGIFMTU, ifr);
            return ifr.getInt(IFREQ_UNION_OFFSET);
        }
    }

    /**
     * Sets the kernel side's MAC address: the 48 low bits of {@code mac48}, first octet most
     * significant (0x02_00_00_00_00_01 is 02:00:00:00:00:01). TAP only. The kernel refuses
     * multicast addresses ({@code EADDRNOTAVAIL}).
     */
    public void setMac(long mac48) throws IOException {
        requireTap("setMac");
        if ((mac48 >>> 48) != 0) {
            throw new IllegalArgumentException("not a 48-bit MAC address: 0x" + Long.toHexString(mac48));
        }
        try (Memory ifr = ifreq()) {
            ifr.setShort(IFREQ_UNION_OFFSET, (short) ARPHRD_ETHER);
            for (int i = 0; i < 6; i++) {
                ifr.setByte(IFREQ_HWADDR_DATA_OFFSET + i, (byte) (mac48 >>> (40 - 8 * i)));
            }
            controlIoctl("SIOCSIFHWADDR", SIOCSIFHWADDR, ifr);
        }
    }

    /** The kernel side's MAC address as 48 bits, first octet most significant. TAP only. */
    public long mac() throws IOException {
        requireTap("mac");
        try (Memory ifr = ifreq()) {
            controlIoctl("SIOCGIFHWADDR", SIOCGIFHWADDR, ifr);
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (ifr.getByte(IFREQ_HWADDR_DATA_OFFSET + i) & 0xff);
            }
            return mac;
        }
    }

    /** Sets or clears {@link TunTapIoctl#IFF_UP} (like {@code ip link set dev NAME up/down}). */
    public void setUp(boolean up) throws IOException {
        try (Memory ifr = ifreq()) {
            controlIoctl("SIOCGIFFLAGS", SIOCGIFFLAGS, ifr);
            int flags = ifr.getShort(IFREQ_UNION_OFFSET) & 0xffff;
            flags = up ? flags | IFF_UP : flags & ~IFF_UP;
            ifr.setShort(IFREQ_UNION_OFFSET, (short) flags);
            controlIoctl("SIOCSIFFLAGS " + (up ? "up" : "down"), SIOCSIFFLAGS, ifr);
        }
    }

    /** True if the netdev is administratively up. */
    public boolean isUp() throws IOException {
        return (interfaceFlags() & IFF_UP) != 0;
    }

    /** True if the netdev is operationally up ({@link TunTapIoctl#IFF_RUNNING}: up, and carrier on). */
    public boolean isRunning() throws IOException {
        return (interfaceFlags() & IFF_RUNNING) != 0;
    }

    /** The netdev's {@code IFF_*} flags (low 16 bits, as {@code SIOCGIFFLAGS} reports them). */
    public int interfaceFlags() throws IOException {
        try (Memory ifr = ifreq()) {
            controlIoctl("SIOCGIFFLAGS", SIOCGIFFLAGS, ifr);
            return ifr.getShort(IFREQ_UNION_OFFSET) & 0xffff;
        }
    }

    /**
     * The netdev's current name as the kernel reports it for this fd ({@code TUNGETIFF}), which
     * follows renames in any namespace, unlike {@link #name()}.
     */
    public String kernelName() throws IOException {
        try (Memory ifr = new Memory(SIZEOF_IFREQ)) {
            ifr.clear();
            fdIoctl("TUNGETIFF", TUNGETIFF, Pointer.nativeValue(ifr));
            return ifr.getString(0, "US-ASCII");
        }
    }

    /**
     * Tells the kernel which offloads ({@link TunTapIoctl#TUN_F_CSUM}, {@code TUN_F_TSO4}, ...) this
     * side accepts; needs {@link TunTapIoctl#IFF_VNET_HDR}. 0 turns them all off.
     */
    public void setOffload(int tunOffloadFlags) throws IOException {
        fdIoctl("TUNSETOFFLOAD 0x" + Integer.toHexString(tunOffloadFlags), TUNSETOFFLOAD,
                Integer.toUnsignedLong(tunOffloadFlags));
    }

    /** Sets the virtio-net header size (10, or 12 with {@code num_buffers}); needs {@code IFF_VNET_HDR}. */
    public void setVnetHeaderSize(int bytes) throws IOException {
        try (Memory value = new Memory(4)) {
            value.setInt(0, bytes);
            fdIoctl("TUNSETVNETHDRSZ " + bytes, TUNSETVNETHDRSZ, Pointer.nativeValue(value));
        }
    }

    /**
     * Raises or drops the carrier the kernel side sees (Linux 5.0+), as pulling the cable of a real
     * NIC would: the interface shows NO-CARRIER and its routes go linkdown.
     */
    public void setCarrier(boolean on) throws IOException {
        try (Memory value = new Memory(4)) {
            value.setInt(0, on ? 1 : 0);
            fdIoctl("TUNSETCARRIER " + on, TUNSETCARRIER, Pointer.nativeValue(value));
        }
    }

    /** The virtio-net header size in effect (meaningful with {@code IFF_VNET_HDR}). */
    public int vnetHeaderSize() throws IOException {
        try (Memory value = new Memory(4)) {
            value.setInt(0, 0);
            fdIoctl("TUNGETVNETHDRSZ", TUNGETVNETHDRSZ, Pointer.nativeValue(value));
            return value.getInt(0);
        }
    }

    private void requireTap(String what) {
        if (mode != TapMode.TAP) {
            throw new UnsupportedOperationException(what + ": a TUN device has no MAC address");
        }
    }

    private void fdIoctl(String what, int request, long arg) throws IOException {
        if (!acquire()) {
            throw new ClosedChannelException();
        }
        try {
            if (LibC.ioctl(fd, Integer.toUnsignedLong(request), arg) < 0) {
                int errno = LibC.errno();
                throw new IOException(LibC.describe("ioctl " + what + " on " + name, errno));
            }
        } finally {
            release();
        }
    }

    private Memory ifreq() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        return newIfreq(name.getBytes(StandardCharsets.US_ASCII));
    }

    private static Memory newIfreq(byte[] nameBytes) {
        Memory ifr = new Memory(SIZEOF_IFREQ);
        ifr.clear();
        ifr.write(0, nameBytes, 0, nameBytes.length);
        return ifr;
    }

    private void controlIoctl(String what, int request, Memory ifr) throws IOException {
        int sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
            throw new IOException(LibC.describe("socket(AF_INET, SOCK_DGRAM) for ioctl " + what, LibC.errno()));
        }
        try {
            if (LibC.ioctl(sock, Integer.toUnsignedLong(request), Pointer.nativeValue(ifr)) < 0) {
                int errno = LibC.errno();
                String message = LibC.describe("ioctl " + what + " on " + name, errno);
                if (errno == ENODEV) {
                    message += " (the interface is not in the JVM's network namespace under this name;"
                            + " once moved or renamed, configure it with LinuxNamespace)";
                } else if (errno == EPERM || errno == EACCES) {
                    message += " (needs CAP_NET_ADMIN)";
                }
                throw new IOException(message);
            }
        } finally {
            LibC.close(sock);
        }
    }

    @Override
    public String toString() {
        return "TapDevice[" + name + ", " + mode + ", fd " + fd + (isOpen() ? "" : ", closed") + "]";
    }
}
