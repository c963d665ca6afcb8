package io.tapnet.phy;

/**
 * Linux ABI numbers used by the TUN/TAP driver, the netdevice ioctls and the libc calls in
 * {@link LibC}, for x86_64 (generic Linux ABI; the {@code O_*} values differ on some non-x86
 * architectures such as aarch64's {@code O_DIRECTORY}, but not the ones used here).
 *
 * <p>Every value is a plain {@code public static final int} named exactly as in the C header it
 * comes from, so that a C program can print the real values and a test can compare them field by
 * field. Request numbers built with {@code _IOW}/{@code _IOR} are written out as hex with their
 * derivation: {@code _IOC(dir, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr}, with
 * {@code _IOC_WRITE = 1}, {@code _IOC_READ = 2} and {@code 'T' = 0x54}. {@code _IOR} numbers have
 * the top bit set and are negative as a Java {@code int}: widen them with
 * {@link Integer#toUnsignedLong} before passing them to {@link LibC#ioctl}.
 */
public final class TunTapIoctl {

    private TunTapIoctl() {}

    // ---- <linux/if_tun.h>: ioctl requests on a /dev/net/tun fd ----------------------------------

    /** {@code _IOW('T', 202, int)}: attach the fd to a (new) device described by a {@code struct ifreq}. <linux/if_tun.h> */
    public static final int TUNSETIFF = 0x400454ca;
    /** {@code _IOW('T', 203, int)}: keep the device when the fd closes (value argument). <linux/if_tun.h> */
    public static final int TUNSETPERSIST = 0x400454cb;
    /** {@code _IOR('T', 207, unsigned int)}: the IFF_* flags this kernel supports. <linux/if_tun.h> */
    public static final int TUNGETFEATURES = 0x800454cf;
    /** {@code _IOW('T', 208, unsigned int)}: which TUN_F_* offloads userspace accepts (value argument). <linux/if_tun.h> */
    public static final int TUNSETOFFLOAD = 0x400454d0;
    /** {@code _IOR('T', 210, unsigned int)}: read back name and flags into a {@code struct ifreq}. <linux/if_tun.h> */
    public static final int TUNGETIFF = 0x800454d2;
    /** {@code _IOR('T', 215, int)}: current virtio-net header size. <linux/if_tun.h> */
    public static final int TUNGETVNETHDRSZ = 0x800454d7;
    /** {@code _IOW('T', 216, int)}: virtio-net header size, pointer-to-int argument (10 or 12). <linux/if_tun.h> */
    public static final int TUNSETVNETHDRSZ = 0x400454d8;
    /** {@code _IOW('T', 226, int)}: carrier on or off, pointer-to-int argument (Linux 5.0+). <linux/if_tun.h> */
    public static final int TUNSETCARRIER = 0x400454e2;

    // ---- <linux/if_tun.h>: ifr_flags for TUNSETIFF ----------------------------------------------

    /** Layer-3 device: reads and writes raw IP packets. <linux/if_tun.h> */
    public static final int IFF_TUN = 0x0001;
    /** Layer-2 device: reads and writes Ethernet frames. <linux/if_tun.h> */
    public static final int IFF_TAP = 0x0002;
    /** Allocate one NAPI context per queue. <linux/if_tun.h> */
    public static final int IFF_NAPI = 0x0010;
    /** Device may have several queues, one fd each. <linux/if_tun.h> */
    public static final int IFF_MULTI_QUEUE = 0x0100;
    /** Device is persistent (reported by TUNGETIFF). <linux/if_tun.h> */
    public static final int IFF_PERSIST = 0x0800;
    /** No 4-byte packet-information prefix on each read/write. <linux/if_tun.h> */
    public static final int IFF_NO_PI = 0x1000;
    /** Each packet is preceded by a {@code struct virtio_net_hdr} (offloads: GSO/checksum). <linux/if_tun.h> */
    public static final int IFF_VNET_HDR = 0x4000;

    // ---- <linux/if_tun.h>: TUNSETOFFLOAD flags --------------------------------------------------

