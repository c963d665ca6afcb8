package io.tapnet.ip.filter;

import io.tapnet.ip.PacketFilter;

/** What a rule does with the packets it matches. */
public enum Action {
    /** Let the packet through ({@code allow}; {@code accept} and {@code permit} are synonyms). */
    ACCEPT("allow", PacketFilter.ACCEPT),
    /** Discard it silently ({@code deny}; {@code drop} is a synonym). */
    DROP("deny", PacketFilter.DROP),
    /** Discard it and tell the sender: ICMP "communication administratively prohibited" (RFC 1812 5.2.7.1). */
    REJECT("reject", PacketFilter.REJECT);

    private final String word;
    private final int verdict;

    Action(String word, int verdict) {
        this.word = word;
        this.verdict = verdict;
    }

    /** The word a rule is written with. */
    public String word() {
        return word;
    }

    /** The {@link PacketFilter} verdict. */
    public int verdict() {
        return verdict;
    }

    /** The action for a rule's first word, or null. */
    static Action forWord(String word) {
        return switch (word) {
            case "allow", "accept", "permit" -> ACCEPT;
            case "deny", "drop" -> DROP;
            case "reject" -> REJECT;
            default -> null;
        };
    }
}
