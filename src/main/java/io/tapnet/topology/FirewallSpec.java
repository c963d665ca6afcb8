package io.tapnet.topology;

import io.tapnet.ip.filter.ConnTrackConfig;
import io.tapnet.ip.filter.InterfaceAcl;
import io.tapnet.ip.filter.PortForward;
import io.tapnet.ip.filter.SecurityGroup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access control and address translation of one node, as the file describes it: interface ACLs
 * (hosts and routers), security groups (host interfaces), masquerade and port forwards (routers), and
 * the connection table's size and timeouts. {@link NetworkBuilder} turns a non-empty one into an
 * {@link io.tapnet.ip.filter.Firewall} on the node's stack.
 *
 * @param acls           interface name to its ACL, in file order
 * @param securityGroups interface name to its security group, in file order
 * @param masquerade     interfaces whose new outgoing connections take the interface's address
 * @param forwards       port forwards to inside hosts
 * @param conntrack      connection table size and timeouts, or null for the defaults
 */
public record FirewallSpec(Map<String, InterfaceAcl> acls, Map<String, SecurityGroup> securityGroups,
                           List<String> masquerade, List<PortForward> forwards, ConnTrackConfig conntrack) {

    /** A node without any. */
    public static final FirewallSpec NONE = new FirewallSpec(null, null, null, null, null);

    public FirewallSpec {
        acls = acls == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(acls));
        securityGroups = securityGroups == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(securityGroups));
        masquerade = masquerade == null ? List.of() : List.copyOf(masquerade);
        forwards = forwards == null ? List.of() : List.copyOf(forwards);
    }

    /** True when there is nothing to install. */
    public boolean isEmpty() {
        return acls.isEmpty() && securityGroups.isEmpty() && masquerade.isEmpty() && forwards.isEmpty();
    }

    /** The connection table settings, the defaults when the file gives none. */
    public ConnTrackConfig conntrackOrDefault() {
        return conntrack == null ? ConnTrackConfig.DEFAULT : conntrack;
    }
}
