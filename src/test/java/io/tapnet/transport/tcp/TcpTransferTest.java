package io.tapnet.transport.tcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 3 of the testing brief: transfers in virtual time across two routers and a lossy,
 * duplicating, reordering, corrupting relay, checked by SHA-256, for many seeds, both directions
 * and both congestion controllers.
 */
class TcpTransferTest {
    static final long MS = 1_000_000L;
    static final long MIB = 1024 * 1024;

    static ImpairingRelay.Impairment lossy(double loss) {
        // 10 ms one way, 50 Mbit/s bottleneck with a 100-frame queue, plus the brief's impairments.
        return new ImpairingRelay.Impairment(10 * MS, 50_000_000, 100, loss, 0.01, 0.02, 3 * MS, 0.005);
    }

    static TcpConfig config(CongestionControl.Factory cc) {
        return TcpConfig.defaults().withBuffers(1 << 20, 1 << 20).withCongestionControl(cc);
    }

    static TransferHarness.Result run(TcpConfig config, ImpairingRelay.Impairment forward,
                                      ImpairingRelay.Impairment backward, long seed, long bytes, boolean upload) {
        try (TransferHarness h = new TransferHarness(config, forward, backward, seed)) {
            TransferHarness.Result r = h.transfer(bytes, upload, seed, 3_600_000 * MS);
            assertEquals(0, h.network.loop().handlerErrors(), "exceptions escaped on the loop");
            return r;
        }
    }

    static void check(TransferHarness.Result r, long bytes) {
        assertTrue(r.completed(), "transfer did not complete: received " + r.received() + " of " + bytes + "; " + r.relay()
                + "; sender " + r.senderInfo());
        assertEquals(bytes, r.received());
        assertArrayEquals(r.sentHash(), r.receivedHash(), "SHA-256 of received bytes differs from sent");
        TcpInfo i = r.senderInfo();
        System.out.printf("%d bytes in %.2f s virtual (%.1f Mbit/s); %s; sender %s cwnd %d srtt %.1f ms, "
                        + "%d segments, %d retransmits (%d fast, %d timeouts)%n",
                bytes, r.virtualNanos() / 1e9, bytes * 8 / (r.virtualNanos() / 1e9) / 1e6, r.relay(),
                i.congestionControl(), i.cwnd(), i.srttNanos() / 1e6, i.segmentsSent(), i.retransmits(),
                i.fastRetransmits(), i.timeouts());
    }

    @Test
    void cleanPathTransfersFourMebibytes() {
        ImpairingRelay.Impairment clean = ImpairingRelay.Impairment.clean(5 * MS, 100_000_000);
        TransferHarness.Result r = run(config(NewReno.FACTORY), clean, clean, 1, 4 * MIB, true);
        check(r, 4 * MIB);
    }

    static Stream<Arguments> lossyCases() {
        List<Arguments> cases = new ArrayList<>();
        double[] losses = {0.0, 0.01, 0.03, 0.10};
        long seed = 100;
        for (double loss : losses) {
            for (boolean upload : new boolean[] {true, false}) {
                for (String cc : new String[] {"newreno", "cubic"}) {
                    for (int k = 0; k < 2; k++) {
                        cases.add(Arguments.of(loss, upload, cc, seed++));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "loss {0} upload {1} {2} seed {3}")
    @MethodSource("lossyCases")
    void lossyPathTransfersIntactly(double loss, boolean upload, String cc, long seed) {
        CongestionControl.Factory f = cc.equals("cubic") ? Cubic.FACTORY : NewReno.FACTORY;
        long bytes = 2 * MIB;
        TransferHarness.Result r = run(config(f), lossy(loss), lossy(loss), seed, bytes, upload);
        check(r, bytes);
    }

    @Test
    void sameSeedGivesTheSamePacketTrace() {
        TcpConfig config = config(Cubic.FACTORY);
        TransferHarness.Result a = run(config, lossy(0.03), lossy(0.03), 7, MIB, true);
        TransferHarness.Result b = run(config, lossy(0.03), lossy(0.03), 7, MIB, true);
        TransferHarness.Result c = run(config, lossy(0.03), lossy(0.03), 8, MIB, true);
        check(a, MIB);
        assertArrayEquals(a.traceHash(), b.traceHash(), "same seed, same frames at the same times");
        assertEquals(a.virtualNanos(), b.virtualNanos());
        assertTrue(!java.util.Arrays.equals(a.traceHash(), c.traceHash()), "another seed, another trace");
    }

    @Test
    void smallerPathMtuIsDiscoveredThroughIcmp() {
        String topology = TransferHarness.TOPOLOGY.replace("eth1: 10.0.2.1/24 }", "eth1: { ip: 10.0.2.1/24, mtu: 1400 } }");
        ImpairingRelay.Impairment clean = ImpairingRelay.Impairment.clean(5 * MS, 100_000_000);
        try (TransferHarness h = new TransferHarness(topology, config(NewReno.FACTORY), clean, clean, 3)) {
            TransferHarness.Result r = h.transfer(MIB, true, 3, 600_000 * MS);
            check(r, MIB);
            assertEquals(1360, r.senderInfo().sendMss(), "RFC 1191: next-hop MTU 1400 minus 40");
        }
    }

    static Stream<Arguments> sixtyFourMebibyteCases() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 6400;
        for (double loss : new double[] {0.0, 0.05, 0.10}) {
            for (boolean upload : new boolean[] {true, false}) {
                for (String cc : new String[] {"newreno", "cubic"}) {
                    cases.add(Arguments.of(loss, upload, cc, seed++));
                }
            }
        }
        return cases.stream();
    }

    /**
     * 64 MiB per run across the whole loss range, with 1 % duplication, reordering and corruption
     * on top, both directions and both congestion controllers; SHA-256 of what arrived checked.
     */
    @ParameterizedTest(name = "64 MiB, loss {0} upload {1} {2} seed {3}")
    @MethodSource("sixtyFourMebibyteCases")
    void sixtyFourMebibytesAcrossLossyPaths(double loss, boolean upload, String cc, long seed) {
        long bytes = 64 * MIB;
        CongestionControl.Factory f = cc.equals("cubic") ? Cubic.FACTORY : NewReno.FACTORY;
        ImpairingRelay.Impairment path = new ImpairingRelay.Impairment(5 * MS, 200_000_000, 200, loss, 0.01, 0.01,
                MS, 0.001);
        long wall = System.nanoTime();
        TransferHarness.Result r = run(config(f), path, path, seed, bytes, upload);
        check(r, bytes);
        System.out.printf("64 MiB, loss %.0f%%, %s, %s: %.1f s of network time, %.1f s of wall time%n", loss * 100,
                upload ? "upload" : "download", cc, r.virtualNanos() / 1e9, (System.nanoTime() - wall) / 1e9);
    }
}
