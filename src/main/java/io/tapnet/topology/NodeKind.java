package io.tapnet.topology;

import java.util.Arrays;
import java.util.List;

/** What a node in the topology is, and so which runtime object the network builder makes of it. */
public enum NodeKind {
    /** A host running tapnet's own userspace stack inside the JVM. */
    HOST("host"),
    /** A Linux network namespace whose interface is the kernel end of a TAP device. */
    LINUX("linux"),
    /** A MAC-learning Ethernet switch. */
    SWITCH("switch"),
    /** An IPv4 router with static routes. */
    ROUTER("router");

    private final String yamlName;

    NodeKind(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The word used for this kind in topology files. */
    public String yamlName() {
        return yamlName;
    }

    /** The kind a topology file calls {@code name}, or null if there is none. */
    public static NodeKind fromYamlName(String name) {
        for (NodeKind kind : values()) {
            if (kind.yamlName.equals(name)) {
                return kind;
            }
        }
        return null;
    }

    /** The words topology files may use, in declaration order. */
    public static List<String> yamlNames() {
        return Arrays.stream(values()).map(NodeKind::yamlName).toList();
    }

    /** Whether the node's interfaces carry IPv4 addresses (all kinds except switches). */
    public boolean hasAddresses() {
        return this != SWITCH;
    }

    /** Whether the node takes a default gateway (end systems: hosts and Linux namespaces). */
    public boolean takesGateway() {
        return this == HOST || this == LINUX;
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
