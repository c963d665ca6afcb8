/**
 * Bytes on the wire: zero-copy views and value records for Ethernet II / 802.1Q, ARP, IPv4, ICMP, UDP
 * and TCP, plus the Internet checksum. This package depends on nothing but the JDK and holds no I/O
 * and no state beyond the views themselves.
 *
 * <h2>Two kinds of header class</h2>
 * <ul>
 *   <li><b>Views</b> ({@link io.tapnet.wire.EthernetView}, {@link io.tapnet.wire.Ipv4View}, ...) are
 *       mutable flyweights over a {@link java.nio.ByteBuffer}. They are what the hot path uses: a frame
 *       stays in its pooled buffer and switches and routers rewrite headers in place. One view instance
 *       per user (per node, per layer), re-{@code wrap}ped for every packet.</li>
 *   <li><b>Records</b> ({@link io.tapnet.wire.EthernetHeader}, {@link io.tapnet.wire.Ipv4Header}, ...)
 *       carry a validated header. They build packets ({@code emit}) and read them back
 *       ({@code parse(view)}), and {@code parse(emit(x)).equals(x)} holds for every record. They may
 *       allocate and throw {@link java.lang.IllegalArgumentException}; they are not for the hot path.</li>
 * </ul>
 *
 * <h2>Conventions every view follows</h2>
 * <ul>
 *   <li><b>Absolute access only.</b> Views use {@code get(i)}/{@code putShort(i, v)} style accessors and
 *       never touch the buffer's position, limit or mark, never slice, never allocate. The same buffer
 *       can therefore be viewed by several layers at once. Buffers must be big-endian (the
 *       {@code ByteBuffer} default), as network byte order is.</li>
 *   <li><b>Named offsets.</b> Each field has a {@code *_OFFSET} constant relative to the header start,
 *       with the RFC section that defines it. {@code payloadOffset()} is absolute (an index into the
 *       buffer) so it can be handed straight to the next layer's {@code wrap}.</li>
 *   <li><b>Accessors are named after the RFC field.</b> {@code ttl()} reads, {@code ttl(int)} writes.
 *       Unsigned wire values are widened: 8 and 16 bits to {@code int}, 32 bits to {@code long}. MAC
 *       addresses are a {@code long} holding 48 bits, IPv4 addresses an {@code int}.</li>
 *   <li><b>Failures are return values.</b> {@code wrap} returns a {@link io.tapnet.wire.ParseStatus}
 *       constant, so a layer can count drops per reason without exceptions. {@code wrap} checks only
 *       what is needed to read the header safely plus the documented checks (lengths, checksums);
 *       setters never validate.</li>
 *   <li><b>Never an exception from packet contents.</b> A view is <em>attached</em> to the caller's
 *       buffer whenever its fixed header fits in the given length, whatever the status; otherwise it is
 *       <em>detached</em> and reads a private zero-filled header with length 0. Methods that walk a
 *       variable-length area (checksums, TCP options) clamp to the wrapped length. So no byte array, however
 *       malformed, makes a getter throw, and a stale view never reads someone else's packet.</li>
 *   <li><b>Checksums</b> are computed on emit/fill and updated incrementally (RFC 1624) when a router
 *       changes only the TTL. A region with a correct checksum field sums to zero:
 *       {@code InternetChecksum.compute(...) == 0}.</li>
 *   <li><b>Unknown values are kept as numbers</b>: EtherTypes, IP protocols, ICMP types and TCP option
 *       kinds the code does not know are readable and skippable, never an error by themselves.</li>
 * </ul>
 */
package io.tapnet.wire;
