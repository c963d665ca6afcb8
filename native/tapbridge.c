/*
 * tapbridge: the simplest userspace Ethernet bridge there is, used by scripts/bench as the C
 * yardstick for tapnet. One thread polls two TAP file descriptors and copies every frame read from
 * one into the other: no learning, no parsing, no queue, no allocation.
 *
 *   tapbridge [--vnet-hdr] [--batch N] TAP_A TAP_B
 *
 * Each name is passed to TUNSETIFF with IFF_TAP | IFF_NO_PI: a new device is created under that
 * name (a "%d" in it is filled in by the kernel), or, if a persistent TAP of that name already
 * exists in this network namespace, the bridge attaches to it. Once both are open it prints
 *
 *   tapbridge: ready a=NAME b=NAME
 *
 * on stdout, and the caller may move the devices into namespaces and configure them: the bridge
 * keeps working through the fds. On SIGINT or SIGTERM it prints its counters as NAME=value lines on
 * stdout and exits 0. Frames the kernel refuses on write (interface down, queue full) are counted
 * as drops, as on a wire.
 *
 * --vnet-hdr opens both devices with IFF_VNET_HDR and accepts checksum and TCP segmentation
 * offloads (TUNSETOFFLOAD): the kernel then hands over segments of up to 64 KiB with a
 * virtio_net_hdr in front, and the bridge passes header and segment through untouched. This is the
 * upper bound for any TAP-based forwarder that supports offloads.
 *
 * --batch N caps how many frames are moved from one device before the other gets its turn
 * (default 64), the same fairness rule tapnet's DeviceReader uses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* 64 KiB GSO segment plus a virtio-net header (10 or 12 bytes), rounded up. */
#define BUFFER_SIZE (65536 + 64)

struct direction {
    uint64_t frames;
    uint64_t bytes;
    uint64_t drops;        /* the kernel refused the write */
    uint64_t short_writes; /* wrote fewer bytes than read: never expected on a TAP */
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) {
    stop_requested = 1;
    stop_signal = sig;
}

static void usage(FILE *to) {
    fprintf(to, "usage: tapbridge [--vnet-hdr] [--batch N] TAP_A TAP_B\n"
                "  copies frames between two TAP devices until SIGINT/SIGTERM, then prints counters\n");
}

static int open_tap(const char *requested, int vnet_hdr, char name_out[IFNAMSIZ]) {
    if (strlen(requested) >= IFNAMSIZ) {
        fprintf(stderr, "tapbridge: interface name '%s' is longer than %d characters\n", requested, IFNAMSIZ - 1);
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "tapbridge: open /dev/net/tun: %s\n", strerror(errno));
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, requested, IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fprintf(stderr, "tapbridge: TUNSETIFF %s: %s%s\n", requested, strerror(errno),
                errno == EPERM ? " (needs CAP_NET_ADMIN: run as root)" : "");
        close(fd);
        return -1;
    }
    if (vnet_hdr) {
        unsigned int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
        if (ioctl(fd, TUNSETOFFLOAD, (unsigned long) offloads) < 0) {
            fprintf(stderr, "tapbridge: TUNSETOFFLOAD %s: %s\n", ifr.ifr_name, strerror(errno));
            close(fd);
            return -1;
        }
    }
    memcpy(name_out, ifr.ifr_name, IFNAMSIZ);
    name_out[IFNAMSIZ - 1] = '\0';
    return fd;
}

/*
 * Moves up to `batch` frames from `from` to `to`. Returns 0 when `from` has nothing more (or the
 * batch is done), -1 on a read error that ends the bridge.
 */
static int pump(int from, int to, unsigned char *buf, int batch, struct direction *d) {
    for (int k = 0; k < batch; k++) {
        ssize_t n = read(from, buf, BUFFER_SIZE);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return 0;
            }
            fprintf(stderr, "tapbridge: read: %s\n", strerror(errno));
            return -1;
        }
        if (n == 0) {
            return 0;
        }
        ssize_t w = write(to, buf, (size_t) n);
        if (w < 0) {
            d->drops++;
            continue;
        }
        if (w != n) {
            d->short_writes++;
        }
        d->frames++;
        d->bytes += (uint64_t) n;
    }
    return 0;
}

