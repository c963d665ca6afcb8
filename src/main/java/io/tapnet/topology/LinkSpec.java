package io.tapnet.topology;

import io.tapnet.phy.Impairment;

import java.util.List;

/**
 * A point-to-point link (a virtual cable) between two interfaces.
 *
 * <p>Impairments (delay, loss, ...) will be further components; topology files already reserve their
 * keys.
 */
public record LinkSpec(Endpoint a, Endpoint b, Impairment aToB, Impairment bToA) {

    public LinkSpec {
        aToB = aToB == null ? Impairment.NONE : aToB;
        bToA = bToA == null ? Impairment.NONE : bToA;
    }

    /** A perfect wire both ways. */
    public LinkSpec(Endpoint a, Endpoint b) {
        this(a, b, Impairment.NONE, Impairment.NONE);
    }


    /** Both ends, {@code a} first. */
    public List<Endpoint> endpoints() {
        return List.of(a, b);
    }

    /** Whether either end is on {@code node}. */
    public boolean touches(String node) {
        return a.node().equals(node) || b.node().equals(node);
    }

    /** The end facing {@code end}, or null if {@code end} is not one of this link's ends. */
    public Endpoint peerOf(Endpoint end) {
        if (a.equals(end)) {
            return b;
        }
        if (b.equals(end)) {
            return a;
        }
        return null;
    }

    @Override
    public String toString() {
        return a + " <-> " + b;
    }
}
