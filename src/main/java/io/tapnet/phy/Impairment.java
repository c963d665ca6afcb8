package io.tapnet.phy;

import java.time.Duration;
import java.util.Locale;

/**
 * What a link does to the frames it carries in one direction, in the vocabulary of Linux's netem:
 * fixed delay plus jitter (which may or may not reorder), random loss and bursty loss after
 * Gilbert-Elliott, duplication, corruption, reordering, a rate with serialization delay, and a
 * drop-tail queue limit.
 *
 * @param delayNanos        fixed one-way delay
 * @param jitterNanos       each frame's delay varies uniformly within +/- this much
 * @param jitterReorders    whether jitter may reorder frames (netem's default) or frames keep order
 * @param loss              probability that a frame is lost independently of the others
 * @param burstEnter        Gilbert-Elliott: probability per frame of entering the loss burst state
 * @param burstExit         Gilbert-Elliott: probability per frame of leaving it (every frame sent in
 *                          the burst state is lost)
 * @param duplicate         probability that a frame arrives twice
 * @param corrupt           probability that one bit of a frame's payload (past the Ethernet header) flips
 * @param reorder           probability that a frame skips the delay and overtakes those before it
 * @param rateBitsPerSecond serialization rate; 0 for unlimited
 * @param queueLimit        frames waiting for serialization before drop-tail; 0 for unlimited
 */
public record Impairment(long delayNanos, long jitterNanos, boolean jitterReorders, double loss, double burstEnter,
                         double burstExit, double duplicate, double corrupt, double reorder, long rateBitsPerSecond,
                         int queueLimit) {

    public static final Impairment NONE = new Impairment(0, 0, true, 0, 0, 0, 0, 0, 0, 0, 0);

    public Impairment {
        if (delayNanos < 0 || jitterNanos < 0 || rateBitsPerSecond < 0 || queueLimit < 0) {
            throw new IllegalArgumentException("delay, jitter, rate and queue must not be negative");
        }
        checkProbability("loss", loss);
        checkProbability("burst enter", burstEnter);
        checkProbability("burst exit", burstExit);
        checkProbability("duplicate", duplicate);
        checkProbability("corrupt", corrupt);
        checkProbability("reorder", reorder);
        if (burstEnter > 0 && burstExit == 0) {
            throw new IllegalArgumentException("a loss burst that is never left loses everything: give a burst exit probability");
        }
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0% and 100%, not " + p * 100 + "%");
        }
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /** Average loss of the Gilbert-Elliott chain alone: p / (p + r). */
    public double burstLossRate() {
        return burstEnter == 0 ? 0 : burstEnter / (burstEnter + burstExit);
    }

    public static Builder builder() {
        return new Builder(NONE);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Parses {@code key=value} words: {@code delay=20ms jitter=5ms loss=1% burst=1%/30% duplicate=1%
     * corrupt=0.1% reorder=25% rate=10mbit queue=100 jitter-reorder=off}. Unnamed settings keep
     * their values from {@code base}.
     */
    public static Impairment parse(String text, Impairment base) {
        Builder b = base.toBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + word + "' is not key=value; keys: " + KEYS);
            }
            b.set(word.substring(0, eq).toLowerCase(Locale.ROOT), word.substring(eq + 1));
        }
        return b.build();
    }

    public static Impairment parse(String text) {
        return parse(text, NONE);
    }

    /** The settings that differ from a perfect wire, in {@link #parse} syntax. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        if (delayNanos > 0) {
            sb.append(" delay=").append(Units.formatDuration(delayNanos));
        }
        if (jitterNanos > 0) {
            sb.append(" jitter=").append(Units.formatDuration(jitterNanos));
            if (!jitterReorders) {
                sb.append(" jitter-reorder=off");
            }
        }
        if (loss > 0) {
            sb.append(" loss=").append(Units.formatPercent(loss));
        }
        if (burstEnter > 0) {
            sb.append(" burst=").append(Units.formatPercent(burstEnter)).append('/').append(Units.formatPercent(burstExit));
        }
        if (duplicate > 0) {
            sb.append(" duplicate=").append(Units.formatPercent(duplicate));
        }
        if (corrupt > 0) {
            sb.append(" corrupt=").append(Units.formatPercent(corrupt));
        }
        if (reorder > 0) {
            sb.append(" reorder=").append(Units.formatPercent(reorder));
        }
        if (rateBitsPerSecond > 0) {
            sb.append(" rate=").append(Units.formatRate(rateBitsPerSecond));
        }
        if (queueLimit > 0) {
            sb.append(" queue=").append(queueLimit);
        }
        return sb.toString().trim();
    }

    static final String KEYS = "delay, jitter, jitter-reorder, loss, burst, duplicate, corrupt, reorder, rate, queue";

    /** Builds an impairment setting by setting. */
    public static final class Builder {
        private long delay;
        private long jitter;
        private boolean jitterReorders;
        private double loss;
        private double burstEnter;
        private double burstExit;
        private double duplicate;
        private double corrupt;
        private double reorder;
        private long rate;
        private int queue;

        private Builder(Impairment from) {
            delay = from.delayNanos;
            jitter = from.jitterNanos;
            jitterReorders = from.jitterReorders;
            loss = from.loss;
            burstEnter = from.burstEnter;
            burstExit = from.burstExit;
            duplicate = from.duplicate;
            corrupt = from.corrupt;
            reorder = from.reorder;
            rate = from.rateBitsPerSecond;
            queue = from.queueLimit;
        }

        public Builder delay(Duration d) {
            delay = d.toNanos();
            return this;
        }

        public Builder jitter(Duration d) {
            jitter = d.toNanos();
            return this;
        }

        public Builder jitterReorders(boolean reorders) {
            jitterReorders = reorders;
            return this;
        }

        public Builder loss(double p) {
            loss = p;
            return this;
        }

        public Builder burstLoss(double enter, double exit) {
            burstEnter = enter;
            burstExit = exit;
            return this;
        }

        public Builder duplicate(double p) {
            duplicate = p;
            return this;
        }

        public Builder corrupt(double p) {
            corrupt = p;
            return this;
        }

        public Builder reorder(double p) {
            reorder = p;
            return this;
        }

        public Builder rate(long bitsPerSecond) {
            rate = bitsPerSecond;
            return this;
        }

        public Builder queue(int frames) {
            queue = frames;
            return this;
        }

        void set(String key, String value) {
            switch (key) {
                case "delay" -> delay = Units.parseDuration(value);
                case "jitter" -> jitter = Units.parseDuration(value);
                case "jitter-reorder" -> jitterReorders = Units.parseSwitch(value);
                case "loss" -> loss = Units.parsePercent(value);
                case "burst" -> {
                    int slash = value.indexOf('/');
                    if (slash < 0) {
                        throw new IllegalArgumentException("burst takes ENTER%/EXIT%, e.g. burst=1%/30%");
                    }
                    burstEnter = Units.parsePercent(value.substring(0, slash));
                    burstExit = Units.parsePercent(value.substring(slash + 1));
                }
                case "duplicate" -> duplicate = Units.parsePercent(value);
                case "corrupt" -> corrupt = Units.parsePercent(value);
                case "reorder" -> reorder = Units.parsePercent(value);
                case "rate" -> rate = Units.parseRate(value);
                case "queue" -> {
                    try {
                        queue = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("queue takes a number of frames, not '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown setting '" + key + "'; keys: " + KEYS);
            }
        }

        public Impairment build() {
            return new Impairment(delay, jitter, jitterReorders, loss, burstEnter, burstExit, duplicate, corrupt,
                    reorder, rate, queue);
        }
    }
}
