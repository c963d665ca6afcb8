package io.tapnet.transport.tcp;

import java.util.LinkedHashMap;
import java.util.Map;

/** Per-layer TCP counters, named after RFC 4022's MIB objects and Linux's netstat extensions. */
public final class TcpCounters {
    long activeOpens;
    long passiveOpens;
    long attemptFails;
    long estabResets;
    long currentEstablished;
    long inSegs;
    long outSegs;
    long retransSegs;
    long inErrs;
    long inCsumErrors;
    long outRsts;
    long inResets;
    long noSocket;
    long listenOverflows;
    long listenDrops;
    long synCookiesSent;
    long synCookiesReceived;
    long synCookiesFailed;
    long challengeAcks;
    long outOfWindow;
    long ackTooNew;
    long pawsRejected;
    long windowProbes;
    long keepAliveProbes;
    long icmpIgnored;

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("ActiveOpens", activeOpens);
        m.put("PassiveOpens", passiveOpens);
        m.put("AttemptFails", attemptFails);
        m.put("EstabResets", estabResets);
        m.put("CurrEstab", currentEstablished);
        m.put("InSegs", inSegs);
        m.put("OutSegs", outSegs);
        m.put("RetransSegs", retransSegs);
        m.put("InErrs", inErrs);
        m.put("InCsumErrors", inCsumErrors);
        m.put("OutRsts", outRsts);
        m.put("InResets", inResets);
        m.put("NoSocket", noSocket);
        m.put("ListenOverflows", listenOverflows);
        m.put("ListenDrops", listenDrops);
        m.put("SyncookiesSent", synCookiesSent);
        m.put("SyncookiesRecv", synCookiesReceived);
        m.put("SyncookiesFailed", synCookiesFailed);
        m.put("ChallengeACKs", challengeAcks);
        m.put("OutOfWindow", outOfWindow);
        m.put("AckTooNew", ackTooNew);
        m.put("PAWSRejected", pawsRejected);
        m.put("WindowProbes", windowProbes);
        m.put("KeepAliveProbes", keepAliveProbes);
        m.put("IcmpIgnored", icmpIgnored);
        return m;
    }

    /** A counter by the name {@link #snapshot()} uses. */
    public long get(String name) {
        Long v = snapshot().get(name);
        if (v == null) {
            throw new IllegalArgumentException("no TCP counter " + name);
        }
        return v;
    }
}
