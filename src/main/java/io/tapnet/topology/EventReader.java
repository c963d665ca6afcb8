package io.tapnet.topology;

import io.tapnet.phy.Impairment;
import io.tapnet.phy.Units;
import io.tapnet.topology.SourceMap.Position;
import io.tapnet.topology.YamlValues.Entry;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.List;

/** Reads the {@code events:} list of a topology file; references are checked once nodes and links are known. */
final class EventReader {
    static final List<String> EVENT_KEYS = List.of("at", "link", "node", "down", "up", "flap", "set", "stop", "start");
    private static final String FORMS = "{ at: 5s, link: [r1, r2], down: true }, { at: 5s, node: r2, stop: true },"
            + " { at: 1s, link: [r1, r2], flap: { every: 2s, cycles: 3 } } or { at: 1s, link: [r1, r2], set: \"delay=50ms\" }";

    /** An event as read, with the place of its target for later checks. */
    record EventDraft(EventSpec spec, Position targetPosition) {
    }

    private final YamlValues yaml;
    final List<EventDraft> events = new ArrayList<>();

    EventReader(YamlValues yaml) {
        this.yaml = yaml;
    }

    void read(Node value) {
        if (YamlValues.isNull(value)) {
            return;
        }
        if (!(value instanceof SequenceNode list)) {
            yaml.report(value, "'events' must be a list, e.g. events: [ " + FORMS + " ]; found " + YamlValues.describe(value));
            return;
        }
        for (Node item : list.getValue()) {
            readEvent(item);
        }
    }

    private void readEvent(Node item) {
        if (!(item instanceof MappingNode mapping)) {
            yaml.report(item, "each event is a mapping like " + FORMS + "; found " + YamlValues.describe(item));
            return;
        }
        Long at = null;
        List<String> targets = null;
        Position targetPosition = YamlValues.position(item);
        EventSpec.Action action = null;
        Impairment impairment = null;
        long period = 0;
        int cycles = 0;
        boolean broken = false;
        for (Entry e : yaml.entries(mapping, "key", "in an event")) {
            switch (e.key()) {
                case "at" -> at = duration(e.value(), "'at'", "at: 5s");
                case "node" -> {
                    String n = yaml.scalar(e.value(), "'node'", "node: r1");
                    if (n != null) {
                        targets = List.of(n);
                        targetPosition = YamlValues.position(e.value());
                    }
                }
                case "link" -> {
                    if (e.value() instanceof SequenceNode ends && ends.getValue().size() == 2) {
                        String a = yaml.scalar(ends.getValue().get(0), "a link end", "r1");
                        String b = yaml.scalar(ends.getValue().get(1), "a link end", "r2");
                        if (a != null && b != null) {
                            targets = List.of(a, b);
                            targetPosition = YamlValues.position(e.value());
                        }
                    } else {
                        yaml.report(e.value(), "'link' names the two nodes at its ends, e.g. link: [r1, r2]; found "
                                + YamlValues.describe(e.value()));
                        broken = true;
                    }
                }
                case "down", "up", "stop", "start" -> {
                    String flag = yaml.scalar(e.value(), "'" + e.key() + "'", e.key() + ": true");
                    if (flag != null && !flag.equals("true")) {
                        yaml.report(e.value(), "'" + e.key() + "' takes true; leave it out otherwise");
                        broken = true;
                    }
                    action = setAction(action, switch (e.key()) {
                        case "down" -> EventSpec.Action.LINK_DOWN;
                        case "up" -> EventSpec.Action.LINK_UP;
                        case "stop" -> EventSpec.Action.NODE_STOP;
                        default -> EventSpec.Action.NODE_START;
                    }, e);
                }
                case "set" -> {
                    String text = yaml.scalar(e.value(), "'set'", "set: \"delay=50ms loss=1%\"");
                    if (text != null) {
                        try {
                            impairment = Impairment.parse(text);
                        } catch (IllegalArgumentException ex) {
                            yaml.report(e.value(), "bad link settings: " + ex.getMessage());
                            broken = true;
                        }
                    }
                    action = setAction(action, EventSpec.Action.LINK_SET, e);
                }
                case "flap" -> {
                    action = setAction(action, EventSpec.Action.LINK_FLAP, e);
                    if (e.value() instanceof MappingNode flap) {
                        for (Entry f : yaml.entries(flap, "key", "in 'flap'")) {
                            switch (f.key()) {
                                case "every" -> {
                                    Long p = duration(f.value(), "'every'", "every: 2s");
                                    period = p == null ? 0 : p;
                                }
                                case "cycles" -> {
                                    Integer c = yaml.integer(f.value(), "'cycles'", "cycles: 3");
                                    cycles = c == null ? 0 : c;
                                }
                                default -> yaml.report(f.keyNode(), "unknown key '" + f.key() + "' in 'flap'"
                                        + Suggestions.didYouMean(f.key(), List.of("every", "cycles")) + " (allowed: every, cycles)");
                            }
                        }
                        if (period <= 0 || cycles <= 0) {
                            yaml.report(e.value(), "'flap' needs a positive 'every' and 'cycles', e.g. flap: { every: 2s, cycles: 3 }");
                            broken = true;
                        }
                    } else {
                        yaml.report(e.value(), "'flap' takes { every: DURATION, cycles: N }, e.g. flap: { every: 2s, cycles: 3 }");
                        broken = true;
                    }
                }
                default -> {
                    yaml.report(e.keyNode(), "unknown key '" + e.key() + "' in an event"
                            + Suggestions.didYouMean(e.key(), EVENT_KEYS) + " (allowed: " + String.join(", ", EVENT_KEYS) + ")");
                    broken = true;
                }
            }
        }
        if (broken) {
            return;
        }
        if (at == null) {
            yaml.report(item, "event has no 'at'; write e.g. " + FORMS);
            return;
        }
        if (action == null || targets == null) {
            yaml.report(item, "event says " + (action == null ? "nothing to do" : "nothing to do it to") + "; write e.g. " + FORMS);
            return;
        }
        boolean linkAction = action != EventSpec.Action.NODE_STOP && action != EventSpec.Action.NODE_START;
        if (linkAction != (targets.size() == 2)) {
            yaml.report(item, linkAction ? "a link event names 'link: [A, B]', not a node" : "a node event names 'node: NAME', not a link");
            return;
        }
        events.add(new EventDraft(new EventSpec(at, action, targets, impairment, period, cycles), targetPosition));
    }

