package io.tapnet.link;

import io.tapnet.phy.EventLoop;
import io.tapnet.phy.Frame;
import io.tapnet.phy.FrameHandler;
import io.tapnet.phy.Port;
import io.tapnet.phy.Timer;
import io.tapnet.wire.EthernetView;
import io.tapnet.wire.MacAddress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A transparent learning bridge (IEEE 802.1D without spanning tree): learns source addresses per
 * port, forwards known unicast to one port, floods broadcast, multicast and unknown unicast to every
 * other port with carrier, and filters frames whose destination lives on the port they came from.
 */
public final class Switch implements FrameHandler {
    private final String name;
    private final EventLoop loop;
    private final MacTable table;
    private final List<Port> ports = new ArrayList<>();
    private Port[] portArray = new Port[0];
    private final Timer agingTimer;

    private long forwarded;
    private long flooded;
    private long filtered;
    private long runts;

    public Switch(EventLoop loop, String name, int macTableSize, long agingNanos) {
        this.loop = loop;
        this.name = name;
        this.table = new MacTable(macTableSize, agingNanos);
        this.agingTimer = loop.newTimer(this::sweep);
        // Lookups already ignore stale entries; the sweep frees their slots for new addresses.
        agingTimer.scheduleIn(Math.max(1_000_000_000L, agingNanos / 4));
    }

    public Switch(EventLoop loop, String name) {
        this(loop, name, MacTable.DEFAULT_LIMIT, MacTable.DEFAULT_AGING_NANOS);
    }

    public String name() {
        return name;
    }

    public Port addPort(String portName) {
        Port p = new Port(loop, name, portName, this);
        p.setIndex(ports.size());
        ports.add(p);
        portArray = ports.toArray(new Port[0]);
        return p;
    }

    public List<Port> ports() {
        return Collections.unmodifiableList(ports);
    }

    public MacTable table() {
        return table;
    }

    private void sweep() {
        table.expire(loop.now());
        agingTimer.scheduleIn(Math.max(1_000_000_000L, table.agingNanos() / 4));
    }

    @Override
    public boolean acceptsOffloads() {
        return true; // a switch never looks past the Ethernet header
    }

    @Override
    public void onFrame(Port in, Frame frame) {
        if (frame.length() < EthernetView.HEADER_LENGTH) {
            runts++;
            frame.release();
            return;
        }
        int off = frame.offset();
        long destination = MacAddress.read(frame.buffer(), off);
        long source = MacAddress.read(frame.buffer(), off + 6);
        long now = loop.now();
        if (!MacAddress.isMulticast(source)) {
            table.learn(source, in.index(), now);
        }
        if (!MacAddress.isMulticast(destination)) {
            int out = table.lookup(destination, now);
            if (out >= 0) {
                if (out == in.index()) {
                    filtered++;
                    frame.release();
                } else {
                    forwarded++;
                    portArray[out].transmit(frame);
                }
                return;
            }
        }
        flood(in, frame);
    }

    private void flood(Port in, Frame frame) {
        flooded++;
        Port[] all = portArray;
        Port last = null;
        for (Port p : all) {
            if (p == in || !p.hasCarrier()) {
                continue;
            }
            if (last != null) {
                last.transmit(loop.copy(frame));
            }
            last = p;
        }
        if (last != null) {
            last.transmit(frame);
        } else {
            frame.release();
        }
    }

    @Override
    public void onCarrier(Port port, boolean up) {
        if (!up) {
            table.flushPort(port.index());
        }
    }

    /** Powers the switch off (every port down, MAC table forgotten) or on. */
    public void setRunning(boolean running) {
        for (Port p : ports) {
            p.setAdminUp(running);
        }
        if (!running) {
            table.clear();
        }
    }

    public long forwarded() {
        return forwarded;
    }

    public long flooded() {
        return flooded;
    }

    public long filtered() {
        return filtered;
    }

    public long runts() {
        return runts;
    }
}
