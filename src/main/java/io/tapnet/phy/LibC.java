package io.tapnet.phy;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few glibc calls tapnet needs, bound with JNA <em>direct mapping</em> ({@link Native#register}).
 *
 * <p>Direct mapping compiles each call down to one JNI trampoline with primitive arguments: no
 * argument arrays, no {@code Pointer} objects, no allocation. That is why every pointer parameter is
 * declared as a raw {@code long} address: callers pass the address of a direct buffer (see
 * {@link LibDirectBuffers#address}) or of a JNA {@code Memory} ({@code Pointer.nativeValue(mem)}).
 * A raw address does not keep its owner alive, so callers must keep the owning buffer or
 * {@code Memory} reachable until the call returns ({@link java.lang.ref.Reference#reachabilityFence}).
 *
 * <p><b>errno.</b> A failed call returns -1 (or a negative value); the errno it set is then read
 * with {@link #errno()}, which is {@link Native#getLastError()}: JNA saves errno right after every
 * native call into a per-thread slot, so it is not clobbered by whatever the JVM does between the
 * call and the check. The value is only meaningful directly after a call that reported failure.
 * We deliberately do not declare {@code throws LastErrorException}: that would allocate an exception
 * for every {@code EAGAIN} on the hot path.
 *
 * <p><b>Variadic functions.</b> {@code open}, {@code fcntl} and {@code ioctl} are variadic in C. On
 * x86_64 and aarch64 Linux, calling them through a fixed-arity binding with integer/pointer
 * arguments is ABI-compatible (no floating-point varargs are involved), which is what every JNA
 * user of {@code ioctl} relies on.
 *
 * <p>Constants for these calls live in {@link TunTapIoctl}.
 */
public final class LibC {

    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {}

    /** {@code int open(const char *path, int flags)}; the string is converted on the (setup) path. */
    public static native int open(String path, int flags);

    /** {@code int close(int fd)}. */
    public static native int close(int fd);

    /** {@code ssize_t read(int fd, void *buf, size_t count)} with {@code buf} as a raw address. */
    public static native long read(int fd, long buf, long count);

    /** {@code ssize_t write(int fd, const void *buf, size_t count)} with {@code buf} as a raw address. */
    public static native long write(int fd, long buf, long count);

    /**
     * {@code int ioctl(int fd, unsigned long request, ...)} with the single argument passed as a raw
     * 64-bit value: an address for pointer arguments ({@code struct ifreq *}, {@code int *}), or the
     * value itself for requests that take an integer ({@code TUNSETPERSIST}, {@code TUNSETOFFLOAD}).
     * Pass {@code request} through {@link Integer#toUnsignedLong} so that {@code _IOR} numbers with
     * the top bit set are not sign-extended.
     */
    public static native int ioctl(int fd, long request, long arg);

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)} with {@code fds} as a raw address. */
    public static native int poll(long fds, long nfds, int timeoutMillis);

    /**
     * {@code int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
     * const sigset_t *sigmask)} with raw addresses; {@code timeout} 0 (NULL) waits forever, and
     * {@code sigmask} 0 keeps the thread's mask.
     */
    public static native int ppoll(long fds, long nfds, long timeout, long sigmask);

    /** {@code int fcntl(int fd, int cmd, int arg)} (the {@code F_GETFL}/{@code F_SETFL} form). */
    public static native int fcntl(int fd, int cmd, int arg);

    /** {@code int socket(int domain, int type, int protocol)}. */
    public static native int socket(int domain, int type, int protocol);

    /** {@code int eventfd(unsigned int initval, int flags)}. */
    public static native int eventfd(int initval, int flags);

    /** {@code char *strerror(int errnum)}; glibc returns static strings for every known errno. */
    public static native String strerror(int errnum);

    /** errno of the last native call made by this thread through JNA; see the class comment. */
    public static int errno() {
        return Native.getLastError();
    }

    /**
     * "{@code what}: {@code strerror(errno)} (errno N)". Used to build {@code IOException} messages;
     * it allocates, so call it only on the failure path.
     */
    public static String describe(String what, int errno) {
        return what + ": " + strerror(errno) + " (errno " + errno + ")";
    }
}
