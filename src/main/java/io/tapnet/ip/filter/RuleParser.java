package io.tapnet.ip.filter;

import io.tapnet.wire.Ipv4Address;
import io.tapnet.wire.Ipv4Prefix;
import io.tapnet.wire.Ipv4View;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the compact rule language of topology files and the console. Words are separated by spaces;
 * every error names the offending word, says what was expected, and carries its offset.
 *
 * <p>An interface ACL rule:
 * <pre>
 *   ACTION [established] [PROTOCOL] [from ADDRESS [port PORTS]] [to ADDRESS [port PORTS]]
 *
 *   ACTION    allow | deny | reject          (accept, permit = allow; drop = deny)
 *   PROTOCOL  any | tcp | udp | icmp [TYPE[/CODE]] | a protocol number 0..255   (default any)
 *   ADDRESS   any | A.B.C.D | A.B.C.D/LEN                                        (default any)
 *   PORTS     N | N-M                        (tcp and udp only)
 *   TYPE      echo-request, echo-reply, destination-unreachable, time-exceeded, ... or a number
 * </pre>
 * {@code port} right after {@code from ADDRESS} is a source port; anywhere else it is the
 * destination port, so {@code allow tcp port 22} and {@code allow tcp to any port 22} mean the same.
 *
 * <p>A security-group entry is an allow-list item: {@code PROTOCOL [PORTS | TYPE] [from ADDRESS]}
 * inbound, {@code PROTOCOL [PORTS | TYPE] [to ADDRESS]} outbound, where PROTOCOL may also be
 * {@code all}: {@code tcp 22 from 10.0.2.10/32}, {@code icmp echo-request}, {@code all}.
 *
 * <p>A port forward: {@code PROTOCOL [ADDRESS:]PORT -> ADDRESS[:PORT]}, e.g.
 * {@code tcp 8080 -> 10.0.2.10:80}; without an address on the left it applies to every address of the
 * router.
 */
final class RuleParser {

    /** ICMP type names (RFC 792, RFC 1256, RFC 950), as iptables and nftables spell them. */
    static final Map<String, Integer> ICMP_TYPES = Map.ofEntries(
            Map.entry("echo-reply", 0),
            Map.entry("destination-unreachable", 3),
            Map.entry("unreachable", 3),
            Map.entry("source-quench", 4),
            Map.entry("redirect", 5),
            Map.entry("echo-request", 8),
            Map.entry("echo", 8),
            Map.entry("router-advertisement", 9),
            Map.entry("router-solicitation", 10),
            Map.entry("time-exceeded", 11),
            Map.entry("parameter-problem", 12),
            Map.entry("timestamp-request", 13),
            Map.entry("timestamp-reply", 14),
            Map.entry("address-mask-request", 17),
            Map.entry("address-mask-reply", 18));

    static final String ACL_FORM = "ACTION [established] [PROTOCOL] [from ADDRESS [port N]] [to ADDRESS [port N]],"
            + " e.g. \"allow tcp from 10.0.1.10 to any port 22\"";
    private static final String ADDRESS_FORM = "'any', an address like 10.0.1.10, or a prefix like 10.0.1.0/24";

    private record Word(String text, int offset) {
    }

    private final String text;
    private final List<Word> words;
    private int next;

    private RuleParser(String text) {
        this.text = text == null ? "" : text;
        this.words = split(this.text);
    }

