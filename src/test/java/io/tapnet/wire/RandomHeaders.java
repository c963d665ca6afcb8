package io.tapnet.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random valid records for property tests, biased towards boundary values where bugs live. */
final class RandomHeaders {
    private final Random random;

    RandomHeaders(Random random) {
        this.random = random;
    }

    /** Uniform in [0, bound] with 1 in 4 draws taken from the edges {0, 1, bound-1, bound}. */
    int upTo(int bound) {
        if (random.nextInt(4) == 0) {
            int[] edges = {0, Math.min(1, bound), Math.max(0, bound - 1), bound};
            return edges[random.nextInt(edges.length)];
        }
        return random.nextInt(bound + 1);
    }

    long u32() {
        if (random.nextInt(4) == 0) {
            long[] edges = {0, 1, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL};
            return edges[random.nextInt(edges.length)];
        }
        return random.nextInt() & 0xffffffffL;
    }

    long mac() {
        return random.nextLong() & 0xffff_ffff_ffffL;
    }

    EthernetHeader ethernet() {
        boolean tagged = random.nextBoolean();
        int etherType = upTo(0xffff);
        if (!tagged && etherType == EthernetView.ETHERTYPE_VLAN) {
            etherType = EthernetView.ETHERTYPE_IPV4;
        }
        return new EthernetHeader(mac(), mac(), etherType, tagged ? upTo(4095) : -1, tagged ? upTo(7) : 0);
    }

    ArpPacket arp() {
        return new ArpPacket(upTo(0xffff), mac(), random.nextInt(), mac(), random.nextInt());
    }

    Ipv4Header ipv4() {
        return new Ipv4Header(upTo(63), upTo(3), 20 + upTo(0xffff - 20), upTo(0xffff), upTo(7), upTo(0x1fff),
                upTo(255), upTo(255), random.nextInt(), random.nextInt());
    }

    IcmpHeader icmp() {
        return new IcmpHeader(upTo(255), upTo(255), u32());
    }

    UdpHeader udp() {
        return new UdpHeader(upTo(0xffff), upTo(0xffff), 8 + upTo(0xffff - 8));
    }

    TcpOptionsValue tcpOptions() {
        int mss = random.nextBoolean() ? upTo(0xffff) : -1;
        int ws = random.nextBoolean() ? upTo(255) : -1;
        boolean sackPermitted = random.nextBoolean();
        boolean ts = random.nextBoolean();
        long tsVal = ts ? u32() : -1;
        long tsEcr = ts ? u32() : -1;
        int used = (mss >= 0 ? 4 : 0) + (ts ? 12 : sackPermitted ? 4 : 0) + (ws >= 0 ? 4 : 0);
        int room = (40 - used - 4) / 8;
        int blocks = room <= 0 ? 0 : random.nextInt(Math.min(room, 4) + 1);
        List<SackBlock> sacks = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            sacks.add(new SackBlock(u32(), u32()));
        }
        return new TcpOptionsValue(mss, ws, sackPermitted, sacks, tsVal, tsEcr);
    }

    TcpHeader tcp() {
        TcpOptionsValue options = random.nextInt(4) == 0 ? TcpOptionsValue.NONE : tcpOptions();
        return new TcpHeader(upTo(0xffff), upTo(0xffff), u32(), u32(), upTo(0xff), upTo(0xffff), upTo(0xffff), options);
    }
}
