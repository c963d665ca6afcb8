package io.tapnet.topology;

import io.tapnet.ip.IpInterface;
import io.tapnet.ip.Ipv4Stack;
import io.tapnet.link.Switch;
import io.tapnet.phy.DeviceReader;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Link;
import io.tapnet.phy.LinkCapture;
import io.tapnet.phy.LinuxNamespace;
import io.tapnet.phy.Port;
import io.tapnet.phy.TapAttachment;
import io.tapnet.phy.Timer;
import io.tapnet.app.RunningServices;
import io.tapnet.socket.EmulatedHost;
import io.tapnet.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A running emulated network: the nodes and links of a {@link Topology}, the event loop that owns
 * them, and what they hold outside the JVM (TAP devices, namespaces, capture files), all released by
 * {@link #close()}.
 *
 * <p>Other threads touch the network only through {@link #call}, which runs the work on the loop, and
 * {@link #await}, which waits for a result computed there. In virtual time both simply drive the loop
 * on the caller's thread.
 */
public final class Network implements AutoCloseable {
    private final Topology topology;
    private final EventLoop loop;
    private final Map<String, Ipv4Stack> stacks = new LinkedHashMap<>();
    private final Map<String, Switch> switches = new LinkedHashMap<>();
    private final Map<String, EmulatedHost> hosts = new LinkedHashMap<>();
    private final Map<String, LinuxHost> linuxHosts = new LinkedHashMap<>();
    private final Map<LinkSpec, Link> links = new LinkedHashMap<>();
    private final List<LinkCapture> captures = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    private final java.util.Set<String> stopped = new java.util.HashSet<>();
    private DeviceReader reader;
    private volatile java.util.function.Consumer<String> eventLog = System.err::println;
    private Timer captureFlush;
    private boolean closed;
    private final RunningServices services = new RunningServices();

    Network(Topology topology, EventLoop loop) {
        this.topology = topology;
        this.loop = loop;
    }

    public Topology topology() {
        return topology;
    }

    public EventLoop loop() {
        return loop;
    }

    public boolean isVirtualTime() {
        return loop.clock().isVirtual();
    }

    // ------------------------------------------------------------------ assembly (builder only)

    void addStack(String name, Ipv4Stack stack) {
        stacks.put(name, stack);
    }

    void addHost(EmulatedHost host) {
        hosts.put(host.name(), host);
    }

    void addSwitch(String name, Switch sw) {
        switches.put(name, sw);
    }

    void addLinuxHost(LinuxHost host) {
        linuxHosts.put(host.name(), host);
    }

    void addLink(LinkSpec spec, Link link) {
        links.put(spec, link);
    }

    void addCapture(LinkCapture capture) {
        captures.add(capture);
        if (captureFlush == null) {
            captureFlush = loop.newTimer(this::flushCaptures);
            captureFlush.scheduleIn(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    private void flushCaptures() {
        for (LinkCapture c : captures) {
            c.flush();
        }
        captureFlush.scheduleIn(TimeUnit.MILLISECONDS.toNanos(500));
    }

    void setReader(DeviceReader reader) {
        this.reader = reader;
    }

    DeviceReader reader() {
        return reader;
    }

    /** Where scheduled events report themselves when they happen (stderr unless set). */
    public java.util.function.Consumer<String> eventLog() {
        return eventLog;
    }

    public void setEventLog(java.util.function.Consumer<String> log) {
        this.eventLog = log;
    }

    /** Registers work for {@link #close()}, run in reverse order of registration. */
    void onClose(Runnable cleanup) {
        cleanups.add(cleanup);
    }

    // ------------------------------------------------------------------ queries

    public Ipv4Stack stack(String node) {
        return stacks.get(node);
    }

    public Map<String, Ipv4Stack> stacks() {
        return Collections.unmodifiableMap(stacks);
    }

    /** The sockets side of a Java host or router (null for switches and Linux nodes). */
    public EmulatedHost host(String node) {
        return hosts.get(node);
    }

    public Map<String, EmulatedHost> hosts() {
        return Collections.unmodifiableMap(hosts);
    }

    public Switch switchNamed(String node) {
        return switches.get(node);
    }

    public Map<String, Switch> switches() {
        return Collections.unmodifiableMap(switches);
    }

    public LinuxHost linuxHost(String node) {
        return linuxHosts.get(node);
    }

    public Map<String, LinuxHost> linuxHosts() {
        return Collections.unmodifiableMap(linuxHosts);
    }

    public Map<LinkSpec, Link> links() {
        return Collections.unmodifiableMap(links);
    }

    public List<LinkCapture> captures() {
        return Collections.unmodifiableList(captures);
    }

    /** The link between two nodes (either order), or null. */
    public Link link(String nodeA, String nodeB) {
        for (Map.Entry<LinkSpec, Link> e : links.entrySet()) {
            String x = e.getKey().a().node();
            String y = e.getKey().b().node();
            if ((x.equals(nodeA) && y.equals(nodeB)) || (x.equals(nodeB) && y.equals(nodeA))) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The fabric-side port of {@code node:iface}, whatever the node's kind. */
    public Port port(String node, String iface) {
        Ipv4Stack s = stacks.get(node);
        if (s != null) {
            IpInterface i = s.iface(iface);
            return i == null ? null : i.port();
        }
        Switch sw = switches.get(node);
        if (sw != null) {
            for (Port p : sw.ports()) {
                if (p.name().equals(iface)) {
                    return p;
                }
            }
            return null;
        }
        LinuxHost lh = linuxHosts.get(node);
        if (lh != null) {
            TapAttachment a = lh.attachment(iface);
            return a == null ? null : a.port();
        }
        return null;
    }

    /**
     * Resolves a console target: a dotted quad, or a node name (its first interface address).
     * Returns null when neither fits.
     */
    public Integer resolve(String target) {
        NodeSpec spec = topology.node(target);
        if (spec != null) {
            for (InterfaceSpec i : spec.interfaces()) {
                if (i.address() != null) {
                    return i.address().address();
                }
            }
            return null;
        }
        try {
            return Ipv4Address.parse(target);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The node owning {@code address}, for printing hop names; null if none does. */
    public String nameOf(int address) {
        for (NodeSpec n : topology.nodes()) {
            if (n.interfaceWithAddress(address) != null) {
                return n.name();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ threads

    /** Runs {@code work} on the loop and returns its result. */
    public <T> T call(Supplier<T> work) {
        return loop.call(work);
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Waits for a result produced on the loop. In virtual time it drives the loop until the future
     * completes or {@code maxNanos} of virtual time pass.
     */
    public <T> T await(CompletableFuture<T> future, long maxNanos) {
        if (isVirtualTime() && loop.inLoop()) {
            loop.runUntil(future::isDone, maxNanos);
            if (!future.isDone()) {
                throw new IllegalStateException("no result within " + maxNanos / 1_000_000 + " ms of virtual time");
            }
        }
        try {
            return future.get(Math.max(1, maxNanos / 1_000_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no result within " + maxNanos / 1_000_000 + " ms");
        }
    }

    /** Lets the network run for a while: virtual time advances, real time sleeps. */
    public void idle(long nanos) {
        if (isVirtualTime()) {
            loop.runFor(nanos);
        } else {
            try {
                TimeUnit.NANOSECONDS.sleep(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops a node like a power cut (its interfaces go down, its dynamic state is lost) or starts it
     * again. Call on the loop (through {@link #run}).
     */
    public void setNodeRunning(String node, boolean running) {
        Ipv4Stack s = stacks.get(node);
        if (s != null) {
            s.setRunning(running);
        } else if (switches.containsKey(node)) {
            switches.get(node).setRunning(running);
        } else if (linuxHosts.containsKey(node)) {
            for (TapAttachment a : linuxHosts.get(node).attachments()) {
                a.port().setAdminUp(running);
            }
        } else {
            throw new IllegalArgumentException("no node " + node);
        }
        if (running) {
            stopped.remove(node);
        } else {
            stopped.add(node);
        }
    }

    public boolean isStopped(String node) {
        return stopped.contains(node);
    }

    /** Namespaces this network created, for cleanup checks. */
    public List<String> namespaces() {
        return linuxHosts.values().stream().map(h -> h.namespace().name()).toList();
    }

    /** Stops the loop and removes everything the network created: TAPs, namespaces, open captures. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // First, while the loop still runs: closing an emulated socket goes through the loop.
        services.stopAll();
        if (!isVirtualTime()) {
            loop.stop();
        }
        if (reader != null) {
            reader.close();
        }
        for (LinkCapture c : captures) {
            c.close();
        }
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).run();
            } catch (RuntimeException e) {
                System.err.println("tapnet: cleanup failed: " + e.getMessage());
            }
        }
        cleanups.clear();
    }

    /** The servers running on the hosts, started by the topology's {@code services:} or the console. */
    public RunningServices services() {
        return services;
    }

    public boolean isClosed() {
        return closed;
    }
}
