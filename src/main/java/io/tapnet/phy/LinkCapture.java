package io.tapnet.phy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes every frame that crosses one link to a pcapng file, with one interface per end of the link
 * named {@code node:interface}, so Wireshark shows which side sent each frame.
 *
 * <p>An {@linkplain Frame#isOffloaded() offloaded} frame is written as a wire would carry it: with
 * its checksum completed, and, if the capture asks for it ({@code segmentOffloads}), cut into the
 * MTU-sized segments a TCP super-frame stands for; otherwise the super-frame is written whole (with a
 * valid checksum over all of it), as {@code tcpdump} on a Linux host shows TSO traffic. The frame
 * that travels on is never changed.
 */
public final class LinkCapture implements FrameObserver {
    /** LINKTYPE_ETHERNET from the tcpdump.org link-layer header type registry. */
    private static final int LINKTYPE_ETHERNET = 1;

    private final PcapngWriter writer;
    private final Port a;
    private final int aId;
    private final int bId;
    private final Path file;
    private final boolean segmentOffloads;
    private final EventLoop loop;
    private final Offload.Sink segmentWriter = this::writeCopy;
    private int copyInterface;
    private long copyTime;
    private boolean failed;

    public LinkCapture(Link link, Path file) throws IOException {
        this(link, file, false);
    }

    public LinkCapture(Link link, Path file, boolean segmentOffloads) throws IOException {
        this.file = file;
        this.segmentOffloads = segmentOffloads;
        this.loop = link.a().loop();
        this.writer = new PcapngWriter(file);
        this.a = link.a();
        this.aId = writer.addInterface(link.a().fullName(), LINKTYPE_ETHERNET, 262_144);
        this.bId = writer.addInterface(link.b().fullName(), LINKTYPE_ETHERNET, 262_144);
        writer.flush();
    }

    public Path file() {
        return file;
    }

    @Override
    public void observe(Link link, Port from, Frame frame, long epochNanos) {
        if (failed) {
            return;
        }
        int id = from == a ? aId : bId;
        if (frame.isOffloaded()) {
            copyInterface = id;
            copyTime = epochNanos;
            Frame copy = loop.copy(frame);
            if (segmentOffloads || !copy.isGso()) {
                Offload.resolve(loop, copy, segmentWriter);
            } else if (!copy.needsChecksum() || Offload.completeChecksum(copy)) {
                copy.clearOffload();
                writeCopy(copy);
            } else {
                copy.release();
            }
            return;
        }
        write(id, epochNanos, frame);
    }

    private void writeCopy(Frame copy) {
        try {
            write(copyInterface, copyTime, copy);
        } finally {
            copy.release();
        }
    }

    private void write(int id, long epochNanos, Frame frame) {
        if (failed) {
            return;
        }
        try {
            writer.writePacket(id, epochNanos, frame.buffer(), frame.offset(), frame.length(),
                    PcapngWriter.DIRECTION_OUTBOUND);
        } catch (IOException | UncheckedIOException e) {
            failed = true;
            System.err.println("tapnet: capture " + file + " stopped: " + e.getMessage());
        }
    }

    /** Pushes buffered packets to the file, so a reader following it sees them. */
    public void flush() {
        if (failed) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException e) {
            failed = true;
            System.err.println("tapnet: capture " + file + " stopped: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            System.err.println("tapnet: closing capture " + file + ": " + e.getMessage());
        }
    }
}