    private static List<Word> split(String text) {
        List<Word> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                if (text.startsWith("->", i) && i > start) {
                    break; // "8080->10.0.2.10": the arrow is a word of its own
                }
                if (text.startsWith("->", i)) {
                    i += 2;
                    break;
                }
                i++;
            }
            if (i > start) {
                out.add(new Word(text.substring(start, i), start));
            }
        }
        return out;
    }

    /** A whitespace-normalised copy of the rule, as shown back to the user. */
    private String normalized() {
        StringBuilder sb = new StringBuilder();
        for (Word w : words) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(w.text());
        }
        return sb.toString();
    }

    private boolean more() {
        return next < words.size();
    }

    private Word peek() {
        return words.get(next);
    }

    private boolean peekIs(String word) {
        return more() && peek().text().equals(word);
    }

    private RuleSyntaxException error(Word at, String message) {
        return new RuleSyntaxException(message, at == null ? -1 : at.offset());
    }

    private Word expectMore(Word after, String what) {
        if (!more()) {
            throw new RuleSyntaxException("'" + after.text() + "' must be followed by " + what,
                    after.offset());
        }
        return words.get(next++);
    }

    // ------------------------------------------------------------------ interface ACL rules

    static Rule aclRule(Direction direction, String text) {
        return new RuleParser(text).parseAcl(direction);
    }

    private Rule parseAcl(Direction direction) {
        if (!more()) {
            throw error(null, "empty rule; write " + ACL_FORM);
        }
        Word first = words.get(next++);
        Action action = Action.forWord(first.text());
        if (action == null) {
            throw error(first, "a rule starts with allow, deny or reject, not '" + first.text() + "'; write " + ACL_FORM);
        }
        boolean established = false;
        if (peekIs("established")) {
            next++;
            established = true;
        }
        int protocol = Rule.ANY;
        Word protocolWord = null;
        int[] icmp = {Rule.ANY, Rule.ANY};
        if (more() && isProtocolWord(peek().text())) {
            protocolWord = words.get(next++);
            protocol = protocol(protocolWord, false);
            if (protocol == Ipv4View.PROTO_ICMP) {
                icmp = optionalIcmpType();
            }
        }
        int[] src = {0, 0};
        int[] dst = {0, 0};
        int[] srcPorts = {0, 65535};
        int[] dstPorts = {0, 65535};
        boolean fromSeen = false;
        boolean toSeen = false;
        Word portWord = null;
        while (more()) {
            Word w = words.get(next++);
            switch (w.text()) {
                case "from", "to" -> {
                    boolean from = w.text().equals("from");
                    if (from ? fromSeen : toSeen) {
                        throw error(w, "'" + w.text() + "' is given twice; a rule has at most one source and one destination");
                    }
                    int[] prefix = address(expectMore(w, ADDRESS_FORM));
                    if (from) {
                        fromSeen = true;
                        src = prefix;
                    } else {
                        toSeen = true;
                        dst = prefix;
                    }
                    if (peekIs("port")) {
                        Word p = words.get(next++);
                        portWord = portWord == null ? p : portWord;
                        int[] range = ports(expectMore(p, "a port or range, e.g. 22 or 1024-65535"));
                        if (from) {
                            srcPorts = range;
                        } else {
                            dstPorts = range;
                        }
                    }
                }
                case "port" -> {
                    portWord = portWord == null ? w : portWord;
                    dstPorts = ports(expectMore(w, "a port or range, e.g. 22 or 1024-65535"));
                }
                default -> {
                    String hint = isProtocolWord(w.text()) ? "; the protocol comes right after the action"
                            + (established ? " and 'established'" : "") : "";
                    if (w.text().equals("established")) {
                        hint = "; 'established' comes right after the action, e.g. \"allow established\"";
                    }
                    throw error(w, "unexpected '" + w.text() + "' in rule \"" + normalized() + "\"" + hint
                            + "; write " + ACL_FORM);
                }
            }
        }
        if (portWord != null && protocol != Ipv4View.PROTO_TCP && protocol != Ipv4View.PROTO_UDP) {
            throw error(portWord, "ports need protocol tcp or udp"
                    + (protocolWord == null ? "" : ", not '" + protocolWord.text() + "'")
                    + ", e.g. \"" + first.text() + " tcp to any port 22\"");
        }
        return new Rule(direction, action, established, protocol, src[0], src[1], dst[0], dst[1],
                srcPorts[0], srcPorts[1], dstPorts[0], dstPorts[1], icmp[0], icmp[1], normalized());
    }

    // ------------------------------------------------------------------ security groups

    /** One allow-list entry of a security group: inbound reads 'from', outbound reads 'to'. */
    static Rule securityGroupRule(Direction direction, String text) {
        return new RuleParser(text).parseSecurityGroup(direction);
    }

    private Rule parseSecurityGroup(Direction direction) {
        boolean inbound = direction == Direction.IN;
        String side = inbound ? "from" : "to";
        String form = "PROTOCOL [PORTS] [" + side + " ADDRESS], e.g. \""
                + (inbound ? "tcp 22 from 10.0.2.10/32" : "udp 53 to 10.0.0.0/8") + "\", \"icmp\" or \"all\"";
        if (!more()) {
            throw error(null, "empty security-group rule; write " + form);
        }
        Word protocolWord = words.get(next++);
        if (Action.forWord(protocolWord.text()) != null) {
            throw error(protocolWord, "security-group rules only allow, so they start with the protocol, not '"
                    + protocolWord.text() + "'; write " + form + " (use 'acl' for deny and reject rules)");
        }
        if (!isProtocolWord(protocolWord.text())) {
            throw error(protocolWord, "'" + protocolWord.text() + "' is not a protocol (all, tcp, udp, icmp or a"
                    + " number 0..255); write " + form);
        }
        int protocol = protocol(protocolWord, true);
        int[] ports = {0, 65535};
        int[] icmp = {Rule.ANY, Rule.ANY};
        if (protocol == Ipv4View.PROTO_TCP || protocol == Ipv4View.PROTO_UDP) {
            if (more() && !peek().text().equals("from") && !peek().text().equals("to")) {
                ports = ports(words.get(next++));
            }
        } else if (protocol == Ipv4View.PROTO_ICMP) {
            icmp = optionalIcmpType();
        }
        int[] peer = {0, 0};
        if (more()) {
            Word w = words.get(next++);
            if (w.text().equals(side)) {
                peer = address(expectMore(w, ADDRESS_FORM));
            } else if (w.text().equals(inbound ? "to" : "from")) {
                throw error(w, (inbound ? "inbound" : "outbound") + " rules say where traffic "
                        + (inbound ? "comes from ('from ADDRESS')" : "goes to ('to ADDRESS')") + ", not '" + w.text()
                        + "'; write " + form);
            } else if (w.text().matches("\\d+(-\\d+)?") && protocol != Ipv4View.PROTO_TCP && protocol != Ipv4View.PROTO_UDP) {
                throw error(w, "ports need protocol tcp or udp, not '" + protocolWord.text() + "'; write " + form);
            } else {
                throw error(w, "unexpected '" + w.text() + "'; write " + form);
            }
        }
        if (more()) {
            Word w = peek();
            throw error(w, "unexpected '" + w.text() + "' after the address; write " + form);
        }
        return inbound
                ? new Rule(direction, Action.ACCEPT, false, protocol, peer[0], peer[1], 0, 0,
                        0, 65535, ports[0], ports[1], icmp[0], icmp[1], normalized())
                : new Rule(direction, Action.ACCEPT, false, protocol, 0, 0, peer[0], peer[1],
                        0, 65535, ports[0], ports[1], icmp[0], icmp[1], normalized());
    }

    // ------------------------------------------------------------------ port forwards

    static PortForward portForward(String text) {
        return new RuleParser(text).parsePortForward();
    }

    private PortForward parsePortForward() {
        String form = "PROTOCOL [ADDRESS:]PORT -> ADDRESS[:PORT], e.g. \"tcp 8080 -> 10.0.2.10:80\"";
        if (!more()) {
            throw error(null, "empty port forward; write " + form);
        }
        Word protocolWord = words.get(next++);
        int protocol = switch (protocolWord.text()) {
            case "tcp" -> Ipv4View.PROTO_TCP;
            case "udp" -> Ipv4View.PROTO_UDP;
            default -> throw error(protocolWord, "a port forward is for tcp or udp, not '" + protocolWord.text()
                    + "'; write " + form);
        };
        Word listen = expectMore(protocolWord, "the port to forward, e.g. 8080");
        int[] outside = addressAndPort(listen, true, form);
        Word arrow = expectMore(listen, "'->' and where to forward to");
        if (!arrow.text().equals("->")) {
            throw error(arrow, "expected '->' after " + listen.text() + ", found '" + arrow.text() + "'; write " + form);
        }
        Word target = expectMore(arrow, "the inside address, e.g. 10.0.2.10:80");
        int[] inside = addressAndPort(target, false, form);
        if (more()) {
            throw error(peek(), "unexpected '" + peek().text() + "' after the target; write " + form);
        }
        return new PortForward(protocol, outside[0], outside[1], inside[0], inside[1] == 0 ? outside[1] : inside[1],
                normalized());
    }

    /** "[A.B.C.D:]PORT" (portRequired) or "A.B.C.D[:PORT]"; returns {address or 0, port or 0}. */
    private int[] addressAndPort(Word w, boolean portRequired, String form) {
        String t = w.text();
        int colon = t.lastIndexOf(':');
        String addressPart = colon < 0 ? (portRequired ? null : t) : t.substring(0, colon);
        String portPart = colon < 0 ? (portRequired ? t : null) : t.substring(colon + 1);
        int address = 0;
        if (addressPart != null) {
            try {
                address = Ipv4Address.parse(addressPart);
            } catch (IllegalArgumentException e) {
                throw error(w, e.getMessage() + "; write " + form);
            }
        }
        int port = 0;
        if (portPart != null) {
            port = port(w, portPart);
            if (port == 0) {
                throw error(w, "port 0 cannot be forwarded; use 1..65535");
            }
        }
        return new int[] {address, port};
    }

    // ------------------------------------------------------------------ pieces

    private static boolean isProtocolWord(String word) {
        return switch (word) {
            case "any", "all", "ip", "tcp", "udp", "icmp" -> true;
            default -> word.matches("\\d{1,3}");
        };
    }

    private int protocol(Word w, boolean securityGroup) {
        return switch (w.text()) {
            case "any", "all", "ip" -> Rule.ANY;
            case "tcp" -> Ipv4View.PROTO_TCP;
            case "udp" -> Ipv4View.PROTO_UDP;
            case "icmp" -> Ipv4View.PROTO_ICMP;
            default -> {
                int n = Integer.parseInt(w.text());
                if (n > 255) {
                    throw error(w, "protocol number " + n + " is outside 0..255");
                }
                yield n;
            }
        };
    }

    /** After 'icmp': an optional type name or number, optionally '/code' ("type 8" is accepted too). */
    private int[] optionalIcmpType() {
        if (!more()) {
            return new int[] {Rule.ANY, Rule.ANY};
        }
        Word w = peek();
        if (w.text().equals("type")) {
            next++;
            w = expectMore(w, "an ICMP type, e.g. echo-request or 8");
            return icmpType(w);
        }
        String name = w.text().contains("/") ? w.text().substring(0, w.text().indexOf('/')) : w.text();
        if (ICMP_TYPES.containsKey(name) || name.matches("\\d{1,3}")) {
            next++;
            return icmpType(w);
        }
        return new int[] {Rule.ANY, Rule.ANY};
    }

    private int[] icmpType(Word w) {
        String t = w.text();
        int slash = t.indexOf('/');
        String typeText = slash < 0 ? t : t.substring(0, slash);
        Integer type = ICMP_TYPES.get(typeText);
        if (type == null) {
            if (!typeText.matches("\\d{1,3}") || Integer.parseInt(typeText) > 255) {
                throw error(w, "'" + typeText + "' is not an ICMP type; use a number 0..255 or one of "
                        + String.join(", ", new TreeSet<>(ICMP_TYPES.keySet())));
            }
            type = Integer.parseInt(typeText);
        }
        int code = Rule.ANY;
        if (slash >= 0) {
            String codeText = t.substring(slash + 1);
            if (!codeText.matches("\\d{1,3}") || Integer.parseInt(codeText) > 255) {
                throw error(w, "ICMP code '" + codeText + "' is not a number 0..255");
            }
            code = Integer.parseInt(codeText);
        }
        return new int[] {type, code};
    }

    /** {network, prefix length}. */
    private int[] address(Word w) {
        String t = w.text();
        if (t.equals("any")) {
            return new int[] {0, 0};
        }
        try {
            int slash = t.indexOf('/');
            if (slash < 0) {
                return new int[] {Ipv4Address.parse(t), 32};
            }
            Ipv4Prefix prefix = Ipv4Prefix.parse(t);
            if (prefix.address() != prefix.network()) {
                throw error(w, t + " has host bits set; write " + Ipv4Address.format(prefix.network()) + "/"
                        + prefix.prefixLength() + " for the subnet, or " + Ipv4Address.format(prefix.address())
                        + " for the one host");
            }
            return new int[] {prefix.network(), prefix.prefixLength()};
        } catch (RuleSyntaxException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(w, e.getMessage() + "; an address is " + ADDRESS_FORM);
        }
    }

    /** {low, high}. */
    private int[] ports(Word w) {
        String t = w.text();
        if (t.equals("any")) {
            return new int[] {0, 65535};
        }
        int dash = t.indexOf('-');
        if (dash < 0) {
            int p = port(w, t);
            return new int[] {p, p};
        }
        int low = port(w, t.substring(0, dash));
        int high = port(w, t.substring(dash + 1));
        if (low > high) {
            throw error(w, "port range " + t + " runs backwards; write " + high + "-" + low);
        }
        return new int[] {low, high};
    }

    private int port(Word w, String t) {
        if (!t.matches("\\d{1,5}") || Integer.parseInt(t) > 65535) {
            throw error(w, "'" + t + "' is not a port; use a number 0..65535 or a range like 1024-65535");
        }
        return Integer.parseInt(t);
    }
}
