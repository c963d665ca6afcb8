package io.tapnet.topology;

import io.tapnet.phy.Link;
import io.tapnet.phy.Timer;

/**
 * Arms the loop timers for a topology's {@code events:}, relative to the moment the network is
 * built, and says on the network's event log what happens when it happens.
 */
final class EventScheduler {
    private EventScheduler() {
    }

    static void schedule(Network network) {
        long start = network.loop().now();
        for (EventSpec e : network.topology().events()) {
            switch (e.action()) {
                case LINK_FLAP -> {
                    for (int k = 0; k < e.cycles(); k++) {
                        long down = start + e.atNanos() + 2L * k * e.periodNanos();
                        at(network, down, () -> setLink(network, e, false, start));
                        at(network, down + e.periodNanos(), () -> setLink(network, e, true, start));
                    }
                }
                case LINK_DOWN -> at(network, start + e.atNanos(), () -> setLink(network, e, false, start));
                case LINK_UP -> at(network, start + e.atNanos(), () -> setLink(network, e, true, start));
                case LINK_SET -> at(network, start + e.atNanos(), () -> {
                    link(network, e).impairBoth(e.impairment());
                    log(network, start, "link " + String.join(" ", e.targets()) + " set " + e.impairment());
                });
                case NODE_STOP, NODE_START -> at(network, start + e.atNanos(), () -> {
                    boolean run = e.action() == EventSpec.Action.NODE_START;
                    network.setNodeRunning(e.targets().get(0), run);
                    log(network, start, "node " + e.targets().get(0) + (run ? " started" : " stopped"));
                });
            }
        }
    }

    private static void at(Network network, long deadline, Runnable action) {
        Timer t = network.loop().newTimer(action);
        t.scheduleAt(deadline);
    }

    private static Link link(Network network, EventSpec e) {
        return network.link(e.targets().get(0), e.targets().get(1));
    }

    private static void setLink(Network network, EventSpec e, boolean up, long start) {
        link(network, e).setUp(up);
        log(network, start, "link " + String.join(" ", e.targets()) + (up ? " up" : " down"));
    }

    private static void log(Network network, long start, String what) {
        network.eventLog().accept(String.format("tapnet: event at %.3fs: %s", (network.loop().now() - start) / 1e9, what));
    }
}
