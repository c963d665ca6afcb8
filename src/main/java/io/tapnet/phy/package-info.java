/**
 * The physical layer: things that move frames. In-memory links and the event loop live here, and
 * so does everything that touches the operating system:
 *
 * <ul>
 *   <li>{@link io.tapnet.phy.TapDevice}: a Linux TAP (Ethernet) or TUN (IP) device whose fd tapnet
 *       holds, read and written without blocking and without allocating;
 *   <li>{@link io.tapnet.phy.TapPoller}: {@code poll(2)} over many such fds, with a wakeup: the event
 *       loop sleeps there, so it reads every device itself ({@link io.tapnet.phy.DeviceReader});
 *   <li>{@link io.tapnet.phy.Offload}: the kernel's checksum and TCP segmentation offloads
 *       ({@code IFF_VNET_HDR}), forwarded whole and cut into wire segments where needed;
 *   <li>{@link io.tapnet.phy.LinuxNamespace} and {@link io.tapnet.phy.IpCommand}: network
 *       namespaces for Linux hosts, configured with iproute2;
 *   <li>{@link io.tapnet.phy.PcapngWriter}: captures for Wireshark;
 *   <li>{@link io.tapnet.phy.LibC}, {@link io.tapnet.phy.TunTapIoctl},
 *       {@link io.tapnet.phy.LibDirectBuffers}: the JNA binding, its ABI constants and buffer
 *       addresses.
 * </ul>
 *
 * <p>Why it is built this way:
 *
 * <ul>
 *   <li><b>JNA direct mapping, pointers as {@code long}.</b> {@code Native.register} turns each
 *       call into one JNI trampoline with primitive arguments; interface-mapped JNA would box
 *       arguments into an {@code Object[]} on every call. Direct buffers are passed by native
 *       address, looked up once per buffer. errno comes from {@code Native.getLastError()} (JNA
 *       saves it after every call), not from {@code LastErrorException}, so an {@code EAGAIN} costs
 *       no exception.
 *   <li><b>Non-blocking fds and platform threads.</b> A JNA call blocked in {@code read} or
 *       {@code poll} pins a virtual thread's carrier, so blocking happens only in
 *       {@link io.tapnet.phy.TapPoller} on the loop's platform thread; reads and writes never block.
 *   <li><b>iproute2 for setup.</b> Namespace and address configuration runs {@code ip}: it is the
 *       tool people use to check the result, its error messages are good, and none of it is on the
 *       hot path. Only what must use the fd (creating the device) or is cheap and local (MTU, MAC,
 *       up/down before the device moves) is done with ioctls.
 * </ul>
 */
package io.tapnet.phy;
