package io.tapnet.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapnet.phy.Link;
import io.tapnet.phy.Timer;
import io.tapnet.socket.EmulatedHost;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Acceptance item 2 of issue 4, in virtual time: a blocking TCP transfer of 8 MiB between two Java
 * hosts two routers apart, through the socket facade, across a link with 2 % loss, jitter that
 * reorders, and explicit reordering, which goes down for a few seconds in the middle of the transfer.
 * Every byte arrives, in order: the SHA-256 of what the server read equals that of what the client
 * wrote, and the client reads the server's digest back over the same connection.
 */
class TcpLinkFailureTest {
    static final long SECOND = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final int SIZE = 8 << 20;

    static String topology(String events) {
        return """
                name: tcp-link-failure
                nodes:
                  h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
                  r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/30 }, routes: ["10.0.2.0/24 via 10.0.12.2"] }
                  r2: { kind: router, interfaces: { eth0: 10.0.12.2/30, eth1: 10.0.2.1/24 }, routes: ["default via 10.0.12.1"] }
                  h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
                links:
                  - endpoints: [h1, "r1:eth0"]
                  - endpoints: ["r1:eth1", "r2:eth0"]
                    delay: 10ms
                    jitter: 3ms
                    loss: 2%
                    reorder: 1%
                  - endpoints: ["r2:eth1", h2]
                events:
                """ + events;
    }

    interface Body<T> {
        T run() throws Exception;
    }

