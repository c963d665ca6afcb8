package io.tapnet.topology;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean ...?" for misspelt keys, kinds and names, by edit distance. */
final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code word}, or null when none is close enough to be a likely typo.
     * Close enough: at most one edit for short words, two for medium, three for long ones.
     */
    static String closest(String word, Collection<String> candidates) {
        String lower = word.toLowerCase(Locale.ROOT);
        int limit = lower.length() <= 3 ? 1 : lower.length() <= 7 ? 2 : 3;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance && distance <= limit && distance < Math.max(candidate.length(), 2)) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** "; did you mean 'x'?" or "" — ready to append to a message. */
    static String didYouMean(String word, Collection<String> candidates) {
        String best = closest(word, candidates);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /**
     * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two adjacent
     * characters each cost one, which matches the typos people make ("gatway", "kidn").
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
