package io.tapnet.wire;

/**
 * One SACK block (RFC 2018 §3): the sequence space {@code [left, right)} the receiver holds.
 *
 * @param left  first sequence number of the block, 0..2^32-1
 * @param right sequence number just after the block, 0..2^32-1 (may be "below" left across a wrap)
 */
public record SackBlock(long left, long right) {
    public SackBlock {
        Require.inRange("left", left, 0, 0xffffffffL);
        Require.inRange("right", right, 0, 0xffffffffL);
    }
}
