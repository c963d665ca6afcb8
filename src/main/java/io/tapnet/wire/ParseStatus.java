package io.tapnet.wire;

/**
 * Outcome of {@code wrap}/{@code parse}: plain ints so that the hot path can return them without
 * allocation and index per-layer drop counters with them ({@code long[ParseStatus.COUNT]}).
 */
public final class ParseStatus {
    /** The header is readable and passed every documented check. */
    public static final int OK = 0;
    /** Fewer bytes than the header (or a length field inside it) says there should be. */
    public static final int TRUNCATED = 1;
    /** The header is readable but its checksum does not verify. */
    public static final int BAD_CHECKSUM = 2;
    /** A field holds a value the RFC forbids (bad version, IHL below 5, option length 0, ...). */
    public static final int ILLEGAL = 3;
    /** Well formed but outside what tapnet handles (e.g. ARP for a non-Ethernet/IPv4 pair). */
    public static final int UNSUPPORTED = 4;
    /** Number of status values, for sizing counter arrays. */
    public static final int COUNT = 5;

    private static final String[] NAMES = {"OK", "TRUNCATED", "BAD_CHECKSUM", "ILLEGAL", "UNSUPPORTED"};

    private ParseStatus() {
    }

    /** The constant's name, or {@code UNKNOWN(n)} for a value that is not a status. */
    public static String name(int status) {
        return status >= 0 && status < COUNT ? NAMES[status] : "UNKNOWN(" + status + ")";
    }
}
