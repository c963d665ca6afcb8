package io.tapnet.ip;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-node drop and traffic counters, named after the MIB-II objects of RFC 1213 where one exists
 * (as {@code nstat} shows them), and after the reason otherwise.
 */
public final class IpCounters {
    long ethTruncated;
    long ethNotForUs;
    long ethUnknownType;
    long ethTagged;
    long arpMalformed;
    long arpUnsupported;
    long arpRequestsAnswered;
    long ipInReceives;
    long ipInTruncated;
    long ipInBadChecksum;
    long ipInHdrErrors;
    long ipInAddrErrors;
    long ipForwDatagrams;
    long ipInUnknownProtos;
    long ipInDelivers;
    long ipOutRequests;
    long ipOutNoRoutes;
    long ipOutNoCarrier;
    long ipReasmReqds;
    long ipReasmOKs;
    long ipReasmFails;
    long ipFragOKs;
    long ipFragFails;
    long ipFragCreates;
    long icmpInMsgs;
    long icmpInErrors;
    long icmpInEchos;
    long icmpOutMsgs;
    long icmpOutEchoReps;
    long icmpOutTimeExcds;
    long icmpOutDestUnreachs;
    long icmpRateLimited;
    long filterDrops;
    long udpNoPorts;
    long udpInErrors;
    long tcpNoListener;

    /** A datagram arrived for a UDP port nobody listens on (RFC 1213 udpNoPorts). */
    public void countUdpNoPort() {
        udpNoPorts++;
    }

    /** A UDP datagram was malformed: truncated, bad length or bad checksum (RFC 1213 udpInErrors). */
    public void countUdpInError() {
        udpInErrors++;
    }

    /** Every counter by name, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("EthTruncated", ethTruncated);
        m.put("EthNotForUs", ethNotForUs);
        m.put("EthUnknownType", ethUnknownType);
        m.put("EthTagged", ethTagged);
        m.put("ArpMalformed", arpMalformed);
        m.put("ArpUnsupported", arpUnsupported);
        m.put("ArpRequestsAnswered", arpRequestsAnswered);
        m.put("IpInReceives", ipInReceives);
        m.put("IpInTruncated", ipInTruncated);
        m.put("IpInBadChecksum", ipInBadChecksum);
        m.put("IpInHdrErrors", ipInHdrErrors);
        m.put("IpInAddrErrors", ipInAddrErrors);
        m.put("IpForwDatagrams", ipForwDatagrams);
        m.put("IpInUnknownProtos", ipInUnknownProtos);
        m.put("IpInDelivers", ipInDelivers);
        m.put("IpOutRequests", ipOutRequests);
        m.put("IpOutNoRoutes", ipOutNoRoutes);
        m.put("IpOutNoCarrier", ipOutNoCarrier);
        m.put("IpReasmReqds", ipReasmReqds);
        m.put("IpReasmOKs", ipReasmOKs);
        m.put("IpReasmFails", ipReasmFails);
        m.put("IpFragOKs", ipFragOKs);
        m.put("IpFragFails", ipFragFails);
        m.put("IpFragCreates", ipFragCreates);
        m.put("IcmpInMsgs", icmpInMsgs);
        m.put("IcmpInErrors", icmpInErrors);
        m.put("IcmpInEchos", icmpInEchos);
        m.put("IcmpOutMsgs", icmpOutMsgs);
        m.put("IcmpOutEchoReps", icmpOutEchoReps);
        m.put("IcmpOutTimeExcds", icmpOutTimeExcds);
        m.put("IcmpOutDestUnreachs", icmpOutDestUnreachs);
        m.put("IcmpRateLimited", icmpRateLimited);
        m.put("FilterDrops", filterDrops);
        m.put("UdpNoPorts", udpNoPorts);
        m.put("UdpInErrors", udpInErrors);
        m.put("TcpNoListener", tcpNoListener);
        return m;
    }

    /** Frames and packets dropped because they were malformed, at any layer. */
    public long malformed() {
        return ethTruncated + arpMalformed + ipInTruncated + ipInBadChecksum + ipInHdrErrors + icmpInErrors + udpInErrors;
    }

    public long get(String name) {
        Long v = snapshot().get(name);
        if (v == null) {
            throw new IllegalArgumentException("no counter " + name);
        }
        return v;
    }
}
