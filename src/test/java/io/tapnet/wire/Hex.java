package io.tapnet.wire;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Hex fixtures in and out of buffers, for readable byte comparisons. */
final class Hex {
    /** Filler around fixtures: a view that reads outside its header sees this, not zeros. */
    static final byte JUNK = (byte) 0xa5;

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    /**
     * A direct buffer holding the fixture at index {@code lead}, with junk bytes before and after, so
     * that views are exercised with non-zero absolute offsets as they are behind lower layers.
     */
    static ByteBuffer direct(String hex, int lead) {
        byte[] data = bytes(hex);
        ByteBuffer b = ByteBuffer.allocateDirect(lead + data.length + 16);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, JUNK);
        }
        b.put(lead, data);
        return b;
    }

    /** A junk-filled heap buffer of {@code size} bytes. */
    static ByteBuffer junk(int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            b.put(i, JUNK);
        }
        return b;
    }

    /** Lower-case hex of {@code len} bytes at absolute index {@code off}. */
    static String of(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return HexFormat.of().formatHex(out);
    }

    static String normalize(String hex) {
        return hex.replaceAll("\\s+", "").toLowerCase();
    }
}
