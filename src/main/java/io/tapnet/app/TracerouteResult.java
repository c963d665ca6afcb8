package io.tapnet.app;

import java.util.List;

/** The hops a traceroute found; a responder of 0 means the probe timed out ({@code *}). */
public record TracerouteResult(List<Hop> hops, boolean reached) {

    /** One TTL's probes: who answered each, and whether the destination itself answered. */
    public record Hop(int ttl, List<Integer> responders, List<Long> rttNanos, boolean reachedDestination) {
    }

    /** The first responding address of each hop, 0 for a silent hop. */
    public List<Integer> path() {
        return hops.stream().map(h -> h.responders().stream().filter(a -> a != 0).findFirst().orElse(0)).toList();
    }
}
