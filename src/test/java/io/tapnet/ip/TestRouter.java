package io.tapnet.ip;

import static io.tapnet.testing.Frames.ip;

import io.tapnet.phy.EventLoop;
import io.tapnet.testing.Frames;
import io.tapnet.testing.StepHarness;

/**
 * A router between two test wires, with one host on each side already resolved both ways:
 *
 * <pre>
 *   lan (h1 10.0.1.10) --- eth0 10.0.1.1/24  r1  eth1 10.0.2.1/24 (MTU given) --- far (h2 10.0.2.10)
 * </pre>
 */
final class TestRouter {
    static final long H1_MAC = 0x02_00_00_00_01_0aL;
    static final long H2_MAC = 0x02_00_00_00_02_0aL;
    static final long R0_MAC = 0x02_00_00_00_00_01L;
    static final long R1_MAC = 0x02_00_00_00_00_02L;
    static final int H1 = ip("10.0.1.10");
    static final int H2 = ip("10.0.2.10");
    static final int R0 = ip("10.0.1.1");
    static final int R1 = ip("10.0.2.1");

    final EventLoop loop;
    final Ipv4Stack stack;
    final StepHarness lan;
    final StepHarness far;

    TestRouter(int farMtu) {
        this(EventLoop.virtual(), farMtu);
    }

    TestRouter(EventLoop loop, int farMtu) {
        this.loop = loop;
        stack = new Ipv4Stack(loop, "r1", true);
        IpInterface e0 = stack.addInterface("eth0", R0_MAC, R0, 24, 1500);
        IpInterface e1 = stack.addInterface("eth1", R1_MAC, R1, 24, farMtu);
        lan = StepHarness.attach(e0.port());
        far = StepHarness.attach(e1.port());
        lan.expect(Frames.gratuitousArp(R0_MAC, R0));
        far.expect(Frames.gratuitousArp(R1_MAC, R1));
        lan.receive(Frames.arpRequest(H1_MAC, H1, R0)).expect(Frames.arpReply(R0_MAC, R0, H1_MAC, H1));
        far.receive(Frames.arpRequest(H2_MAC, H2, R1)).expect(Frames.arpReply(R1_MAC, R1, H2_MAC, H2));
    }

    TestRouter() {
        this(1500);
    }

    long counter(String name) {
        return stack.counters().get(name);
    }
}