    static <T> CompletableFuture<T> app(EmulatedHost host, String name, Body<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        host.spawn(name, () -> {
            try {
                f.complete(body.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Progress of the receiving side: (virtual time, bytes so far) after every read. */
    record Progress(long at, long bytes) {
    }

    /** What the receiving side saw. */
    record Received(byte[] digest, long bytes, List<Progress> progress) {
    }

    /**
     * Sends {@link #SIZE} random bytes from {@code sender} to {@code receiver} (the receiver may be
     * the client or the server), and returns the receiver's view, after checking the digests.
     * {@code onHalf} runs on the loop once the receiver has half of the data.
     */
    static Received transfer(Network network, String senderName, String receiverName, boolean senderConnects,
                             long seed, Runnable onHalf) throws IOException {
        EmulatedHost sender = network.host(senderName);
        EmulatedHost receiver = network.host(receiverName);
        byte[] data = new byte[SIZE];
        new Random(seed).nextBytes(data);
        List<Progress> progress = new ArrayList<>();
        EmulatedHost serverHost = senderConnects ? receiver : sender;
        ServerSocket server = serverHost.serverSocketFactory().createServerSocket(5001);

        Body<Received> receive = () -> {
            Socket s = senderConnects ? server.accept() : receiver.socketFactory().createSocket(senderName, 5001);
            try (s) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16 * 1024];
                long total = 0;
                boolean halfDone = false;
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    total += n;
                    progress.add(new Progress(network.loop().now(), total));
                    if (!halfDone && total >= SIZE / 2) {
                        halfDone = true;
                        network.run(onHalf);
                    }
                }
                byte[] digest = md.digest();
                s.getOutputStream().write(digest); // tells the sender what arrived
                s.shutdownOutput();
                return new Received(digest, total, progress);
            }
        };
        Body<byte[]> send = () -> {
            Socket s = senderConnects ? sender.socketFactory().createSocket(receiverName, 5001) : server.accept();
            try (s) {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < SIZE; off += 64 * 1024) {
                    out.write(data, off, Math.min(64 * 1024, SIZE - off));
                }
                s.shutdownOutput();
                return s.getInputStream().readAllBytes();
            }
        };
        CompletableFuture<Received> received = senderConnects
                ? app(receiver, "receiver", receive) : null;
        CompletableFuture<byte[]> sent = app(sender, "sender", send);
        if (received == null) {
            received = app(receiver, "receiver", receive);
        }
        Received r = network.await(received, 3600 * SECOND);
        byte[] echoedDigest = network.await(sent, 3600 * SECOND);
        server.close();
        assertEquals(SIZE, r.bytes(), "every byte arrives");
        assertArrayEquals(sha256(data), r.digest(), "SHA-256 of the received bytes");
        assertArrayEquals(sha256(data), echoedDigest, "the sender learns the same digest");
        return r;
    }

    static Network build(String events, long seed) throws IOException {
        return NetworkBuilder.of(TopologyLoader.parse(topology(events), "tcp-link-failure.yaml"))
                .virtualTime(true).seed(seed).build();
    }

    /** The longest stretch of virtual time in which no byte arrived, as [from, to). */
    static long[] longestStall(List<Progress> progress) {
        long[] worst = {0, 0};
        for (int i = 1; i < progress.size(); i++) {
            long gap = progress.get(i).at() - progress.get(i - 1).at();
            if (gap > worst[1] - worst[0]) {
                worst = new long[] {progress.get(i - 1).at(), progress.get(i).at()};
            }
        }
        return worst;
    }

    /** The link goes down when half the data has arrived and comes back {@code outageSeconds} later. */
    @ParameterizedTest(name = "seed {0}, down {1} s, upload {2}")
    @CsvSource({"1, 3, true", "2, 3, false", "3, 30, true"})
    void everyByteArrivesAcrossALossyReorderingLinkThatGoesDownMidTransfer(long seed, int outageSeconds, boolean upload)
            throws IOException {
        try (Network network = build("", seed)) {
            Link core = network.link("r1", "r2");
            long[] downAt = {-1};
            long[] upAt = {-1};
            Timer up = network.loop().newTimer(() -> {
                core.setUp(true);
                upAt[0] = network.loop().now();
            });
            Runnable pullTheCable = () -> {
                core.setUp(false);
                downAt[0] = network.loop().now();
                up.scheduleIn(outageSeconds * SECOND);
            };
            long t0 = network.loop().now();
            Received r = upload
                    ? transfer(network, "h1", "h2", true, seed, pullTheCable)
                    : transfer(network, "h2", "h1", false, seed, pullTheCable);
            long end = r.progress().get(r.progress().size() - 1).at();
            long[] stall = longestStall(r.progress());
            EmulatedHost sender = network.host(upload ? "h1" : "h2");
            long retransmitted = sender.tcp().counters().get("RetransSegs");
            System.out.printf("seed %d, %s, %d s outage: 8 MiB in %.2f s virtual; down at %.2f s, up at %.2f s;"
                            + " longest stall %.2f..%.2f s; sender retransmitted %d segments; link lost %d + %d frames%n",
                    seed, upload ? "upload" : "download", outageSeconds, (end - t0) / 1e9, (downAt[0] - t0) / 1e9,
                    (upAt[0] - t0) / 1e9, (stall[0] - t0) / 1e9, (stall[1] - t0) / 1e9, retransmitted,
                    core.lost(core.a()), core.lost(core.b()));

            assertTrue(downAt[0] > t0 && upAt[0] == downAt[0] + outageSeconds * SECOND, "the outage happened");
            assertTrue(end > upAt[0], "the transfer finished after the link came back");
            // Nothing got through while the cable was out (but what was already past it), and the
            // stall ends once TCP's backed-off retransmission finds the link up again.
            assertTrue(stall[0] <= downAt[0] + 100 * MS && stall[1] >= upAt[0], "longest stall "
                    + (stall[0] - t0) / 1e9 + ".." + (stall[1] - t0) / 1e9 + " s should cover the outage");
            // When the link returns, the retransmission timer has backed off to at most about twice the
            // outage; one retransmission lost to the 2 % loss may double it once more.
            assertTrue(stall[1] - upAt[0] <= 3L * (outageSeconds + 1) * SECOND,
                    "recovery within the backed-off retransmission timeout: " + (stall[1] - upAt[0]) / 1e9 + " s");
            assertTrue(retransmitted > 0);
            assertTrue(core.lost(core.a()) + core.lost(core.b()) > 0, "the 2 % loss was in play");
            assertEquals(0, network.loop().handlerErrors());
        }
    }

    /** The same with the outage scheduled in the topology file's {@code events:}, and a flap on top. */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"11", "12"})
    void everyByteArrivesAcrossOutagesScheduledInTheTopologyFile(long seed) throws IOException {
        String events = """
                  - { at: 2s, link: [r1, r2], down: true }
                  - { at: 5s, link: [r1, r2], up: true }
                  - { at: 6s, link: [r1, r2], flap: { every: 1s, cycles: 2 } }
                """;
        try (Network network = build(events, seed)) {
            List<String> log = new ArrayList<>();
            network.setEventLog(log::add);
            long t0 = network.loop().now();
            Received r = transfer(network, "h1", "h2", true, seed, () -> { });
            long end = r.progress().get(r.progress().size() - 1).at();
            long atTwo = r.progress().stream().filter(p -> p.at() <= t0 + 2 * SECOND).mapToLong(Progress::bytes)
                    .max().orElse(0);
            System.out.printf("seed %d, events: 8 MiB in %.2f s virtual, %d bytes before the first outage at 2 s%n",
                    seed, (end - t0) / 1e9, atTwo);
            assertTrue(atTwo > 0 && atTwo < SIZE, "the transfer was under way when the link went down: " + atTwo);
            assertTrue(end > t0 + 9 * SECOND, "and went on past the last flap");
            assertEquals(6, log.size(), String.join("\n", log));
            assertEquals(0, network.loop().handlerErrors());
        }
    }
}
