package io.tapnet.topology;

import io.tapnet.phy.Impairment;
import io.tapnet.phy.Units;

import java.util.List;

/**
 * A fault scheduled in the topology file, relative to the moment the network is up:
 * {@code { at: 5s, link: [r1, r2], down: true }}, {@code { at: 2s, node: r2, stop: true }},
 * {@code { at: 1s, link: [r1, r2], flap: { every: 2s, cycles: 3 } }} or
 * {@code { at: 3s, link: [r1, r2], set: "delay=50ms loss=1%" }}.
 *
 * @param atNanos     when, after the network is up
 * @param action      what happens
 * @param targets     the node (one name) or the link (two node names)
 * @param impairment  for {@link Action#LINK_SET}: the settings for both directions
 * @param periodNanos for {@link Action#LINK_FLAP}: time between each down and the next up, and back
 * @param cycles      for {@link Action#LINK_FLAP}: how many times the link goes down (and up again)
 */
public record EventSpec(long atNanos, Action action, List<String> targets, Impairment impairment, long periodNanos,
                        int cycles) {

    /** The kinds of scheduled events. */
    public enum Action { LINK_DOWN, LINK_UP, LINK_FLAP, LINK_SET, NODE_STOP, NODE_START }

    public EventSpec {
        targets = List.copyOf(targets);
    }

    public boolean isLinkEvent() {
        return action != Action.NODE_STOP && action != Action.NODE_START;
    }

    /** Like the file says it, for logs: {@code at 5s: link r1 r2 down}. */
    public String describe() {
        String what = switch (action) {
            case LINK_DOWN -> "link " + String.join(" ", targets) + " down";
            case LINK_UP -> "link " + String.join(" ", targets) + " up";
            case LINK_FLAP -> "link " + String.join(" ", targets) + " flaps every " + Units.formatDuration(periodNanos)
                    + " for " + cycles + " cycles";
            case LINK_SET -> "link " + String.join(" ", targets) + " set " + impairment;
            case NODE_STOP -> "node " + targets.get(0) + " stops";
            case NODE_START -> "node " + targets.get(0) + " starts";
        };
        return "at " + Units.formatDuration(atNanos) + ": " + what;
    }
}
