package io.tapnet.ip.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rules that run for one interface and direction, with a packet and byte counter for each rule
 * and for the policy (what happens when no rule matches), like a chain of {@code iptables -L -v}.
 * Evaluation is a scan in order; the first match decides. Touched only on the event loop.
 */
public final class Chain {

    /** Where the chain came from. */
    public enum Kind {
        /** An interface ACL: the rules as written, default deny. */
        ACL("acl"),
        /** A security group: allow established, then the allow-list, default deny. */
        SECURITY_GROUP("security-group");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final String iface;
    private final Direction direction;
    private final Kind kind;
    private final Rule[] rules;
    private final long[] packets;
    private final long[] bytes;
    private final Action policy;
    private long policyPackets;
    private long policyBytes;

    Chain(String iface, Direction direction, Kind kind, List<Rule> rules, Action policy) {
        this.iface = iface;
        this.direction = direction;
        this.kind = kind;
        this.rules = rules.toArray(new Rule[0]);
        this.packets = new long[this.rules.length];
        this.bytes = new long[this.rules.length];
        this.policy = policy;
    }

    static Chain acl(String iface, Direction direction, List<Rule> rules) {
        return new Chain(iface, direction, Kind.ACL, rules, InterfaceAcl.DEFAULT_POLICY);
    }

    /** The rule every security group starts with: packets of connections it already let through. */
    static Rule establishedRule(Direction direction) {
        return new Rule(direction, Action.ACCEPT, true, Rule.ANY, 0, 0, 0, 0, 0, 65535, 0, 65535,
                Rule.ANY, Rule.ANY, "allow established (replies and ICMP errors)");
    }

    static Chain securityGroup(String iface, Direction direction, List<Rule> allowed) {
        List<Rule> rules = new ArrayList<>();
        rules.add(establishedRule(direction));
        rules.addAll(allowed);
        return new Chain(iface, direction, Kind.SECURITY_GROUP, rules, Action.DROP);
    }

    /** Runs the chain over {@code p}: counts the deciding rule (or the policy) and returns its verdict. */
    int evaluate(Packet p) {
        Rule[] rs = rules;
        for (int i = 0; i < rs.length; i++) {
            if (rs[i].matches(p)) {
                packets[i]++;
                bytes[i] += p.length;
                return rs[i].action().verdict();
            }
        }
        policyPackets++;
        policyBytes += p.length;
        return policy.verdict();
    }

    boolean usesConnectionState() {
        for (Rule r : rules) {
            if (r.established()) {
                return true;
            }
        }
        return false;
    }

    public String iface() {
        return iface;
    }

    public Direction direction() {
        return direction;
    }

    public Kind kind() {
        return kind;
    }

    /** "eth0 in (acl)", as the console heads the chain. */
    public String name() {
        return iface + " " + direction.word() + " (" + kind.word() + ")";
    }

    public List<Rule> rules() {
        return List.of(rules);
    }

    public int size() {
        return rules.length;
    }

    /** Packets rule {@code i} matched. */
    public long packets(int i) {
        return packets[i];
    }

    /** Bytes (IPv4 total length) of the packets rule {@code i} matched. */
    public long bytes(int i) {
        return bytes[i];
    }

    /** Index of the rule written as {@code text} (whitespace-normalised), or -1. */
    public int indexOf(String text) {
        String wanted = String.join(" ", text.trim().split("\\s+"));
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].text().equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    public Action policy() {
        return policy;
    }

    public long policyPackets() {
        return policyPackets;
    }

    public long policyBytes() {
        return policyBytes;
    }

    /** Zeroes every counter, like {@code iptables -Z}. */
    public void resetCounters() {
        Arrays.fill(packets, 0);
        Arrays.fill(bytes, 0);
        policyPackets = 0;
        policyBytes = 0;
    }
}
