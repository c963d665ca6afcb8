package io.tapnet.ip.filter;

/** Which way a packet crosses an interface, seen from the node the interface belongs to. */
public enum Direction {
    /** Arriving on the interface (to the node itself, or to be forwarded elsewhere). */
    IN,
    /** Leaving through the interface (sent by the node, or forwarded from elsewhere). */
    OUT;

    /** "in" or "out", as topology files write it. */
    public String word() {
        return this == IN ? "in" : "out";
    }
}
