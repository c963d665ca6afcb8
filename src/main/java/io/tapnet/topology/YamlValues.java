package io.tapnet.topology;

import io.tapnet.topology.SourceMap.Position;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed access to a composed YAML tree that reports, rather than throws, when the shape is wrong, and
 * remembers every node's position.
 */
final class YamlValues {

    /** One key of a mapping, with the nodes that hold the key and the value. */
    record Entry(String key, Node keyNode, Node value) {
    }

    private final String source;
    private final List<Problem> problems;

    YamlValues(String source, List<Problem> problems) {
        this.source = source;
        this.problems = problems;
    }

    static Position position(Node node) {
        return node.getStartMark().map(YamlValues::position).orElse(Position.NONE);
    }

    static Position position(Mark mark) {
        return new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    void report(Node at, String message) {
        report(position(at), message);
    }

    void report(Position at, String message) {
        problems.add(new Problem(source, at.line(), at.column(), message));
    }

    /**
     * The entries of a mapping in file order. A key given twice is reported at its second occurrence and
     * left out; YAML forbids duplicate keys, and the composer (unlike the constructor) does not check.
     *
     * @param keyWord  what a key is called in messages ("key", "node name", "interface")
     * @param location where the mapping is, for messages ("in node 'h1'")
     */
    List<Entry> entries(MappingNode mapping, String keyWord, String location) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (var tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar)) {
                report(keyNode, "a " + keyWord + " must be a plain word, not " + describe(keyNode) + " (" + location + ")");
                continue;
            }
            String key = scalar.getValue();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                report(keyNode, "YAML merge keys ('<<') are not supported " + location + "; write the settings out");
                continue;
            }
            Node first = seen.putIfAbsent(key, keyNode);
            if (first != null) {
                report(keyNode, "duplicate " + keyWord + " '" + key + "' " + location + "; it is already given at "
                        + position(first) + " (each " + keyWord + " may appear only once)");
                continue;
            }
            entries.add(new Entry(key, keyNode, tuple.getValueNode()));
        }
        return entries;
    }

    /** Whether the node is an empty value ({@code key:} with nothing after it, or {@code null}, {@code ~}). */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /**
     * The text of a scalar value, or null (after reporting) when the value is empty or is a list or
     * mapping.
     *
     * @param what    what the value is, for messages ("'gateway' of node 'h1'")
     * @param example a correct example to show ("gateway: 10.0.1.1")
     */
    String scalar(Node value, String what, String example) {
        if (isNull(value)) {
            report(value, what + " has no value; e.g. " + example);
            return null;
        }
        if (!(value instanceof ScalarNode scalar)) {
            report(value, what + " must be a single value, not " + describe(value) + "; e.g. " + example);
            return null;
        }
        return scalar.getValue();
    }

    /** A whole number, or null (after reporting). Range checks belong to the validator. */
    Integer integer(Node value, String what, String example) {
        String text = scalar(value, what, example);
        if (text == null) {
            return null;
        }
        String digits = text.startsWith("-") ? text.substring(1) : text;
        boolean decimal = !digits.isEmpty() && digits.length() <= 10 && digits.chars().allMatch(c -> c >= '0' && c <= '9');
        long number = decimal ? Long.parseLong(text) : 0;
        if (!decimal || number != (int) number) {
            report(value, what + " must be a whole number, not '" + text + "'; e.g. " + example);
            return null;
        }
        return (int) number;
    }

    /** A YAML 1.2 core-schema boolean ({@code true}/{@code false}, any case), or null after a report. */
    Boolean bool(Node value, String what, String example) {
        String text = scalar(value, what, example);
        if (text == null) {
            return null;
        }
        if (text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        report(value, what + " must be true or false, not '" + text + "'; e.g. " + example);
        return null;
    }

    /** "a list", "a mapping", "a value" or "nothing", for messages about the wrong shape. */
    static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return "a single value '" + ((ScalarNode) node).getValue() + "'";
    }
}
