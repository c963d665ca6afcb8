package io.tapnet.phy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one platform thread that reads every TAP device: it polls all their descriptors, reads each
 * ready device until it has nothing more (at most a batch, for fairness), and hands the frames to the
 * event loop. Blocking native calls stay off virtual threads and off the loop.
 *
 * <p>Frames come from this thread's own pool and go back to it when the loop releases them, so the
 * steady state allocates nothing.
 */
public final class DeviceReader implements AutoCloseable {
    private static final int BATCH = 64;

    private final EventLoop loop;
    private final SharedFramePool pool;
    private final TapPoller poller;
    private final List<TapAttachment> attachments = new ArrayList<>();
    private volatile TapAttachment[] active = new TapAttachment[0];
    private final Thread thread;
    private volatile boolean running = true;
    private long framesRead;

    public DeviceReader(EventLoop loop) throws IOException {
        this.loop = loop;
        this.pool = new SharedFramePool(Frame.DEFAULT_CAPACITY, 4096);
        this.poller = new TapPoller();
        this.thread = new Thread(this::run, "tapnet-tap-reader");
        this.thread.setDaemon(true);
    }

    /** Adds a device; may be called before or after {@link #start()}. */
    public synchronized void add(TapAttachment attachment) {
        attachments.add(attachment);
        active = attachments.toArray(new TapAttachment[0]);
        poller.wakeup();
    }

    public void start() {
        thread.start();
    }

    private void run() {
        int[] fds = new int[0];
        short[] revents = new short[0];
        TapAttachment[] current = null;
        while (running) {
            TapAttachment[] now = active;
            if (now != current) {
                current = now;
                fds = new int[current.length];
                revents = new short[current.length];
            }
            for (int i = 0; i < current.length; i++) {
                fds[i] = current[i].isFailed() ? -1 : current[i].device().fd();
            }
            try {
                int ready = poller.poll(fds, revents, current.length, 1000);
                if (ready <= 0) {
                    continue;
                }
            } catch (IOException e) {
                if (running) {
                    System.err.println("tapnet: polling TAP devices failed: " + e.getMessage());
                }
                return;
            }
            for (int i = 0; i < current.length; i++) {
                if (revents[i] != 0 && fds[i] >= 0) {
                    drain(current[i], revents[i]);
                }
            }
        }
    }

    private void drain(TapAttachment attachment, short revents) {
        if ((revents & (TunTapIoctl.POLLERR | TunTapIoctl.POLLHUP | TunTapIoctl.POLLNVAL)) != 0
                && (revents & TunTapIoctl.POLLIN) == 0) {
            attachment.fail(new IOException("poll reported " + revents));
            return;
        }
        TapDevice device = attachment.device();
        for (int k = 0; k < BATCH; k++) {
            Frame f = pool.acquire();
            int n;
            try {
                n = device.read(f.buffer(), f.offset(), f.capacity() - f.offset());
            } catch (IOException e) {
                f.release();
                attachment.fail(e);
                return;
            }
            if (n <= 0) {
                f.release();
                if (n < 0) {
                    attachment.fail(null);
                }
                return;
            }
            f.setLength(n);
            framesRead++;
            loop.inject(attachment.port(), f);
        }
    }

    public long framesRead() {
        return framesRead;
    }

    @Override
    public void close() {
        running = false;
        poller.wakeup();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }
}
