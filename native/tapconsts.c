/*
 * tapconsts: prints the Linux ABI numbers that tapnet's Java code hard-codes, as the C headers of
 * this machine define them, one "NAME=value" line each (decimal, so that negative _IOR numbers
 * read back as the same Java int).
 *
 * io.tapnet.phy.NativeConstantsTest compiles this (native/build.sh) and compares every line whose
 * NAME is a constant of io.tapnet.phy.TunTapIoctl with that field; a TunTapIoctl constant that this
 * program does not print fails the test, so a new Java constant needs a line here. Lines for names
 * Java does not (yet) have are allowed: the catalogue below is a superset, ready for the
 * IFF_VNET_HDR work (virtio-net header flags and GSO types).
 *
 * Names are the C names, except for sizes and offsets, which Java cannot spell as sizeof/offsetof:
 * SIZEOF_<struct> and <STRUCT>_<FIELD>_OFFSET.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>

/* Printed through long long so that every type (int, unsigned long ioctl numbers, size_t) prints
 * the way Java stores it in an int: the low 32 bits, sign-extended. */
static void put(const char *name, long long value) {
    printf("%s=%d\n", name, (int) (unsigned int) (value & 0xffffffffLL));
}

#define P(name) put(#name, (long long) (name))

int main(void) {
    /* <linux/if_tun.h>: ioctl requests on a /dev/net/tun fd */
    P(TUNSETNOCSUM);
    P(TUNSETDEBUG);
    P(TUNSETIFF);
    P(TUNSETPERSIST);
    P(TUNSETOWNER);
    P(TUNSETLINK);
    P(TUNSETGROUP);
    P(TUNGETFEATURES);
    P(TUNSETOFFLOAD);
    P(TUNSETTXFILTER);
    P(TUNGETIFF);
    P(TUNGETSNDBUF);
    P(TUNSETSNDBUF);
    P(TUNGETVNETHDRSZ);
    P(TUNSETVNETHDRSZ);
    P(TUNSETQUEUE);
    P(TUNSETIFINDEX);
    P(TUNSETVNETLE);
    P(TUNGETVNETLE);
    P(TUNSETVNETBE);
    P(TUNGETVNETBE);
    P(TUNSETSTEERINGEBPF);
    P(TUNSETFILTEREBPF);
    P(TUNSETCARRIER);
    P(TUNGETDEVNETNS);

    /* <linux/if_tun.h>: ifr_flags for TUNSETIFF */
    P(IFF_TUN);
    P(IFF_TAP);
    P(IFF_NAPI);
    P(IFF_NAPI_FRAGS);
    P(IFF_NO_PI);
    P(IFF_ONE_QUEUE);
    P(IFF_VNET_HDR);
    P(IFF_TUN_EXCL);
    P(IFF_MULTI_QUEUE);
    P(IFF_ATTACH_QUEUE);
    P(IFF_DETACH_QUEUE);
    P(IFF_PERSIST);
    P(IFF_NOFILTER);

    /* <linux/if_tun.h>: TUNSETOFFLOAD flags */
    P(TUN_F_CSUM);
    P(TUN_F_TSO4);
    P(TUN_F_TSO6);
    P(TUN_F_TSO_ECN);
    P(TUN_F_UFO);
#ifdef TUN_F_USO4
    P(TUN_F_USO4);
    P(TUN_F_USO6);
#endif

    /* <linux/virtio_net.h>: the header that precedes every packet with IFF_VNET_HDR */
    put("SIZEOF_VIRTIO_NET_HDR", sizeof(struct virtio_net_hdr));
    put("SIZEOF_VIRTIO_NET_HDR_MRG_RXBUF", sizeof(struct virtio_net_hdr_mrg_rxbuf));
    put("VIRTIO_NET_HDR_FLAGS_OFFSET", offsetof(struct virtio_net_hdr, flags));
    put("VIRTIO_NET_HDR_GSO_TYPE_OFFSET", offsetof(struct virtio_net_hdr, gso_type));
    put("VIRTIO_NET_HDR_HDR_LEN_OFFSET", offsetof(struct virtio_net_hdr, hdr_len));
    put("VIRTIO_NET_HDR_GSO_SIZE_OFFSET", offsetof(struct virtio_net_hdr, gso_size));
    put("VIRTIO_NET_HDR_CSUM_START_OFFSET", offsetof(struct virtio_net_hdr, csum_start));
    put("VIRTIO_NET_HDR_CSUM_OFFSET_OFFSET", offsetof(struct virtio_net_hdr, csum_offset));
    P(VIRTIO_NET_HDR_F_NEEDS_CSUM);
    P(VIRTIO_NET_HDR_F_DATA_VALID);
    P(VIRTIO_NET_HDR_GSO_NONE);
    P(VIRTIO_NET_HDR_GSO_TCPV4);
    P(VIRTIO_NET_HDR_GSO_UDP);
    P(VIRTIO_NET_HDR_GSO_TCPV6);
    P(VIRTIO_NET_HDR_GSO_ECN);
#ifdef VIRTIO_NET_HDR_GSO_UDP_L4
    P(VIRTIO_NET_HDR_GSO_UDP_L4);
#endif

    /* <linux/sockios.h>: netdevice ioctls on any socket, taking a struct ifreq */
    P(SIOCGIFNAME);
    P(SIOCSIFLINK);
    P(SIOCGIFCONF);
    P(SIOCGIFFLAGS);
    P(SIOCSIFFLAGS);
    P(SIOCGIFADDR);
    P(SIOCSIFADDR);
    P(SIOCGIFNETMASK);
    P(SIOCSIFNETMASK);
    P(SIOCGIFMTU);
    P(SIOCSIFMTU);
    P(SIOCSIFNAME);
    P(SIOCSIFHWADDR);
    P(SIOCGIFHWADDR);
    P(SIOCGIFINDEX);
    P(SIOCGIFTXQLEN);
    P(SIOCSIFTXQLEN);

    /* <net/if.h> (<linux/if.h>): net_device_flags and struct ifreq */
    P(IFF_UP);
    P(IFF_BROADCAST);
    P(IFF_DEBUG);
    P(IFF_LOOPBACK);
    P(IFF_POINTOPOINT);
    P(IFF_NOTRAILERS);
    P(IFF_RUNNING);
    P(IFF_NOARP);
    P(IFF_PROMISC);
    P(IFF_ALLMULTI);
    P(IFF_MULTICAST);
    P(IFNAMSIZ);
    put("SIZEOF_IFREQ", sizeof(struct ifreq));
    put("IFREQ_UNION_OFFSET", offsetof(struct ifreq, ifr_ifru));
    put("IFREQ_FLAGS_OFFSET", offsetof(struct ifreq, ifr_flags));
    put("IFREQ_MTU_OFFSET", offsetof(struct ifreq, ifr_mtu));
    put("IFREQ_IFINDEX_OFFSET", offsetof(struct ifreq, ifr_ifindex));
    put("IFREQ_HWADDR_OFFSET", offsetof(struct ifreq, ifr_hwaddr));
    put("IFREQ_HWADDR_DATA_OFFSET", offsetof(struct ifreq, ifr_hwaddr.sa_data));

    /* <net/if_arp.h> */
    P(ARPHRD_ETHER);
    P(ARPHRD_NONE);

    /* <fcntl.h> */
    P(O_RDONLY);
    P(O_WRONLY);
    P(O_RDWR);
    P(O_NONBLOCK);
    P(O_CLOEXEC);
    P(F_GETFD);
    P(F_SETFD);
    P(F_GETFL);
    P(F_SETFL);
    P(FD_CLOEXEC);

    /* <poll.h> */
    P(POLLIN);
    P(POLLPRI);
    P(POLLOUT);
    P(POLLERR);
    P(POLLHUP);
    P(POLLNVAL);
    put("SIZEOF_POLLFD", sizeof(struct pollfd));
    put("POLLFD_EVENTS_OFFSET", offsetof(struct pollfd, events));
    put("POLLFD_REVENTS_OFFSET", offsetof(struct pollfd, revents));

    /* <errno.h> */
    P(EPERM);
    P(ENOENT);
    P(EINTR);
    P(EIO);
    P(ENXIO);
    P(EBADF);
    P(EAGAIN);
    P(EWOULDBLOCK);
    P(ENOMEM);
    P(EACCES);
    P(EFAULT);
    P(EBUSY);
    P(EEXIST);
    P(ENODEV);
    P(EINVAL);
    P(ENFILE);
    P(EMFILE);
    P(ENOSPC);
    P(EMSGSIZE);
    P(ENOBUFS);
    P(EOPNOTSUPP);
    P(EBADFD);
    P(ENETDOWN);

    /* <sys/socket.h> */
    P(AF_UNIX);
    P(AF_INET);
    P(AF_INET6);
    P(AF_PACKET);
    P(SOCK_STREAM);
    P(SOCK_DGRAM);
    P(SOCK_RAW);
    P(SOCK_NONBLOCK);
    P(SOCK_CLOEXEC);

    /* <sys/eventfd.h> */
    P(EFD_CLOEXEC);
    P(EFD_NONBLOCK);
    P(EFD_SEMAPHORE);

    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("tapconsts: stdout");
        return 1;
    }
    return 0;
}