    /** Userspace accepts packets with partial checksums. <linux/if_tun.h> */
    public static final int TUN_F_CSUM = 0x01;
    /** Userspace accepts TSO over IPv4. <linux/if_tun.h> */
    public static final int TUN_F_TSO4 = 0x02;
    /** Userspace accepts TSO over IPv6. <linux/if_tun.h> */
    public static final int TUN_F_TSO6 = 0x04;
    /** Userspace accepts TSO with ECN. <linux/if_tun.h> */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** Userspace accepts UDP fragmentation offload. <linux/if_tun.h> */
    public static final int TUN_F_UFO = 0x10;

    /** {@code sizeof(struct virtio_net_hdr)}: the prefix with IFF_VNET_HDR by default. <linux/virtio_net.h> */
    public static final int SIZEOF_VIRTIO_NET_HDR = 10;
    /** Offsets of the virtio-net header's fields (all little-endian here). <linux/virtio_net.h> */
    public static final int VIRTIO_NET_HDR_FLAGS_OFFSET = 0;
    public static final int VIRTIO_NET_HDR_GSO_TYPE_OFFSET = 1;
    public static final int VIRTIO_NET_HDR_HDR_LEN_OFFSET = 2;
    public static final int VIRTIO_NET_HDR_GSO_SIZE_OFFSET = 4;
    public static final int VIRTIO_NET_HDR_CSUM_START_OFFSET = 6;
    public static final int VIRTIO_NET_HDR_CSUM_OFFSET_OFFSET = 8;
    /** Flag: the checksum at csum_start + csum_offset is still to be computed. <linux/virtio_net.h> */
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** Flag: the checksum was verified. <linux/virtio_net.h> */
    public static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;
    /** GSO types. <linux/virtio_net.h> */
    public static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    public static final int VIRTIO_NET_HDR_GSO_UDP = 3;
    public static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;
    public static final int VIRTIO_NET_HDR_GSO_ECN = 0x80;

    // ---- <linux/sockios.h>: netdevice ioctls on any socket, taking a struct ifreq ---------------

    /** Get interface flags ({@code ifr_flags}). <linux/sockios.h> */
    public static final int SIOCGIFFLAGS = 0x8913;
    /** Set interface flags ({@code ifr_flags}). <linux/sockios.h> */
    public static final int SIOCSIFFLAGS = 0x8914;
    /** Get MTU ({@code ifr_mtu}). <linux/sockios.h> */
    public static final int SIOCGIFMTU = 0x8921;
    /** Set MTU ({@code ifr_mtu}). <linux/sockios.h> */
    public static final int SIOCSIFMTU = 0x8922;
    /** Set hardware address ({@code ifr_hwaddr}). <linux/sockios.h> */
    public static final int SIOCSIFHWADDR = 0x8924;
    /** Get hardware address ({@code ifr_hwaddr}). <linux/sockios.h> */
    public static final int SIOCGIFHWADDR = 0x8927;
    /** Get interface index ({@code ifr_ifindex}). <linux/sockios.h> */
    public static final int SIOCGIFINDEX = 0x8933;

    // ---- <linux/if.h>: net_device_flags and struct ifreq ----------------------------------------

    /** Interface is administratively up. <linux/if.h> */
    public static final int IFF_UP = 0x1;
    /** Broadcast address valid. <linux/if.h> */
    public static final int IFF_BROADCAST = 0x2;
    /** Point-to-point link. <linux/if.h> */
    public static final int IFF_POINTOPOINT = 0x10;
    /** Operationally up (carrier present). <linux/if.h> */
    public static final int IFF_RUNNING = 0x40;
    /** No ARP. <linux/if.h> */
    public static final int IFF_NOARP = 0x80;
    /** Receive all frames. <linux/if.h> */
    public static final int IFF_PROMISC = 0x100;
    /** Supports multicast. <linux/if.h> */
    public static final int IFF_MULTICAST = 0x1000;
    /** Size of {@code ifr_name}, including the terminating NUL. <linux/if.h> */
    public static final int IFNAMSIZ = 16;
    /** {@code sizeof(struct ifreq)} on LP64: 16-byte name plus a 24-byte union ({@code struct ifmap}). <linux/if.h> */
    public static final int SIZEOF_IFREQ = 40;
    /** {@code offsetof(struct ifreq, ifr_ifru)}: where flags, mtu, ifindex and hwaddr live. <linux/if.h> */
    public static final int IFREQ_UNION_OFFSET = 16;
    /** Offset of {@code ifr_hwaddr.sa_data}: the MAC follows the 2-byte {@code sa_family}. <linux/if.h> */
    public static final int IFREQ_HWADDR_DATA_OFFSET = 18;

