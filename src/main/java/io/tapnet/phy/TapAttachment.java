package io.tapnet.phy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Joins a kernel TAP device to the emulated network: frames that arrive at {@link #port()} from the
 * fabric are written to the TAP (the kernel receives them), and frames the kernel sends are read on
 * the loop through its {@link DeviceReader} and transmitted from the port. A device that fails is
 * reported once and then treated as unplugged; the rest of the network keeps running.
 */
public final class TapAttachment implements FrameHandler {
    private final EventLoop loop;
    private final TapDevice device;
    private final Port port;
    /** The largest frame the device may hand over: a jumbo frame, or a 64 KiB offloaded segment. */
    private final int readCapacity;
    /** The device carries a virtio-net header before every frame: offloads pass both ways. */
    private final boolean vnet;
    /** Reads from the kernel that were malformed (see {@link #malformed()}). */
    private long malformed;
    /** The big frame the next read goes into; on the loop only. */
    private Frame spare;
    /** TCP super-frames (GSO) the kernel handed over. */
    private long superFramesRead;
    private volatile boolean failed;
    private boolean carrierUnsupported;
    private long writeDrops;
    private long written;

    public TapAttachment(EventLoop loop, String node, String interfaceName, TapDevice device) {
        this.loop = loop;
        this.device = device;
        this.port = new Port(loop, node, interfaceName, this);
        this.vnet = device.hasVnetHeader();
        this.readCapacity = vnet ? EventLoop.LARGE_FRAME_CAPACITY - Frame.HEADROOM
                : Frame.DEFAULT_CAPACITY - Frame.HEADROOM;
    }

    /**
     * Opens a TAP for a Linux host. With {@code offloads}, the kernel may hand over partial checksums
     * and TCP segments of up to 64 KiB ({@code IFF_VNET_HDR}, {@code TUN_F_CSUM | TUN_F_TSO4 |
     * TUN_F_TSO_ECN}), which tapnet forwards as they are and {@linkplain Offload resolves} where a
     * wire's view is needed; without, every frame is at most the device's MTU and complete.
     */
    public static TapDevice openForHost(String requestedName, boolean offloads) throws IOException {
        return openForHost(requestedName, offloads, false);
    }

    /**
     * Like {@link #openForHost(String, boolean)}; with {@code threadedNapi} the kernel receives what
     * tapnet writes to the device on a kernel thread of its own ({@code IFF_NAPI} and
     * {@code /sys/class/net/NAME/threaded}): the host's TCP/IP work then runs beside the event loop
     * instead of inside its {@code write} calls. That raises TCP throughput over MTU-sized frames
     * (scripts/bench: 1.0 to 1.8 Gbit/s through a switch), but adds a kernel thread wake-up to each
     * frame's latency and, with offloads, costs more than it gives (64 KiB segments already spread
     * the work thin). A kernel that cannot do it gets a warning and a plain device.
     */
    public static TapDevice openForHost(String requestedName, boolean offloads, boolean threadedNapi)
            throws IOException {
        int flags = offloads ? TunTapIoctl.IFF_VNET_HDR : 0;
        TapDevice tap;
        try {
            tap = TapDevice.open(requestedName, TapMode.TAP, flags | (threadedNapi ? TunTapIoctl.IFF_NAPI : 0));
        } catch (IOException e) {
            if (!threadedNapi) {
                throw e;
            }
            tap = TapDevice.open(requestedName, TapMode.TAP, flags); // a kernel before 4.15 has no IFF_NAPI
            warnNoThreadedNapi(tap.name(), e.getMessage());
            threadedNapi = false;
        }
        try {
            if (offloads) {
                tap.setVnetHeaderSize(Offload.VNET_HEADER_LENGTH);
                tap.setOffload(TunTapIoctl.TUN_F_CSUM | TunTapIoctl.TUN_F_TSO4 | TunTapIoctl.TUN_F_TSO_ECN);
            }
            if (threadedNapi) {
                Path threaded = Path.of("/sys/class/net", tap.name(), "threaded");
                try {
                    Files.writeString(threaded, "1");
                } catch (IOException e) {
                    warnNoThreadedNapi(tap.name(), "writing " + threaded + ": " + e);
                }
            }
        } catch (IOException | RuntimeException e) {
            tap.close();
            throw e;
        }
        return tap;
    }

    private static volatile boolean warnedNoThreadedNapi;

    private static void warnNoThreadedNapi(String device, String why) {
        if (!warnedNoThreadedNapi) {
            warnedNoThreadedNapi = true;
            System.err.println("tapnet: the kernel cannot receive on a thread of its own for " + device + " (" + why
                    + "); frames still flow, Linux hosts' TCP/IP work runs inside tapnet's writes");
        }
    }

    @Override
    public boolean acceptsOffloads() {
        return vnet;
    }

    public Port port() {
        return port;
    }

    public TapDevice device() {
        return device;
    }

    @Override
    public void onFrame(Port p, Frame frame) {
        if (failed) {
            writeDrops++;
            frame.release();
            return;
        }
        try {
            int n;
            if (vnet) {
                n = writeWithHeader(frame);
            } else {
                n = device.write(frame.buffer(), frame.offset(), frame.length());
            }
            if (n > 0) {
                written++;
            } else if (n == 0) {
                writeDrops++; // the kernel's queue is full or its side is down: the frame is lost, as on a wire
            } else {
                fail(null);
            }
        } catch (IOException e) {
            fail(e);
        } finally {
            frame.release();
        }
    }

    /**
     * On the loop: reads the next frame the kernel sent, or returns null when there is none (or the
     * device failed, which is reported once).
     *
     * <p>The read goes into a spare frame big enough for anything the device may hand over (a jumbo
     * frame, a 64 KiB segment); a frame that turns out to fit the loop's everyday size class is copied
     * into one, and the spare is kept for the next read. So a queue of small frames (a delayed link,
     * an ARP queue) never pins big buffers, and the big pools see only big frames.
     */
    Frame readFrame() {
        while (!failed) {
            Frame f = spare;
            if (f == null) {
                f = loop.acquire(readCapacity);
            } else {
                spare = null;
            }
            int header = vnet ? Offload.VNET_HEADER_LENGTH : 0;
            int at = f.offset() - header;
            int n;
            try {
                n = device.read(f.buffer(), at, f.capacity() - at);
            } catch (IOException e) {
                f.release();
                fail(e);
                return null;
            }
            if (n <= 0) {
                spare = f;
                if (n < 0) {
                    fail(null);
                }
                return null;
            }
            if (vnet) {
                if (n <= header) {
                    malformed++;
                    spare = f;
                    continue;
                }
                Offload.readHeader(f, f.buffer(), at);
            }
            f.setLength(n - header);
            if (f.isOffloaded() && !f.isGso() && !Offload.completeChecksum(f)) {
                // As a NIC would, fill in the checksum of every frame that is already wire-sized: only
                // TCP super-frames travel unfinished, so a receiver never quotes a partial checksum back
                // in an ICMP error, and nothing but segmentation is left to resolve.
                malformed++;
                f.clearOffload();
                spare = f;
                continue;
            }
            if (f.isGso()) {
                superFramesRead++;
            }
            if (f.length() + Frame.HEADROOM <= EventLoop.STANDARD_FRAME_CAPACITY) {
                Frame small = loop.acquire(f.length());
                small.copyFrom(f);
                f.clearOffload();
                spare = f;
                return small;
            }
            return f;
        }
        return null;
    }

    /** Reads from the kernel that were malformed (shorter than the virtio-net header, checksum offsets outside), dropped. */
    public long malformed() {
        return malformed;
    }

    /** TCP super-frames of up to 64 KiB that the kernel handed over (segmentation offload at work). */
    public long superFramesRead() {
        return superFramesRead;
    }

    /** Writes the frame behind a virtio-net header made from its offload state, in its headroom. */
    private int writeWithHeader(Frame frame) throws IOException {
        int at = frame.offset() - Offload.VNET_HEADER_LENGTH;
        if (at < 0) {
            Frame moved = loop.acquire(frame.length());
            moved.buffer().put(moved.offset(), frame.buffer(), frame.offset(), frame.length());
            moved.setLength(frame.length());
            moved.copyOffload(frame);
            try {
                return writeWithHeader(moved);
            } finally {
                moved.release();
            }
        }
        Offload.writeHeader(frame, frame.buffer(), at);
        int n = device.write(frame.buffer(), at, frame.length() + Offload.VNET_HEADER_LENGTH);
        return n > 0 ? frame.length() : n;
    }

    /** The fabric side lost or regained carrier: let the kernel see it, as a pulled cable. */
    @Override
    public void onCarrier(Port p, boolean up) {
        if (failed) {
            return;
        }
        try {
            device.setCarrier(up);
        } catch (IOException e) {
            if (!carrierUnsupported) {
                carrierUnsupported = true; // kernels before 5.0 lack TUNSETCARRIER; frames still flow
                System.err.println("tapnet: cannot show carrier changes on " + device.name() + ": " + e.getMessage());
            }
        }
    }

    /** Marks the device dead and says so once on stderr. */
    void fail(IOException cause) {
        if (!failed) {
            failed = true;
            System.err.println("tapnet: TAP device " + device.name() + " of " + port.fullName() + " failed"
                    + (cause == null ? " (closed)" : ": " + cause.getMessage()) + "; the rest of the network keeps running");
        }
    }

    public boolean isFailed() {
        return failed;
    }

    public long writeDrops() {
        return writeDrops;
    }

    public long written() {
        return written;
    }
}
