package io.tapnet.topology;

import java.util.List;
import java.util.Locale;

/**
 * A service a host starts when the network is built, written in a topology file's {@code services:}
 * list the way a person would say it: {@code "http :80 www/"} (static files from {@code www/}, relative
 * to the topology file), {@code "http :8080"} (a generated test site), {@code "echo :7"},
 * {@code "echo :7/udp"}, {@code "discard"} (RFC 863: reads and drops what it gets). The port may be left
 * out for the well-known one ({@code "echo"} is port 7, {@code "discard"} 9, {@code "http"} 80).
 *
 * @param kind     {@code http}, {@code echo} or {@code discard}
 * @param port     1..65535
 * @param protocol {@code tcp} or {@code udp}
 * @param argument what the service serves ({@code http}: a directory), or null
 */
public record ServiceSpec(String kind, int port, String protocol, String argument) {

    /** The services a topology can start, with their well-known ports. */
    public static final List<String> KINDS = List.of("http", "echo", "discard");
    private static final String FORM = "'KIND [:PORT[/tcp|/udp]] [ARGUMENT]', e.g. \"http :80 www/\", \"echo :7\""
            + " or \"echo :7/udp\"";

    public ServiceSpec {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown service '" + kind + "' (services: " + String.join(", ", KINDS) + ")");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of service " + kind + " is not in 1..65535");
        }
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("protocol of service " + kind + " is tcp or udp, not '" + protocol + "'");
        }
    }

    /** The port a service of {@code kind} listens on when none is given. */
    public static int defaultPort(String kind) {
        return switch (kind) {
            case "http" -> 80;
            case "echo" -> 7; // RFC 862
            case "discard" -> 9; // RFC 863
            default -> throw new IllegalArgumentException("unknown service '" + kind + "'");
        };
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and what would be right
     */
    public static ServiceSpec parse(String text) {
        String[] words = text == null ? new String[0] : text.strip().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException("empty service; expected " + FORM);
        }
        String kind = words[0].toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("service '" + text.strip() + "': unknown kind '" + words[0] + "'"
                    + Suggestions.didYouMean(kind, KINDS) + " (services: " + String.join(", ", KINDS) + ")");
        }
        int next = 1;
        int port = defaultPort(kind);
        String protocol = "tcp";
        if (next < words.length && words[next].startsWith(":")) {
            String portText = words[next].substring(1);
            int slash = portText.indexOf('/');
            if (slash >= 0) {
                String written = portText.substring(slash + 1);
                protocol = written.toLowerCase(Locale.ROOT);
                portText = portText.substring(0, slash);
                if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                    throw new IllegalArgumentException("service '" + text.strip() + "': protocol '" + written
                            + "' is neither tcp nor udp; write :PORT/tcp or :PORT/udp");
                }
            }
            port = parsePort(text, portText);
            next++;
        } else if (next < words.length && words[next].chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("service '" + text.strip() + "': write the port with a colon, ':"
                    + words[next] + "', as in " + FORM);
        }
        if (!kind.equals("echo") && protocol.equals("udp")) {
            throw new IllegalArgumentException("service '" + text.strip() + "': " + kind + " runs over tcp; drop '/udp'");
        }
        String argument = null;
        if (next < words.length) {
            if (!kind.equals("http")) {
                throw new IllegalArgumentException("service '" + text.strip() + "': " + kind + " takes no argument, but '"
                        + words[next] + "' follows the port");
            }
            if (words.length - next > 1) {
                throw new IllegalArgumentException("service '" + text.strip() + "': http takes one directory, found '"
                        + String.join(" ", java.util.Arrays.asList(words).subList(next, words.length))
                        + "' (quote nothing; a directory name cannot contain spaces here)");
            }
            argument = words[next];
        }
        return new ServiceSpec(kind, port, protocol, argument);
    }

    private static int parsePort(String text, String portText) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("service '" + text.strip() + "': bad port '" + portText
                    + "'; expected a number 1..65535 after the colon, e.g. :80");
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("service '" + text.strip() + "': port " + port + " is not in 1..65535");
        }
        return port;
    }

    /** The text form, as {@link #parse(String)} reads it. */
    @Override
    public String toString() {
        return kind + " :" + port + (protocol.equals("tcp") ? "" : "/" + protocol) + (argument == null ? "" : " " + argument);
    }
}
