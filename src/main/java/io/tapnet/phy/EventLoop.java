package io.tapnet.phy;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The single writer of all protocol state. Frames move between ports as deliveries queued here, timers
 * fire here, and other threads (device readers, the console) hand work in through thread-safe queues.
 *
 * <p>Two ways to run it: {@link #start(String)} runs it on its own platform thread against the system
 * clock (TAP devices and people are involved); {@link #runFor(long)} and {@link #runUntil} run it on
 * the caller's thread in discrete-event time with a {@link VirtualClock}: when nothing is ready, time
 * jumps to the next timer.
 *
 * <p>Deliveries are queued, never made by direct calls between nodes: a frame crossing ten routers is
 * ten loop iterations, not ten nested calls, and a switching loop in a topology floods the queue
 * instead of the stack.
 */
public final class EventLoop {
    private static final int INBOUND_CAPACITY = 16_384;

    private final Clock clock;
    private final FramePool pool;
    private FramePool largePool;

    private Port[] deliveryPorts = new Port[1024];
    private Frame[] deliveryFrames = new Frame[1024];
    private int deliveryHead;
    private int deliveryTail;

    private Timer[] heap = new Timer[256];
    private int heapSize;
    private long timerSequence;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final BoundedQueue<Frame> inbound = new BoundedQueue<>(INBOUND_CAPACITY);

    private volatile Thread loopThread;
    /** Application threads that are runnable; virtual time stands still while any is. */
    private final java.util.concurrent.atomic.AtomicInteger timeHolds = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running;
    private volatile boolean sleeping;
    /** The TAP devices the loop reads itself, sleeping in their poll; null: it parks instead. */
    private volatile DeviceReader devices;

    private long handlerErrors;
    private long inboundDrops;
    private long delivered;
    /** Offloaded frames that could not be resolved (see {@link Offload}); package-private for it. */
    long offloadErrors;

    public EventLoop(Clock clock) {
        this.clock = clock;
        this.pool = new FramePool(STANDARD_FRAME_CAPACITY, 4096);
    }

    /** A loop in virtual time, for tests and faster-than-real-time runs, driven by the calling thread. */
    public static EventLoop virtual() {
        EventLoop loop = new EventLoop(new VirtualClock());
        loop.loopThread = Thread.currentThread();
        return loop;
    }

    /**
     * Marks one more application thread as runnable. In virtual time the loop does not move the clock
     * while any is, since a runnable application may be about to hand the loop work "now". Pair every
     * call with {@link #releaseTime()}. No effect in real time.
     */
    public void holdTime() {
        timeHolds.incrementAndGet();
    }

    private static final ThreadLocal<EventLoop> APP_LOOP = new ThreadLocal<>();

    /**
     * Starts an application on a virtual thread that counts as runnable for {@link #holdTime()}
     * purposes until it blocks in {@link #call} or {@link #block}, or ends.
     */
    public Thread spawn(String name, Runnable app) {
        holdTime();
        try {
            return Thread.ofVirtual().name(name).start(() -> {
                APP_LOOP.set(this);
                try {
                    app.run();
                } finally {
                    APP_LOOP.remove();
                    releaseTime();
                }
            });
        } catch (RuntimeException | Error e) {
            releaseTime();
            throw e;
        }
    }

    /** True on a thread started by {@link #spawn} for this loop. */
    public boolean isAppThread() {
        return APP_LOOP.get() == this;
    }

    /**
     * Runs {@code work} on the loop and returns its result, from any thread: directly when called on
     * the loop, otherwise by handing it over and waiting. An application thread gives up its hold on
     * time while it waits and gets it back, on the loop, before it is woken, so virtual time cannot
     * slip between the two.
     */
    public <T> T call(java.util.function.Supplier<T> work) {
        if (inLoop()) {
            return work.get();
        }
        boolean app = isAppThread();
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                T value = work.get();
                if (app) {
                    holdTime();
                }
                result.complete(value);
            } catch (RuntimeException | Error e) {
                if (app) {
                    holdTime();
                }
                result.completeExceptionally(e);
            }
        });
        if (app) {
            releaseTime();
        }
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** An application thread blocked or ended; see {@link #holdTime()}. */
    public void releaseTime() {
        if (timeHolds.decrementAndGet() == 0) {
            wakeUp();
        }
    }

    public Clock clock() {
        return clock;
    }

    public long now() {
        return clock.nanos();
    }

    /** The loop's own frame pool; use only on the loop. */
    public FramePool pool() {
        return pool;
    }

    /** Frames big enough for a whole 64 KiB datagram (reassembly, offloaded segments); use only on the loop. */
    public FramePool largePool() {
        if (largePool == null) {
            largePool = new FramePool(LARGE_FRAME_CAPACITY, 64);
        }
        return largePool;
    }

    /** A 65 535-byte IPv4 datagram, its Ethernet and 802.1Q headers, and the headroom. */
    public static final int LARGE_FRAME_CAPACITY = 65_535 + 18 + Frame.HEADROOM;
    /**
     * The loop's everyday frames: a 1500-byte MTU frame with an 802.1Q tag and the headroom, rounded
     * to 2 KiB. Most traffic is this size or smaller; a broadcast flooded to hundreds of ports must
     * not cost hundreds of jumbo buffers.
     */
    public static final int STANDARD_FRAME_CAPACITY = 2048;

    private FramePool jumboPool;

    /** A frame from the smallest pool whose frames hold {@code length} bytes after the headroom. */
    public Frame acquire(int length) {
        if (length + Frame.HEADROOM <= STANDARD_FRAME_CAPACITY) {
            return pool.acquire();
        }
        if (length + Frame.HEADROOM <= Frame.DEFAULT_CAPACITY) {
            if (jumboPool == null) {
                jumboPool = new FramePool(Frame.DEFAULT_CAPACITY, 256);
            }
            return jumboPool.acquire();
        }
        return largePool().acquire();
    }

    /** A copy of {@code frame} in a frame of the right size class. */
    public Frame copy(Frame frame) {
        Frame f = acquire(frame.length() + Math.max(0, frame.offset() - Frame.HEADROOM));
        f.copyFrom(frame);
        return f;
    }

    public Timer newTimer(Runnable action) {
        return new Timer(this, action);
    }

    /** True when called from the thread that runs the loop. */
    public boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    // ---------------------------------------------------------------- deliveries

    /** Queues {@code frame} for {@code port}'s receive side; ownership passes to the loop. */
    public void deliver(Port port, Frame frame) {
        int capacity = deliveryPorts.length;
        if (deliveryTail - deliveryHead == capacity) {
            growDeliveries();
            capacity = deliveryPorts.length;
        }
        int i = deliveryTail & (capacity - 1);
        deliveryPorts[i] = port;
        deliveryFrames[i] = frame;
        deliveryTail++;
    }

    private void growDeliveries() {
        int oldCapacity = deliveryPorts.length;
        Port[] ports = new Port[oldCapacity * 2];
        Frame[] frames = new Frame[oldCapacity * 2];
        int count = deliveryTail - deliveryHead;
        for (int k = 0; k < count; k++) {
            int i = (deliveryHead + k) & (oldCapacity - 1);
            ports[k] = deliveryPorts[i];
            frames[k] = deliveryFrames[i];
        }
        deliveryPorts = ports;
        deliveryFrames = frames;
        deliveryHead = 0;
        deliveryTail = count;
    }

    private int runDeliveries() {
        int n = 0;
        while (deliveryHead != deliveryTail) {
            int i = deliveryHead & (deliveryPorts.length - 1);
            Port port = deliveryPorts[i];
            Frame frame = deliveryFrames[i];
            deliveryPorts[i] = null;
            deliveryFrames[i] = null;
            deliveryHead++;
            n++;
            try {
                port.receive(frame);
            } catch (RuntimeException e) {
                handlerFailed(port, e);
            }
        }
        delivered += n;
        return n;
    }

    // ---------------------------------------------------------------- other threads

    /** Runs {@code task} on the loop; callable from any thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        wakeUp();
    }

    /**
     * Hands a frame read on another thread (a socket or device that the loop does not poll itself)
     * to the loop; the loop transmits it from {@code frame.ingress}. Returns false (and releases the
     * frame) when the loop is overwhelmed.
     */
    public boolean inject(Port from, Frame frame) {
        frame.ingress = from;
        if (!inbound.offer(frame)) {
            inboundDrops++;
            frame.release();
            return false;
        }
        wakeUp();
        return true;
    }

    private void wakeUp() {
        if (sleeping) {
            DeviceReader d = devices;
            if (d != null) {
                d.wakeup();
            } else {
                Thread t = loopThread;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
    }

    /** From now on the loop sleeps in {@code reader}'s poll and reads its devices itself. */
    void attachDevices(DeviceReader reader) {
        if (clock.isVirtual()) {
            throw new IllegalStateException("TAP devices need a real-time loop");
        }
        devices = reader;
        Thread t = loopThread;
        if (t != null) {
            LockSupport.unpark(t); // it may have parked before it saw the devices
        }
    }

    void detachDevices(DeviceReader reader) {
        if (devices == reader) {
            devices = null;
            reader.wakeup();
        }
    }

    /** On the loop, back from sleeping in the devices' poll: other threads need not wake it now. */
    void awake() {
        sleeping = false;
    }

    /** On the loop: a frame a device just handed over leaves {@code from} and is forwarded at once. */
    void transmitNow(Port from, Frame frame) {
        try {
            from.transmit(frame);
        } catch (RuntimeException e) {
            handlerFailed(from, e);
        }
        runDeliveries();
    }

    private int runInbound() {
        int n = 0;
        Frame f;
        while (n < 4096 && (f = inbound.poll()) != null) {
            Port from = f.ingress;
            f.ingress = null;
            n++;
            try {
                from.transmit(f);
            } catch (RuntimeException e) {
                handlerFailed(from, e);
            }
        }
        return n;
    }

    private int runTasks() {
        int n = 0;
        Runnable task;
        while (n < 1024 && (task = tasks.poll()) != null) {
            n++;
            try {
                task.run();
            } catch (RuntimeException e) {
                handlerFailed(null, e);
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- timers

    void schedule(Timer t, long deadline) {
        t.deadline = deadline;
        t.sequence = timerSequence++;
        if (t.heapIndex >= 0) {
            siftUp(t.heapIndex);
            siftDown(t.heapIndex);
            return;
        }
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        heap[heapSize] = t;
        t.heapIndex = heapSize;
        heapSize++;
        siftUp(heapSize - 1);
    }

    void cancel(Timer t) {
        int i = t.heapIndex;
        if (i < 0) {
            return;
        }
        heapSize--;
        Timer last = heap[heapSize];
        heap[heapSize] = null;
        t.heapIndex = -1;
        if (i < heapSize) {
            heap[i] = last;
            last.heapIndex = i;
            siftUp(i);
            siftDown(i);
        }
    }

    private static boolean before(Timer a, Timer b) {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence);
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!before(t, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < heapSize && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private int runDueTimers(long now) {
        int n = 0;
        while (heapSize > 0 && heap[0].deadline <= now) {
            Timer t = heap[0];
            cancel(t);
            n++;
            try {
                t.fire();
            } catch (RuntimeException e) {
                handlerFailed(null, e);
            }
            runDeliveries();
        }
        return n;
    }

    /** The earliest timer deadline, or {@link Long#MAX_VALUE} when no timer is armed. */
    public long nextDeadline() {
        return heapSize == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    // ---------------------------------------------------------------- running

    private int runReady() {
        int n = runInbound();
        n += runTasks();
        n += runDeliveries();
        n += runDueTimers(clock.nanos());
        n += runDeliveries();
        return n;
    }

    /** Starts the loop on a platform thread against a real clock. */
    public synchronized void start(String threadName) {
        if (clock.isVirtual()) {
            throw new IllegalStateException("a virtual-time loop runs on the caller's thread");
        }
        if (running) {
            return;
        }
        running = true;
        Thread t = new Thread(this::runRealTime, threadName);
        t.setDaemon(true);
        loopThread = t;
        t.start();
    }

    private void runRealTime() {
        while (running) {
            DeviceReader d = devices;
            int work = runReady();
            if (work > 0) {
                if (d != null) {
                    d.pollAndRead(0); // busy with other work: the devices still get their turn
                }
                continue;
            }
            sleeping = true;
            if (!inbound.isEmpty() || !tasks.isEmpty()) {
                sleeping = false;
                continue;
            }
            long next = nextDeadline();
            long wait = next == Long.MAX_VALUE ? -1 : Math.max(0, next - clock.nanos());
            if (wait != 0) {
                if (d != null) {
                    d.pollAndRead(wait);
                } else if (wait < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
            }
            sleeping = false;
        }
    }

    /** Stops a real-time loop and waits for its thread to finish. */
    public void stop() {
        Thread t = loopThread;
        running = false;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            DeviceReader d = devices;
            if (d != null) {
                d.wakeup(); // it may be asleep in the devices' poll, where unpark does not reach
            }
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs in virtual time for {@code durationNanos}. */
    public void runFor(long durationNanos) {
        runUntil(() -> false, durationNanos);
    }

    /**
     * Runs in virtual time until {@code condition} holds (checked whenever the loop is idle at an
     * instant) or {@code maxNanos} of virtual time pass. Returns whether the condition held.
     */
    public boolean runUntil(BooleanSupplier condition, long maxNanos) {
        if (!(clock instanceof VirtualClock virtualClock)) {
            throw new IllegalStateException("runUntil needs a virtual clock; this loop runs in real time");
        }
        loopThread = Thread.currentThread();
        long end = clock.nanos() + maxNanos;
        while (true) {
            while (runReady() > 0) {
                // drain everything that is ready at this instant
            }
            if (condition.getAsBoolean()) {
                return true;
            }
            if (timeHolds.get() > 0) {
                // An application is running; wait for it to hand over work or block.
                sleeping = true;
                if (tasks.isEmpty() && inbound.isEmpty() && timeHolds.get() > 0) {
                    LockSupport.parkNanos(this, 1_000_000L);
                }
                sleeping = false;
                continue;
            }
            if (!tasks.isEmpty() || !inbound.isEmpty()) {
                // An application handed over work and then released time after the loop last looked:
                // its hold's release (read above) comes after the hand-off, so the work is visible now
                // and must run at this instant, not after the clock moves on.
                continue;
            }
            long next = nextDeadline();
            if (next > end) {
                virtualClock.advanceTo(end);
                return condition.getAsBoolean();
            }
            virtualClock.advanceTo(next);
        }
    }

    // ---------------------------------------------------------------- failures and counters

    private void handlerFailed(Port port, RuntimeException e) {
        handlerErrors++;
        if (handlerErrors <= 10) {
            System.err.println("tapnet: internal error" + (port == null ? "" : " on " + port.name()) + ": " + e);
            e.printStackTrace(System.err);
        }
    }

    /** Exceptions that escaped a node; any non-zero value is a bug. */
    public long handlerErrors() {
        return handlerErrors;
    }

    /** Frames from devices dropped because the loop could not keep up. */
    public long inboundDrops() {
        return inboundDrops;
    }

    /** Offloaded frames dropped because they were malformed or of an unsupported segmentation type. */
    public long offloadErrors() {
        return offloadErrors;
    }

    public long delivered() {
        return delivered;
    }
}
