package io.tapnet.topology;

/**
 * One end of a link: an interface of a node.
 *
 * @param node  the node's name
 * @param iface the interface's name; always set in a loaded topology (bare node names in the file are
 *              resolved, switch ports named {@code p1}, {@code p2}, ...)
 */
public record Endpoint(String node, String iface) {

    /** {@code node:iface}, as topology files write it. */
    @Override
    public String toString() {
        return node + ":" + iface;
    }
}
