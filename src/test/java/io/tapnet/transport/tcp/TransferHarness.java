package io.tapnet.transport.tcp;

import io.tapnet.phy.Port;
import io.tapnet.topology.Network;
import io.tapnet.topology.NetworkBuilder;
import io.tapnet.topology.TopologyLoader;
import io.tapnet.wire.Ipv4Address;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * End-to-end transfers between two Java hosts two routers apart, with an {@link ImpairingRelay}
 * between the routers:
 *
 * <pre>
 *   h1 --- r1 --- [relay] --- r2 --- h2
 * </pre>
 *
 * A server on h2 and a client on h1; the bytes flow either way. The sender streams a seeded
 * pseudo-random sequence and both ends hash it with SHA-256, so a transfer of any size needs no
 * memory for the data.
 */
final class TransferHarness implements AutoCloseable {
    static final String TOPOLOGY = """
            name: transfer
            nodes:
              h1: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
              r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.12.1/24 },
                    routes: [ "10.0.2.0/24 via 10.0.12.2" ] }
              s1: { kind: switch }
              r2: { kind: router, interfaces: { eth0: 10.0.12.2/24, eth1: 10.0.2.1/24 },
                    routes: [ "10.0.1.0/24 via 10.0.12.1" ] }
              h2: { kind: host, ip: 10.0.2.10/24, gateway: 10.0.2.1 }
            links:
              - endpoints: [h1, "r1:eth0"]
              - endpoints: ["r1:eth1", s1]
              - endpoints: [s1, "r2:eth0"]
              - endpoints: ["r2:eth1", h2]
            """;

    static final int H2 = Ipv4Address.parse("10.0.2.10");

    final Network network;
    final TcpLayer tcp1;
    final TcpLayer tcp2;
    final ImpairingRelay relay;

    TransferHarness(TcpConfig config, ImpairingRelay.Impairment forward, ImpairingRelay.Impairment backward,
                    long seed) {
        this(TOPOLOGY, config, forward, backward, seed);
    }

    TransferHarness(String topology, TcpConfig config, ImpairingRelay.Impairment forward,
                    ImpairingRelay.Impairment backward, long seed) {
        try {
            network = NetworkBuilder.of(TopologyLoader.parse(topology, "transfer.yaml")).virtualTime(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tcp1 = new TcpLayer(network.stack("h1"), config.withSeed(seed * 2 + 1));
        tcp2 = new TcpLayer(network.stack("h2"), config.withSeed(seed * 2 + 2));
        if (network.switchNamed("s1") == null) {
            relay = null; // a topology without the relay's switch: the links as they are
        } else {
            Port p1 = network.switchNamed("s1").ports().get(0);
            Port p2 = network.switchNamed("s1").ports().get(1);
            relay = new ImpairingRelay(p1, p2, forward, backward, seed);
        }
    }

    /** Streams {@code total} seeded bytes and hashes them. */
    static final class Source {
        private final SplittableRandom random;
        private final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        private final MessageDigest digest = sha256();
        private long remaining;

        Source(long total, long seed) {
            this.remaining = total;
            this.random = new SplittableRandom(seed);
            chunk.limit(0);
        }

        /** Writes as much as the endpoint takes; true once everything is written. */
        boolean pump(TcpEndpoint e) {
            while (true) {
                if (!chunk.hasRemaining()) {
                    if (remaining == 0) {
                        return true;
                    }
                    int n = (int) Math.min(chunk.capacity(), remaining);
                    chunk.clear().limit(n);
                    for (int i = 0; i < n; i += 8) {
                        long v = random.nextLong();
                        for (int k = 0; k < 8 && i + k < n; k++) {
                            chunk.put(i + k, (byte) (v >>> (8 * k)));
                        }
                    }
                    digest.update(chunk.duplicate());
                    remaining -= n;
                }
                if (e.write(chunk) == 0) {
                    return false;
                }
            }
        }

        byte[] hash() {
            return digest.digest();
        }
    }

    /** Reads and hashes everything until end of stream. */
    static final class Sink {
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private final MessageDigest digest = sha256();
        long received;
        boolean eof;

        void drain(TcpEndpoint e) {
            while (true) {
                buffer.clear();
                int n = e.read(buffer);
                if (n < 0) {
                    eof = true;
                    return;
                }
                if (n == 0) {
                    return;
                }
                buffer.flip();
                digest.update(buffer);
                received += n;
            }
        }

        byte[] hash() {
            return digest.digest();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a transfer produced. */
    record Result(boolean completed, byte[] sentHash, byte[] receivedHash, long received, long virtualNanos,
                  byte[] traceHash, TcpInfo senderInfo, String relay) {
    }

    /**
     * Transfers {@code bytes}: from h1 to h2 when {@code upload}, else from h2 to h1. Returns when
     * the receiver has seen end of stream, or after {@code maxVirtualNanos}.
     */
    Result transfer(long bytes, boolean upload, long dataSeed, long maxVirtualNanos) {
        Source source = new Source(bytes, dataSeed);
        Sink sink = new Sink();
        TcpEndpoint[] senderEnd = new TcpEndpoint[1];
        long start = network.loop().now();
        TcpListener listener = tcp2.listen(0, 5001, 16);

        TcpEndpoint.Events senderEvents = new TcpEndpoint.Events() {
            boolean done;

            void push(TcpEndpoint e) {
                if (!done && source.pump(e)) {
                    done = true;
                    e.close();
                }
            }

            @Override
            public void onConnected(TcpEndpoint e) {
                push(e);
            }

            @Override
            public void onWritable(TcpEndpoint e) {
                push(e);
            }
        };
        TcpEndpoint.Events receiverEvents = new TcpEndpoint.Events() {
            @Override
            public void onReadable(TcpEndpoint e) {
                sink.drain(e);
                if (sink.eof) {
                    e.close();
                }
            }
        };
        listener.setEvents(l -> {
            TcpEndpoint e = l.accept();
            if (upload) {
                e.setEvents(receiverEvents);
                receiverEvents.onReadable(e);
            } else {
                senderEnd[0] = e;
                e.setEvents(senderEvents);
                senderEvents.onWritable(e);
            }
        });
        TcpEndpoint client = tcp1.connect(H2, 5001, upload ? senderEvents : receiverEvents);
        if (upload) {
            senderEnd[0] = client;
        }
        boolean completed = network.loop().runUntil(() -> sink.eof, maxVirtualNanos);
        TcpInfo info = senderEnd[0] == null ? null : senderEnd[0].info();
        listener.close();
        return new Result(completed, source.hash(), sink.hash(), sink.received, network.loop().now() - start,
                relay == null ? null : relay.traceHash(), info, String.valueOf(relay));
    }

    @Override
    public void close() {
        network.close();
    }
}
