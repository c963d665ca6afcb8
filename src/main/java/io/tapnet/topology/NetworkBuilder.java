package io.tapnet.topology;

import io.tapnet.ip.Ipv4Stack;
import io.tapnet.ip.filter.Firewall;
import io.tapnet.link.Switch;
import io.tapnet.phy.Clock;
import io.tapnet.phy.DeviceReader;
import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Link;
import io.tapnet.phy.LinkCapture;
import io.tapnet.phy.LinuxNamespace;
import io.tapnet.phy.Port;
import io.tapnet.phy.TapAttachment;
import io.tapnet.phy.TapDevice;
import io.tapnet.app.AppHost;
import io.tapnet.app.ServiceLauncher;
import io.tapnet.socket.EmulatedHost;
import io.tapnet.transport.tcp.TcpConfig;
import io.tapnet.transport.tcp.TcpLayer;
import io.tapnet.transport.udp.UdpLayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a {@link Topology} into a running {@link Network}: Java hosts and routers get an
 * {@link Ipv4Stack}, switches a {@link Switch}, Linux nodes a namespace with one TAP device per
 * interface, and every link an in-memory {@link Link}. If anything fails half-way, whatever was
 * already created is removed before the error propagates.
 */
public final class NetworkBuilder {
    private final Topology topology;
    private Path captureDir;
    private boolean captureSegments;
    private boolean virtualTime;
    private long seed = 1;

    private NetworkBuilder(Topology topology) {
        this.topology = topology;
    }

    public static NetworkBuilder of(Topology topology) {
        return new NetworkBuilder(topology);
    }

    /** Writes one pcapng file per link into {@code dir}. */
    public NetworkBuilder captureTo(Path dir) {
        this.captureDir = dir;
        return this;
    }

    /**
     * Captures show offloaded TCP super-frames from Linux hosts as the MTU-sized segments a wire would
     * carry, instead of whole (as {@code tcpdump} on the Linux host shows them).
     */
    public NetworkBuilder captureSegments(boolean segments) {
        this.captureSegments = segments;
        return this;
    }

    /**
     * Runs the network in discrete-event time: no threads, the caller drives the loop. Linux nodes
     * need real time, since the kernel does not wait for anyone.
     */
    public NetworkBuilder virtualTime(boolean virtual) {
        this.virtualTime = virtual;
        return this;
    }

    /** Seeds the random sources of impaired links; the same seed replays the same losses in virtual time. */
    public NetworkBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** A locally administered MAC that is stable for a node and interface position. */
    static long generatedMac(int nodeIndex, int interfaceIndex) {
        return 0x02_00_00_00_00_00L | ((long) (nodeIndex + 1) << 8) | interfaceIndex;
    }

