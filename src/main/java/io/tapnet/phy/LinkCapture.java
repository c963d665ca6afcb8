package io.tapnet.phy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes every frame that crosses one link to a pcapng file, with one interface per end of the link
 * named {@code node:interface}, so Wireshark shows which side sent each frame.
 */
public final class LinkCapture implements FrameObserver {
    /** LINKTYPE_ETHERNET from the tcpdump.org link-layer header type registry. */
    private static final int LINKTYPE_ETHERNET = 1;

    private final PcapngWriter writer;
    private final Port a;
    private final int aId;
    private final int bId;
    private final Path file;
    private boolean failed;

    public LinkCapture(Link link, Path file) throws IOException {
        this.file = file;
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
        try {
            writer.writePacket(from == a ? aId : bId, epochNanos, frame.buffer(), frame.offset(), frame.length(),
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
