package io.tapnet.bench.jmh;

import io.tapnet.wire.ArpPacket;
import io.tapnet.wire.ArpView;
import io.tapnet.wire.EthernetHeader;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.IcmpHeader;
import io.tapnet.wire.IcmpView;
import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4Header;
import io.tapnet.wire.Ipv4View;
import io.tapnet.wire.MacAddress;
import io.tapnet.wire.SackBlock;
import io.tapnet.wire.TcpHeader;
import io.tapnet.wire.TcpOptions;
import io.tapnet.wire.TcpOptionsValue;
import io.tapnet.wire.TcpView;
import io.tapnet.wire.UdpHeader;
import io.tapnet.wire.UdpView;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parse and emit of every header in {@code io.tapnet.wire}, the way the hot path uses them.
 *
 * <p><b>parse</b> is {@code view.wrap(...)} (which validates lengths and, where the header has one and
 * the hot path checks it, the checksum) followed by reading every field a node looks at; the sum is
 * returned so that nothing is dead code. <b>emit</b> writes a pre-built value record into a direct
 * buffer ({@code record.emit}), plus the checksum when the record leaves it to the caller. Buffers
 * are direct, as frames are. Packets are small (a 64-byte UDP payload, a 100-byte TCP payload) so that
 * header work, not the payload checksum, dominates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireBenchmarks {
    private static final int ETH = EthernetView.HEADER_LENGTH;
    private static final int IP = ETH;
    private static final int L4 = IP + Ipv4View.MIN_HEADER;
    private static final int SRC_IP = Ipv4Address.parse("10.0.1.10");
    private static final int DST_IP = Ipv4Address.parse("10.0.3.10");
    private static final long SRC_MAC = 0x02_00_00_00_01_0aL;
    private static final long DST_MAC = 0x02_00_00_00_03_0aL;
    private static final int UDP_PAYLOAD = 64;
    private static final int TCP_PAYLOAD = 100;

    private final EthernetView eth = new EthernetView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ip = new Ipv4View();
    private final IcmpView icmp = new IcmpView();
    private final UdpView udp = new UdpView();
    private final TcpView tcp = new TcpView();
    private final TcpOptions tcpOptions = new TcpOptions();
    private final Ipv4View ttlIp = new Ipv4View();

    private ByteBuffer arpFrame;
    private ByteBuffer icmpFrame;
    private ByteBuffer udpFrame;
    private ByteBuffer tcpFrame;
    private ByteBuffer out;
    private int icmpLength;
    private int udpLength;
    private int tcpLength;

    private EthernetHeader ethHeader;
    private ArpPacket arpPacket;
    private Ipv4Header ipHeader;
    private IcmpHeader icmpHeader;
    private UdpHeader udpHeader;
    private TcpHeader tcpHeader;

    @Setup
    public void setUp() {
        ethHeader = EthernetHeader.untagged(DST_MAC, SRC_MAC, EthernetView.ETHERTYPE_IPV4);
        arpPacket = ArpPacket.request(SRC_MAC, SRC_IP, DST_IP);
        icmpHeader = IcmpHeader.echoRequest(0x7a00, 1);
        udpHeader = UdpHeader.of(40000, 5201, UDP_PAYLOAD);
        TcpOptionsValue options = new TcpOptionsValue(TcpOptionsValue.ABSENT, TcpOptionsValue.ABSENT, false,
                List.of(new SackBlock(1_000_000L, 1_001_448L)), 123_456_789L, 987_654_321L);
        tcpHeader = new TcpHeader(40000, 5201, 1_000_000L, 2_000_000L, TcpView.ACK | TcpView.PSH, 502, 0, options);
        ipHeader = Ipv4Header.of(Ipv4View.PROTO_UDP, SRC_IP, DST_IP, UdpView.HEADER_LENGTH + UDP_PAYLOAD, 1, 64);

        arpFrame = ByteBuffer.allocateDirect(128);
        EthernetHeader.untagged(MacAddress.BROADCAST, SRC_MAC, EthernetView.ETHERTYPE_ARP).emit(arpFrame, 0);
        arpPacket.emit(arpFrame, ETH);

        icmpFrame = ByteBuffer.allocateDirect(256);
        icmpLength = IcmpView.HEADER_LENGTH + 56;
        ethHeader.emit(icmpFrame, 0);
        Ipv4Header.of(Ipv4View.PROTO_ICMP, SRC_IP, DST_IP, icmpLength, 2, 64).emit(icmpFrame, IP);
        icmpHeader.emit(icmpFrame, L4);
        icmp.wrap(icmpFrame, L4, icmpLength);
        icmp.fillChecksum();

        udpFrame = ByteBuffer.allocateDirect(256);
        udpLength = UdpView.HEADER_LENGTH + UDP_PAYLOAD;
        ethHeader.emit(udpFrame, 0);
        ipHeader.emit(udpFrame, IP);
        udpHeader.emit(udpFrame, L4);
        udp.wrap(udpFrame, L4, udpLength);
        udp.fillChecksum(SRC_IP, DST_IP);

        tcpFrame = ByteBuffer.allocateDirect(512);
        tcpLength = tcpHeader.headerLength() + TCP_PAYLOAD;
        ethHeader.emit(tcpFrame, 0);
        Ipv4Header.of(Ipv4View.PROTO_TCP, SRC_IP, DST_IP, tcpLength, 3, 64).emit(tcpFrame, IP);
        tcpHeader.emit(tcpFrame, L4);
        tcp.wrap(tcpFrame, L4, tcpLength);
        tcp.fillChecksum(SRC_IP, DST_IP, tcpLength);

        out = ByteBuffer.allocateDirect(512);
        ByteBuffer ttlFrame = ByteBuffer.allocateDirect(256);
        ipHeader.emit(ttlFrame, IP);
        check(ttlIp.wrap(ttlFrame, IP, Ipv4View.MIN_HEADER + udpLength), "ipv4");
        check(udp.wrap(udpFrame, L4, udpLength, SRC_IP, DST_IP), "udp");
        check(tcp.wrap(tcpFrame, L4, tcpLength, SRC_IP, DST_IP), "tcp");
        check(icmp.wrap(icmpFrame, L4, icmpLength), "icmp");
        check(arp.wrap(arpFrame, ETH, ArpView.LENGTH), "arp");
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(what + " fixture does not parse: status " + status);
        }
    }

    // ---------------------------------------------------------------- parse

    @Benchmark
    public long ethernetParse() {
        eth.wrap(udpFrame, 0, ETH + Ipv4View.MIN_HEADER + udpLength);
        return eth.destination() ^ eth.source() ^ eth.etherType();
    }

    @Benchmark
    public long arpParse() {
        int status = arp.wrap(arpFrame, ETH, ArpView.LENGTH);
        return status + arp.operation() + arp.senderHardwareAddress() + arp.senderProtocolAddress()
                + arp.targetProtocolAddress();
    }

    @Benchmark
    public long ipv4Parse() {
        int status = ip.wrap(udpFrame, IP, Ipv4View.MIN_HEADER + udpLength);
        return status + ip.ttl() + ip.protocol() + ip.source() + ip.destination() + ip.totalLength()
                + ip.fragmentOffset();
    }

    @Benchmark
    public long icmpParse() {
        int status = icmp.wrap(icmpFrame, L4, icmpLength);
        return status + icmp.type() + icmp.code() + icmp.identifier() + icmp.sequenceNumber();
    }

    @Benchmark
    public long udpParse() {
        int status = udp.wrap(udpFrame, L4, udpLength, SRC_IP, DST_IP);
        return status + udp.sourcePort() + udp.destinationPort() + udp.length();
    }

    @Benchmark
    public long tcpParse() {
        int status = tcp.wrap(tcpFrame, L4, tcpLength, SRC_IP, DST_IP);
        int optionsStatus = tcp.parseOptions(tcpOptions);
        return status + optionsStatus + tcp.sourcePort() + tcp.destinationPort() + tcp.sequenceNumber()
                + tcp.acknowledgmentNumber() + tcp.flags() + tcp.window() + tcpOptions.tsVal()
                + tcpOptions.sackBlockCount();
    }

    // ---------------------------------------------------------------- emit

    @Benchmark
    public int ethernetEmit() {
        return ethHeader.emit(out, 0);
    }

    @Benchmark
    public int arpEmit() {
        return arpPacket.emit(out, ETH);
    }

    @Benchmark
    public int ipv4Emit() {
        return ipHeader.emit(out, IP); // includes the header checksum
    }

    @Benchmark
    public int icmpEmit() {
        return icmpHeader.emit(out, L4);
    }

    @Benchmark
    public int udpEmit() {
        return udpHeader.emit(out, L4);
    }

    @Benchmark
    public int tcpEmit() {
        return tcpHeader.emit(out, L4); // header and options; checksum is separate (tcpChecksum)
    }

    /** The checksum a sender fills over pseudo-header, header and the 100-byte payload. */
    @Benchmark
    public int tcpChecksum() {
        tcp.wrap(tcpFrame, L4, tcpLength);
        tcp.fillChecksum(SRC_IP, DST_IP, tcpLength);
        return tcp.checksum();
    }

    /** What a router does to every packet: TTL - 1 with the RFC 1624 incremental checksum update. */
    @Benchmark
    public int ipv4DecrementTtl() {
        Ipv4View v = ttlIp;
        if (v.ttl() <= 1) {
            v.ttl(64); // once every 63 calls
            v.fillChecksum();
        }
        return v.decrementTtl();
    }
}