    public Network build() throws IOException {
        boolean hasLinux = topology.nodes().stream().anyMatch(n -> n.kind() == NodeKind.LINUX);
        if (hasLinux && virtualTime) {
            throw new IllegalStateException("topology " + topology.name()
                    + " has Linux nodes, which run in real time only");
        }
        if (hasLinux) {
            preflightNamespaces();
        }
        EventLoop loop = virtualTime ? EventLoop.virtual() : new EventLoop(Clock.system());
        Network network = new Network(topology, loop);
        try {
            if (hasLinux) {
                network.setReader(new DeviceReader(loop));
            }
            List<NodeSpec> nodes = topology.nodes();
            for (int n = 0; n < nodes.size(); n++) {
                NodeSpec spec = nodes.get(n);
                switch (spec.kind()) {
                    case HOST, ROUTER -> {
                        Ipv4Stack stack = buildStack(loop, spec, n);
                        network.addStack(spec.name(), stack);
                        network.addHost(buildHost(network, stack, spec, n));
                    }
                    case SWITCH -> network.addSwitch(spec.name(), buildSwitch(loop, spec));
                    case LINUX -> network.addLinuxHost(buildLinuxHost(network, spec, n));
                }
            }
            for (LinkSpec spec : topology.links()) {
                Port a = requirePort(network, spec.a());
                Port b = requirePort(network, spec.b());
                Link link = Link.connect(a, b);
                link.seed(seed + network.links().size());
                if (!spec.aToB().isNone()) {
                    link.impair(a, spec.aToB());
                }
                if (!spec.bToA().isNone()) {
                    link.impair(b, spec.bToA());
                }
                network.addLink(spec, link);
                if (captureDir != null) {
                    Files.createDirectories(captureDir);
                    String file = spec.a().node() + "-" + spec.a().iface() + "--" + spec.b().node() + "-"
                            + spec.b().iface() + ".pcapng";
                    LinkCapture capture = new LinkCapture(link, captureDir.resolve(file), captureSegments);
                    link.setObserver(capture);
                    network.addCapture(capture);
                }
            }
            for (Ipv4Stack stack : network.stacks().values()) {
                stack.setBooting(false);
            }
            EventScheduler.schedule(network);
            if (!virtualTime) {
                loop.start("tapnet-loop");
            }
            startServices(network);
            return network;
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** Starts each host's {@code services:}; a relative directory is relative to the topology file's. */
    private void startServices(Network network) throws IOException {
        Path base = Path.of(topology.source()).toAbsolutePath().getParent();
        for (NodeSpec spec : topology.nodes()) {
            for (ServiceSpec service : spec.services()) {
                EmulatedHost host = network.host(spec.name());
                try {
                    network.services().add(spec.name(), ServiceLauncher.start(service.kind(), service.port(),
                            service.protocol(), service.argument(), base, AppHost.of(host)));
                } catch (IOException | RuntimeException e) {
                    throw new IOException(spec.name() + ": cannot start service '" + service + "': " + e.getMessage(), e);
                }
            }
        }
    }

    private static Port requirePort(Network network, Endpoint e) {
        Port p = network.port(e.node(), e.iface());
        if (p == null) {
            throw new IllegalStateException("no interface " + e.node() + ":" + e.iface());
        }
        return p;
    }

    private void preflightNamespaces() throws IOException {
        List<String> clashes = new ArrayList<>();
        for (NodeSpec n : topology.nodes()) {
            if (n.kind() == NodeKind.LINUX && LinuxNamespace.exists(n.netns())) {
                clashes.add(n.netns());
            }
        }
        if (!clashes.isEmpty()) {
            throw new IOException("network namespace(s) " + String.join(", ", clashes)
                    + " already exist; remove them (ip netns del NAME, or tapnet cleanup) or set netns: in the topology");
        }
    }

    private static Ipv4Stack buildStack(EventLoop loop, NodeSpec spec, int nodeIndex) {
        Ipv4Stack stack = new Ipv4Stack(loop, spec.name(), spec.kind() == NodeKind.ROUTER);
        stack.setBooting(true);
        List<InterfaceSpec> ifs = spec.interfaces();
        for (int i = 0; i < ifs.size(); i++) {
            InterfaceSpec is = ifs.get(i);
            long mac = is.mac() != null ? is.mac() : generatedMac(nodeIndex, i);
            stack.addInterface(is.name(), mac, is.address().address(), is.address().prefixLength(), is.mtu());
        }
        for (RouteSpec r : spec.routes()) {
            stack.addRoute(r.destination().address(), r.destination().prefixLength(), r.nextHop(), r.device());
        }
        if (spec.gateway() != null) {
            stack.addRoute(0, 0, spec.gateway(), null);
        }
        installFirewall(stack, spec.firewall());
        if (spec.kind() == NodeKind.HOST) {
            stack.setSegmentationOffload(spec.offloads());
        }
        return stack;
    }

    /** Puts a {@link Firewall} in the stack when the node has any ACL, security group or NAT. */
    private static void installFirewall(Ipv4Stack stack, FirewallSpec spec) {
        if (spec.isEmpty()) {
            return;
        }
        Firewall firewall = new Firewall(stack, spec.conntrackOrDefault());
        spec.acls().forEach(firewall::acl);
        spec.securityGroups().forEach(firewall::securityGroup);
        spec.masquerade().forEach(firewall::masquerade);
        spec.forwards().forEach(firewall::portForward);
        firewall.install();
    }

    /** Every Java host and router gets UDP and TCP, as a Linux box would; seeded so virtual runs repeat. */
    private EmulatedHost buildHost(Network network, Ipv4Stack stack, NodeSpec spec, int nodeIndex) {
        long nodeSeed = seed * 1_000_003L + nodeIndex;
        TcpConfig config = virtualTime ? TcpConfig.defaults().withSeed(nodeSeed) : TcpConfig.defaults();
        TcpLayer tcp = new TcpLayer(stack, config);
        UdpLayer udp = virtualTime ? new UdpLayer(stack, new SplittableRandom(nodeSeed)) : new UdpLayer(stack);
        return new EmulatedHost(spec.name(), stack, tcp, udp, network::resolve);
    }

    private static Switch buildSwitch(EventLoop loop, NodeSpec spec) {
        Switch sw = new Switch(loop, spec.name(), spec.macTableSize(), spec.macAgingNanos());
        for (InterfaceSpec is : spec.interfaces()) {
            sw.addPort(is.name());
        }
        return sw;
    }

    private static LinuxHost buildLinuxHost(Network network, NodeSpec spec, int nodeIndex) throws IOException {
        LinuxNamespace ns = LinuxNamespace.create(spec.netns());
        network.onClose(() -> {
            try {
                ns.delete();
            } catch (IOException e) {
                System.err.println("tapnet: removing namespace " + ns.name() + ": " + e.getMessage());
            }
        });
        ns.setLoopbackUp();
        // tapnet speaks IPv4 only; without IPv6 the kernel stays quiet instead of soliciting routers.
        ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        List<TapAttachment> attachments = new ArrayList<>();
        List<InterfaceSpec> ifs = spec.interfaces();
        for (int i = 0; i < ifs.size(); i++) {
            InterfaceSpec is = ifs.get(i);
            TapDevice tap = TapAttachment.openForHost("tnet%d", spec.offloads(), spec.threadedNapi());
            network.onClose(tap::close);
            long mac = is.mac() != null ? is.mac() : generatedMac(nodeIndex, i);
            tap.setMac(mac);
            tap.setMtu(is.mtu());
            String kernelName = tap.name();
            ns.moveLink(kernelName);
            ns.renameLink(kernelName, is.name());
            ns.addAddress(is.name(), is.address().toString());
            ns.setUp(is.name());
            TapAttachment attachment = new TapAttachment(network.loop(), spec.name(), is.name(), tap);
            attachments.add(attachment);
            network.reader().add(attachment);
        }
        for (RouteSpec r : spec.routes()) {
            ns.addRoute(r.destination().toString(), io.tapnet.wire.Ipv4Address.format(r.nextHop()), r.device());
        }
        if (spec.gateway() != null) {
            ns.addDefaultRoute(io.tapnet.wire.Ipv4Address.format(spec.gateway()));
        }
        return new LinuxHost(spec.name(), ns, List.copyOf(attachments));
    }
}
