package io.tapnet.app;

/** The one form of Range the file server honours: a single {@code bytes=} range (RFC 9110 section 14.1.2). */
final class ByteRange {
    /** Returned when the range is well-formed but outside the representation: answer 416. */
    static final long[] UNSATISFIABLE = new long[0];

    private ByteRange() {
    }

    /**
     * Parses {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix} against a
     * representation of {@code size} bytes.
     *
     * @return {@code {first, last}} inclusive, {@link #UNSATISFIABLE}, or null when the header is to be
     *         ignored (another unit, several ranges, bad syntax), which means serving the whole file
     */
    static long[] parse(String header, long size) {
        String value = header.strip();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = value.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).strip();
        String b = spec.substring(dash + 1).strip();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long suffix = digits(b);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = digits(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new long[] {first, Math.min(last, size - 1)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(s);
        }
        return Long.parseLong(s);
    }
}
