/**
 * Layer 2: the learning switch and its bounded MAC table, and the ARP cache each IPv4 interface keeps.
 *
 * <p>{@code Switch} learns source addresses per port, forwards known unicast to one port, floods
 * broadcast, multicast and unknown unicast to every other port with carrier, and filters frames whose
 * destination lives on the port they came from. Its {@code MacTable} is bounded: once full it stops
 * learning new addresses but keeps forwarding to the ones it knows, which is what a MAC flood must
 * not take away; entries age out and a full table of aged entries sweeps before it refuses.
 *
 * <p>{@code ArpCache} follows RFC 826 and RFC 1122 2.3.2: requests retried a second apart, a small
 * bounded queue of packets per unresolved neighbour, and, like Linux's STALE state, an entry past its
 * reachable time stays usable while it is re-confirmed. Depends on {@code phy}, {@code wire} and
 * {@code collect} only.
 */
package io.tapnet.link;
