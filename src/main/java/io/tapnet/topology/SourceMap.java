package io.tapnet.topology;

import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where in the file each part of a loaded model was written, so that checks running on the model
 * (in {@link TopologyValidator}) can point at the YAML that caused a problem.
 *
 * <p>Keyed by identity, not equality: two identical route records on different nodes are two
 * different lines of the file. A topology built in code has an empty map, and its problems carry no
 * position.
 */
final class SourceMap {

    /** Which part of a model element a position refers to. */
    enum Field { SELF, NAME, KIND, ADDRESS, MAC, MTU, GATEWAY, NETNS, MAC_TABLE_SIZE, MAC_AGING }

    /** A 1-based position; line 0 means unknown. */
    record Position(int line, int column) {
        static final Position NONE = new Position(0, 0);

        boolean isAfter(Position other) {
            return line > other.line || (line == other.line && column > other.column);
        }

        boolean known() {
            return line > 0;
        }

        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    private final String source;
    private final Map<Object, EnumMap<Field, Position>> positions = new IdentityHashMap<>();
    private final Set<Object> incomplete = Collections.newSetFromMap(new IdentityHashMap<>());

    SourceMap(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    void put(Object element, Field field, Position position) {
        if (position != null && position.known()) {
            positions.computeIfAbsent(element, ignored -> new EnumMap<>(Field.class)).put(field, position);
        }
    }

    /** Where {@code field} of {@code element} was written; falls back to the element itself, then its name. */
    Position at(Object element, Field field) {
        EnumMap<Field, Position> fields = positions.get(element);
        if (fields == null) {
            return Position.NONE;
        }
        Position position = fields.get(field);
        if (position == null) {
            position = fields.get(Field.SELF);
        }
        if (position == null) {
            position = fields.get(Field.NAME);
        }
        return position == null ? Position.NONE : position;
    }

    /** " (at 5:7)" to append to a message about something else, or "" when the position is unknown. */
    String where(Object element, Field field) {
        Position position = at(element, field);
        return position.known() ? " (at " + position + ")" : "";
    }

    Problem problem(Object element, Field field, String message) {
        Position position = at(element, field);
        return new Problem(source, position.line(), position.column(), message);
    }

    /**
     * Records that part of {@code element} could not be read, an error already reported; the validator
     * then skips checks that would only repeat it (a host whose address was misspelt has "no address").
     */
    void markIncomplete(Object element) {
        incomplete.add(element);
    }

    boolean isIncomplete(Object element) {
        return incomplete.contains(element);
    }
}