static void print_counters(const char *a, const char *b, const struct direction *ab, const struct direction *ba,
                           uint64_t polls, int vnet_hdr) {
    printf("tap_a=%s\ntap_b=%s\nvnet_hdr=%d\n", a, b, vnet_hdr);
    printf("a_to_b_frames=%" PRIu64 "\na_to_b_bytes=%" PRIu64 "\na_to_b_drops=%" PRIu64 "\na_to_b_short_writes=%" PRIu64 "\n",
           ab->frames, ab->bytes, ab->drops, ab->short_writes);
    printf("b_to_a_frames=%" PRIu64 "\nb_to_a_bytes=%" PRIu64 "\nb_to_a_drops=%" PRIu64 "\nb_to_a_short_writes=%" PRIu64 "\n",
           ba->frames, ba->bytes, ba->drops, ba->short_writes);
    printf("frames=%" PRIu64 "\nbytes=%" PRIu64 "\npolls=%" PRIu64 "\n",
           ab->frames + ba->frames, ab->bytes + ba->bytes, polls);
    fflush(stdout);
}

int main(int argc, char **argv) {
    int vnet_hdr = 0;
    int batch = 64;
    int argi = 1;
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (strcmp(argv[argi], "--vnet-hdr") == 0) {
            vnet_hdr = 1;
        } else if (strcmp(argv[argi], "--batch") == 0 && argi + 1 < argc) {
            batch = atoi(argv[++argi]);
            if (batch < 1) {
                fprintf(stderr, "tapbridge: --batch needs a positive number\n");
                return 2;
            }
        } else if (strcmp(argv[argi], "-h") == 0 || strcmp(argv[argi], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (argc - argi != 2) {
        usage(stderr);
        return 2;
    }

    /* SIGINT and SIGTERM are blocked except inside ppoll, so a signal can never slip in between
     * the check of stop_requested and the wait (it would otherwise leave the bridge waiting). */
    sigset_t blocked, during_poll;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_BLOCK, &blocked, &during_poll);
    sigdelset(&during_poll, SIGINT);
    sigdelset(&during_poll, SIGTERM);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    char name_a[IFNAMSIZ], name_b[IFNAMSIZ];
    int fd_a = open_tap(argv[argi], vnet_hdr, name_a);
    if (fd_a < 0) {
        return 1;
    }
    int fd_b = open_tap(argv[argi + 1], vnet_hdr, name_b);
    if (fd_b < 0) {
        close(fd_a);
        return 1;
    }
    static unsigned char buf[BUFFER_SIZE];
    printf("tapbridge: ready a=%s b=%s\n", name_a, name_b);
    fflush(stdout);

    struct direction ab = {0}, ba = {0};
    uint64_t polls = 0;
    struct pollfd pfd[2] = {{.fd = fd_a, .events = POLLIN}, {.fd = fd_b, .events = POLLIN}};
    int status = 0;
    while (!stop_requested) {
        int ready = ppoll(pfd, 2, NULL, &during_poll);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "tapbridge: poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        polls++;
        for (int i = 0; i < 2; i++) {
            short re = pfd[i].revents;
            if (re & POLLIN) {
                if (pump(pfd[i].fd, pfd[1 - i].fd, buf, batch, i == 0 ? &ab : &ba) < 0) {
                    status = 1;
                    stop_requested = 1;
                }
            } else if (re & (POLLERR | POLLHUP | POLLNVAL)) {
                fprintf(stderr, "tapbridge: %s: poll reported 0x%x (device gone?)\n", i == 0 ? name_a : name_b, re);
                status = 1;
                stop_requested = 1;
            }
        }
    }
    if (stop_signal != 0) {
        fprintf(stderr, "tapbridge: stopping on signal %d\n", (int) stop_signal);
    }
    print_counters(name_a, name_b, &ab, &ba, polls, vnet_hdr);
    close(fd_a);
    close(fd_b);
    return status;
}