    private EventSpec.Action setAction(EventSpec.Action current, EventSpec.Action next, Entry e) {
        if (current != null) {
            yaml.report(e.keyNode(), "an event does one thing; split '" + e.key() + "' into an event of its own");
        }
        return next;
    }

    private Long duration(Node value, String what, String example) {
        String text = yaml.scalar(value, what, example);
        if (text == null) {
            return null;
        }
        try {
            return Units.parseDuration(text);
        } catch (IllegalArgumentException e) {
            yaml.report(value, "bad " + what + ": " + e.getMessage());
            return null;
        }
    }

    /** Checks that every event names a node or link the topology has. */
    List<EventSpec> resolve(Topology topology) {
        List<EventSpec> out = new ArrayList<>();
        for (EventDraft d : events) {
            EventSpec e = d.spec();
            boolean ok = true;
            for (String n : e.targets()) {
                if (topology.node(n) == null) {
                    yaml.report(d.targetPosition(), "event names an unknown node '" + n + "'"
                            + Suggestions.didYouMean(n, topology.nodeNames()) + " (nodes: " + String.join(", ", topology.nodeNames()) + ")");
                    ok = false;
                }
            }
            if (ok && e.isLinkEvent() && linkBetween(topology, e.targets().get(0), e.targets().get(1)) == null) {
                yaml.report(d.targetPosition(), "there is no link between " + e.targets().get(0) + " and " + e.targets().get(1));
                ok = false;
            }
            if (ok) {
                out.add(e);
            }
        }
        return out;
    }

    static LinkSpec linkBetween(Topology t, String x, String y) {
        for (LinkSpec l : t.links()) {
            if ((l.a().node().equals(x) && l.b().node().equals(y)) || (l.a().node().equals(y) && l.b().node().equals(x))) {
                return l;
            }
        }
        return null;
    }
}
