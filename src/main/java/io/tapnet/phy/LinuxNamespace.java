package io.tapnet.phy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named Linux network namespace ({@code ip netns}), the home of a "Linux host": it holds the
 * kernel side of a {@link TapDevice} while tapnet keeps the fd, so real {@code ping},
 * {@code traceroute}, {@code curl} run inside it and their frames cross tapnet's network.
 *
 * <p>Everything is done by running iproute2 ({@link IpCommand}); failures throw an
 * {@code IOException} naming the command and quoting its stderr. Commands that act inside the
 * namespace use {@code ip -n NAME ...}; programs run with {@code ip netns exec NAME ...}.
 *
 * <p>{@link #delete()} (also {@link #close()}) first kills the processes this object
 * {@linkplain #start started}, since a process left inside would keep the namespace alive, unnamed,
 * after {@code ip netns del}. Deleting a namespace destroys the TAP/TUN netdevs in it; their fds in
 * this JVM then fail with {@code EBADFD}.
 */
public final class LinuxNamespace implements AutoCloseable {

    /** How long {@link #exec(String...)} lets a program run before killing it. */
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofSeconds(60);

    /** iproute2 keeps namespace names as file names under /run/netns. */
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    private final String name;
    private final List<Process> started = new ArrayList<>();
    private boolean deleted;

    private LinuxNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates the namespace {@code name} ({@code ip netns add}).
     *
     * @throws IOException if it already exists or {@code ip} fails (e.g. without root)
     */
    public static LinuxNamespace create(String name) throws IOException {
        validateName(name);
        if (exists(name)) {
            throw new IOException("network namespace \"" + name + "\" already exists"
                    + " (remove it with: ip netns del " + name + ")");
        }
        IpCommand.ip("netns", "add", name);
        return new LinuxNamespace(name);
    }

    /** A handle on an existing namespace, e.g. to clean one up by name. */
    public static LinuxNamespace open(String name) throws IOException {
        validateName(name);
        if (!exists(name)) {
            throw new IOException("network namespace \"" + name + "\" does not exist");
        }
        return new LinuxNamespace(name);
    }

    /** True if {@code ip netns list} shows {@code name}. */
    public static boolean exists(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        return list().contains(name);
    }

    /** The names {@code ip netns list} shows. */
    public static List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : IpCommand.ip("netns", "list").split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                int space = trimmed.indexOf(' ');
                names.add(space < 0 ? trimmed : trimmed.substring(0, space));
            }
        }
        return names;
    }

    /** Deletes the namespace {@code name} if it exists; returns whether it did. */
    public static boolean deleteIfExists(String name) throws IOException {
        validateName(name);
        if (!exists(name)) {
            return false;
        }
        IpCommand.ip("netns", "del", name);
        return true;
    }

    private static void validateName(String name) {
        Objects.requireNonNull(name, "name");
        if (!VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid namespace name \"" + name
                    + "\": use 1-64 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }
    }

    /** The namespace's name. */
    public String name() {
        return name;
    }

    /**
     * Kills the processes {@link #start} began, then deletes the namespace if it still exists.
     * Idempotent.
     */
    public void delete() throws IOException {
        List<Process> toKill;
        synchronized (this) {
            deleted = true;
            toKill = new ArrayList<>(started);
            started.clear();
        }
        for (Process process : toKill) {
            if (process.isAlive()) {
                IpCommand.destroyTree(process);
            }
        }
        deleteIfExists(name);
    }

    /** Same as {@link #delete()}. */
    @Override
    public void close() throws IOException {
        delete();
    }

    // ---- links ----------------------------------------------------------------------------------

    /**
     * Moves interface {@code ifname} from the JVM's namespace into this one
     * ({@code ip link set dev IFNAME netns NAME}). A moved interface goes down and loses its
     * addresses; its name must not already exist in this namespace.
     */
    public void moveLink(String ifname) throws IOException {
        IpCommand.ip("link", "set", "dev", ifname, "netns", name);
    }

    /** Renames an interface in this namespace; Linux only renames interfaces that are down. */
    public void renameLink(String oldName, String newName) throws IOException {
        ip("link", "set", "dev", oldName, "name", newName);
    }

    /** Adds an address in CIDR form, e.g. {@code "10.0.1.20/24"}. */
    public void addAddress(String ifname, String cidr) throws IOException {
        ip("address", "add", cidr, "dev", ifname);
    }

    /** {@code ip link set dev IFNAME up} in this namespace. */
    public void setUp(String ifname) throws IOException {
        ip("link", "set", "dev", ifname, "up");
    }

    /** {@code ip link set dev IFNAME down} in this namespace. */
    public void setDown(String ifname) throws IOException {
        ip("link", "set", "dev", ifname, "down");
    }

    /** Brings up {@code lo}, which a fresh namespace has down. */
    public void setLoopbackUp() throws IOException {
        setUp("lo");
    }

    /** Sets the MTU of an interface in this namespace. */
    public void setMtu(String ifname, int mtu) throws IOException {
        ip("link", "set", "dev", ifname, "mtu", Integer.toString(mtu));
    }

    /** Sets the MAC address of an interface in this namespace, e.g. {@code "02:00:00:00:01:14"}. */
    public void setMac(String ifname, String mac) throws IOException {
        ip("link", "set", "dev", ifname, "address", mac);
    }

    /** Sets the MAC address from its 48 low bits, first octet most significant. */
    public void setMac(String ifname, long mac48) throws IOException {
        setMac(ifname, formatMac(mac48));
    }

    // ---- routes ---------------------------------------------------------------------------------

    /** {@code ip route add default via GATEWAY} in this namespace. */
    public void addDefaultRoute(String gateway) throws IOException {
        ip("route", "add", "default", "via", gateway);
    }

    /**
     * {@code ip route add CIDR [via VIA] [dev DEV]} in this namespace; {@code via} or {@code dev}
     * may be null, not both.
     */
    public void addRoute(String cidr, String via, String dev) throws IOException {
        Objects.requireNonNull(cidr, "cidr");
        if (via == null && dev == null) {
            throw new IllegalArgumentException("a route needs a gateway (via) or a device (dev)");
        }
        List<String> args = new ArrayList<>(List.of("route", "add", cidr));
        if (via != null) {
            args.add("via");
            args.add(via);
        }
        if (dev != null) {
            args.add("dev");
            args.add(dev);
        }
        ip(args.toArray(String[]::new));
    }

    /** Runs {@code ip -n NAME args...} and returns its stdout; throws with its stderr on failure. */
    public String ip(String... args) throws IOException {
        String[] all = new String[args.length + 2];
        all[0] = "-n";
        all[1] = name;
        System.arraycopy(args, 0, all, 2, args.length);
        return IpCommand.ip(all);
    }

    // ---- programs -------------------------------------------------------------------------------

    /**
     * Runs {@code argv} inside the namespace ({@code ip netns exec NAME argv...}) to completion,
     * killing it after {@link #DEFAULT_EXEC_TIMEOUT}, and returns exit code and output whatever the
     * exit code.
     */
    public IpCommand.Result exec(String... argv) throws IOException {
        return exec(DEFAULT_EXEC_TIMEOUT, argv);
    }

    /** Like {@link #exec(String...)} with an explicit timeout; throws {@code IOException} on timeout. */
    public IpCommand.Result exec(Duration timeout, String... argv) throws IOException {
        return IpCommand.run(netnsExec(argv), timeout);
    }

    /**
     * Starts {@code argv} inside the namespace and returns at once. The caller reads or discards the
     * process's output (an unread pipe eventually blocks it); {@link #delete()} kills it if it is
     * still running.
     */
    public Process start(String... argv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(netnsExec(argv));
        synchronized (this) {
            if (deleted) {
                throw new IllegalStateException("namespace " + name + " has been deleted");
            }
            Process process = builder.start();
            started.removeIf(p -> !p.isAlive());
            started.add(process);
            return process;
        }
    }

    private List<String> netnsExec(String... argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        List<String> command = new ArrayList<>(argv.length + 4);
        command.add("ip");
        command.add("netns");
        command.add("exec");
        command.add(name);
        command.addAll(List.of(argv));
        return command;
    }

    /** "aa:bb:cc:dd:ee:ff" for the 48 low bits of {@code mac48}. */
    static String formatMac(long mac48) {
        if ((mac48 >>> 48) != 0) {
            throw new IllegalArgumentException("not a 48-bit MAC address: 0x" + Long.toHexString(mac48));
        }
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            int octet = (int) (mac48 >>> shift) & 0xff;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "LinuxNamespace[" + name + "]";
    }
}
