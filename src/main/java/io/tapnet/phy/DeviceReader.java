package io.tapnet.phy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every TAP device of a network, on the event loop's own thread: when the loop has nothing
 * ready it sleeps in {@code ppoll} over all the devices' descriptors (and an eventfd that other
 * threads signal to hand it work) until a device is readable or its next timer is due; when it is
 * busy it checks the devices without waiting between rounds of work. A readable device is read until
 * it has nothing more (at most a batch, for fairness), and each frame is transmitted from its port
 * and forwarded at once, so a frame crosses tapnet with one thread wake-up, not two, and no queue
 * between threads: the same work the C bridge in {@code native/} does, read then write.
 *
 * <p>A blocked JNA call would pin a virtual thread's carrier; the loop is a platform thread.
 * Frames come from the loop's pools (a size class that holds the largest frame the device may hand
 * over), so the steady state allocates nothing.
 */
public final class DeviceReader implements AutoCloseable {
    private static final int BATCH = 64;

    private final EventLoop loop;
    private final TapPoller poller;
    private final List<TapAttachment> attachments = new ArrayList<>();
    private volatile TapAttachment[] active = new TapAttachment[0];
    private TapAttachment[] current;
    private int[] fds = new int[0];
    private short[] revents = new short[0];
    private long framesRead;
    private boolean pollFailed;

    /** Creates the reader and makes it {@code loop}'s way of sleeping. */
    public DeviceReader(EventLoop loop) throws IOException {
        this.loop = loop;
        this.poller = new TapPoller();
        loop.attachDevices(this);
    }

    /** Adds a device; may be called before or after the loop starts, from any thread. */
    public synchronized void add(TapAttachment attachment) {
        attachments.add(attachment);
        active = attachments.toArray(new TapAttachment[0]);
        poller.wakeup();
    }

    /** Ends a running or the next {@link #pollAndRead} early; any thread. */
    void wakeup() {
        poller.wakeup();
    }

    /**
     * On the loop: waits up to {@code timeoutNanos} (-1: until woken, 0: not at all) for a device to
     * become readable, then reads and forwards what the ready devices hold. Returns the frames read.
     */
    int pollAndRead(long timeoutNanos) {
        TapAttachment[] now = active;
        if (now != current) {
            current = now;
            fds = new int[now.length];
            revents = new short[now.length];
        }
        for (int i = 0; i < current.length; i++) {
            fds[i] = current[i].isFailed() ? -1 : current[i].device().fd();
        }
        int ready;
        try {
            ready = poller.pollNanos(fds, revents, current.length, timeoutNanos);
            loop.awake();
        } catch (IOException | IllegalStateException e) {
            if (!pollFailed) {
                pollFailed = true;
                System.err.println("tapnet: polling TAP devices failed: " + e.getMessage());
            }
            return 0;
        }
        if (ready <= 0) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < current.length; i++) {
            if (revents[i] != 0 && fds[i] >= 0) {
                n += drain(current[i], revents[i]);
            }
        }
        return n;
    }

    private int drain(TapAttachment attachment, short revents) {
        if ((revents & (TunTapIoctl.POLLERR | TunTapIoctl.POLLHUP | TunTapIoctl.POLLNVAL)) != 0
                && (revents & TunTapIoctl.POLLIN) == 0) {
            attachment.fail(new IOException("poll reported " + revents));
            return 0;
        }
        int n = 0;
        for (int k = 0; k < BATCH; k++) {
            Frame f = attachment.readFrame();
            if (f == null) {
                break;
            }
            n++;
            framesRead++;
            loop.transmitNow(attachment.port(), f);
        }
        return n;
    }

    public long framesRead() {
        return framesRead;
    }

    /** Detaches from the loop and closes the poller; call after the loop has stopped. */
    @Override
    public void close() {
        loop.detachDevices(this);
        poller.close();
    }
}
