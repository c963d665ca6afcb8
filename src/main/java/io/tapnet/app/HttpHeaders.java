package io.tapnet.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Header fields of an HTTP message in the order they were written. Names compare case-insensitively
 * (RFC 9110 section 5.1); a field that appears more than once keeps every line.
 */
public final class HttpHeaders {

    /** One field line: the name as written and its value with surrounding whitespace removed. */
    public record Field(String name, String value) {
    }

    private final List<Field> fields = new ArrayList<>();

    public HttpHeaders() {
    }

    /** Adds a field line after the others. */
    public HttpHeaders add(String name, String value) {
        if (!HttpSyntax.isToken(name)) {
            throw new IllegalArgumentException("bad header name '" + name + "'");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("header value of " + name + " contains CR, LF or NUL");
        }
        fields.add(new Field(name, value.strip()));
        return this;
    }

    /** Replaces every field called {@code name} by one with {@code value}. */
    public HttpHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public HttpHeaders remove(String name) {
        fields.removeIf(f -> f.name().equalsIgnoreCase(name));
        return this;
    }

    /** The first value of {@code name}, or null. */
    public String first(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * The comma-separated list elements of every {@code name} field, lower-cased and trimmed, empty
     * elements dropped (RFC 9110 section 5.6.1): how Connection and Transfer-Encoding are read.
     */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : all(name)) {
            for (String element : value.split(",")) {
                String token = element.strip().toLowerCase(Locale.ROOT);
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }

    /** Whether the list-valued field {@code name} holds {@code token} (case-insensitive). */
    public boolean hasToken(String name, String token) {
        return tokens(name).contains(token.toLowerCase(Locale.ROOT));
    }

    public List<Field> fields() {
        return Collections.unmodifiableList(fields);
    }

    public int size() {
        return fields.size();
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Field f : fields) {
            text.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        return text.toString();
    }
}
