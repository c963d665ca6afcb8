package io.tapnet.phy;

import java.io.IOException;

/**
 * Joins a kernel TAP device to the emulated network: frames that arrive at {@link #port()} from the
 * fabric are written to the TAP (the kernel receives them), and frames the kernel sends are read by a
 * {@link DeviceReader} and transmitted from the port. A device that fails is reported once and then
 * treated as unplugged; the rest of the network keeps running.
 */
public final class TapAttachment implements FrameHandler {
    private final TapDevice device;
    private final Port port;
    private volatile boolean failed;
    private boolean carrierUnsupported;
    private long writeDrops;
    private long written;

    public TapAttachment(EventLoop loop, String node, String interfaceName, TapDevice device) {
        this.device = device;
        this.port = new Port(loop, node, interfaceName, this);
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
            int n = device.write(frame.buffer(), frame.offset(), frame.length());
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
