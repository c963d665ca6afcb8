package io.tapnet.wire;

/**
 * One SACK block (RFC 2018 §3): the sequence space {@code [left, right)} the receiver holds.
 *
 * @param left  first sequence number of the block, 0..2^32-1
 * @param right sequence number just after the block, 0..2^32-1 (may be "below" left across a wrap)
 */
public record SackBlock(long left, long right) {
    public SackBlock {
        Ipv4Header.requireRange("left", left, 0, 0xffffffffL);
        Ipv4Header.requireRange("right", right, 0, 0xffffffffL);
    }
}