    // ---- <linux/if_arp.h> -----------------------------------------------------------------------

    /** {@code sa_family} of an Ethernet hardware address. <linux/if_arp.h> */
    public static final int ARPHRD_ETHER = 1;

    // ---- <fcntl.h> (kernel: <asm-generic/fcntl.h>) ----------------------------------------------

    /** Open for reading and writing. <fcntl.h> */
    public static final int O_RDWR = 0x2;
    /** Non-blocking I/O ({@code 04000}). <fcntl.h> */
    public static final int O_NONBLOCK = 0x800;
    /** Close on exec ({@code 02000000}), so children started with ProcessBuilder do not inherit TAP fds. <fcntl.h> */
    public static final int O_CLOEXEC = 0x80000;
    /** Get file status flags. <fcntl.h> */
    public static final int F_GETFL = 3;
    /** Set file status flags. <fcntl.h> */
    public static final int F_SETFL = 4;

    // ---- <poll.h> (kernel: <asm-generic/poll.h>) ------------------------------------------------

    /** Data to read. <poll.h> */
    public static final int POLLIN = 0x1;
    /** Urgent data to read. <poll.h> */
    public static final int POLLPRI = 0x2;
    /** Writing will not block. <poll.h> */
    public static final int POLLOUT = 0x4;
    /** Error condition (revents only). <poll.h> */
    public static final int POLLERR = 0x8;
    /** Hung up (revents only). <poll.h> */
    public static final int POLLHUP = 0x10;
    /** Fd not open (revents only). <poll.h> */
    public static final int POLLNVAL = 0x20;
    /** {@code sizeof(struct pollfd)}: int fd, short events, short revents. <poll.h> */
    public static final int SIZEOF_POLLFD = 8;

    // ---- <errno.h> (kernel: <asm-generic/errno-base.h>, <asm-generic/errno.h>) ------------------

    /** Operation not permitted. <errno.h> */
    public static final int EPERM = 1;
    /** No such file or directory. <errno.h> */
    public static final int ENOENT = 2;
    /** Interrupted system call. <errno.h> */
    public static final int EINTR = 4;
    /** I/O error (TUN/TAP: write while the interface is down). <errno.h> */
    public static final int EIO = 5;
    /** Bad file descriptor. <errno.h> */
    public static final int EBADF = 9;
    /** Try again (non-blocking fd has nothing to give / no room). <errno.h> */
    public static final int EAGAIN = 11;
    /** Permission denied. <errno.h> */
    public static final int EACCES = 13;
    /** Device or resource busy. <errno.h> */
    public static final int EBUSY = 16;
    /** File exists. <errno.h> */
    public static final int EEXIST = 17;
    /** No such device. <errno.h> */
    public static final int ENODEV = 19;
    /** Invalid argument. <errno.h> */
    public static final int EINVAL = 22;
    /** File descriptor in bad state (TUN/TAP: the device behind the fd is gone). <errno.h> */
    public static final int EBADFD = 77;

    // ---- <sys/socket.h> (glibc bits/socket.h, bits/socket_type.h) -------------------------------

    /** IPv4 address family. <sys/socket.h> */
    public static final int AF_INET = 2;
    /** Datagram socket. <sys/socket.h> */
    public static final int SOCK_DGRAM = 2;
    /** Socket type flag: close on exec (same value as O_CLOEXEC). <sys/socket.h> */
    public static final int SOCK_CLOEXEC = 0x80000;

    // ---- <sys/eventfd.h> ------------------------------------------------------------------------

    /** eventfd flag: close on exec. <sys/eventfd.h> */
    public static final int EFD_CLOEXEC = 0x80000;
    /** eventfd flag: non-blocking. <sys/eventfd.h> */
    public static final int EFD_NONBLOCK = 0x800;
}
