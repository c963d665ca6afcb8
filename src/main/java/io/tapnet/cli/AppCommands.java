package io.tapnet.cli;

import io.tapnet.app.AppThreads;
import io.tapnet.app.EchoServer;
import io.tapnet.app.GeneratedContent;
import io.tapnet.app.HttpClient;
import io.tapnet.app.HttpHeaders;
import io.tapnet.app.HttpServer;
import io.tapnet.app.Netcat;
import io.tapnet.app.RunningServices;
import io.tapnet.app.Service;
import io.tapnet.app.UdpEchoServer;
import io.tapnet.cli.Console.NodeContext;
import io.tapnet.socket.EmulatedHost;
import io.tapnet.socket.SocketInfo;
import io.tapnet.topology.Network;
import io.tapnet.topology.NodeKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The console commands of the applications on Java hosts: {@code NODE http serve|get|stop},
 * {@code NODE echo serve|stop}, {@code NODE nc}, {@code NODE sockets} and {@code NODE services}.
 *
 * <p>Servers started here run in the background, on the host's application threads, until
 * {@code NODE http stop} / {@code NODE echo stop} or until the network stops. Clients run as
 * applications of the host too ({@link EmulatedHost#spawn}); the console waits for them through
 * {@link Network#await}, which also drives the loop when the network runs in virtual time.
 */
final class AppCommands {
    private AppCommands() {
    }

    /** The commands for a node of {@code kind}: all of them for hosts, {@code sockets} for routers. */
    static void addTo(Map<String, Function<NodeContext, Object>> commands, NodeKind kind) {
        switch (kind) {
            case HOST -> {
                commands.put("http", HttpCmd::spec);
                commands.put("echo", EchoCmd::spec);
                commands.put("nc", NcCmd::new);
                commands.put("sockets", SocketsCmd::new);
                commands.put("services", ServicesCmd::new);
            }
            case ROUTER -> commands.put("sockets", SocketsCmd::new);
            default -> {
            }
        }
    }

    // ------------------------------------------------------------------ shared

    /** The services running on the network's hosts; the network stops them when it closes. */
    static RunningServices services(Network network) {
        return network.services();
    }

    static EmulatedHost hostOrFail(NodeContext ctx) {
        EmulatedHost host = ctx.network().host(ctx.node().name());
        if (host == null) {
            throw new IllegalArgumentException(ctx.node().name() + " runs no Java applications");
        }
        return host;
    }

    /** Runs {@code work} as an application of {@code host} and waits for it, driving virtual time if need be. */
    static <T> T runOn(NodeContext ctx, EmulatedHost host, String name, AppWork<T> work, double maxSeconds) {
        CompletableFuture<T> result = new CompletableFuture<>();
        host.spawn(name, () -> {
            try {
                result.complete(work.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return ctx.network().await(result, NodeCommands.seconds(maxSeconds));
    }

    /** Work that may fail with any exception; what it throws is reported. */
    @FunctionalInterface
    interface AppWork<T> {
        T run() throws Exception;
    }

    /** An exception as one line: the message alone for the familiar ones. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host " + message;
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "timed out (" + message + ")";
        }
        return message;
    }

    static CommandSpec withSubcommands(Object parent, Object... subcommands) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(parent);
        for (Object sub : subcommands) {
            CommandSpec subSpec = CommandSpec.forAnnotatedObject(sub);
            spec.addSubcommand(subSpec.name(), subSpec);
        }
        return spec;
    }

    static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "";
        }
        double bits = bytes * 8.0 / (nanos / 1e9);
        String[] units = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s"};
        int u = 0;
        while (bits >= 1000 && u < units.length - 1) {
            bits /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, ", %.1f %s", bits, units[u]);
    }

    /** {@code \n}, {@code \r}, {@code \t}, {@code \\} and {@code \0} in -e text, so one console word can hold lines. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case '\\' -> out.append('\\');
                default -> out.append('\\').append(next);
            }
        }
        return out.toString();
    }

    /** Lists what {@code stop} did, or says there was nothing to stop. */
    static int reportStopped(NodeContext ctx, String what, List<Service> stopped) {
        if (stopped.isEmpty()) {
            ctx.out().println(ctx.node().name() + ": no " + what + " server running");
            return Main.FAILURE;
        }
        for (Service s : stopped) {
            ctx.out().println(ctx.node().name() + ": stopped " + s.kind() + " :" + s.port() + "/" + s.protocol());
        }
        return Main.OK;
    }

    // ------------------------------------------------------------------ http

    @Command(name = "http", mixinStandardHelpOptions = true,
            description = "HTTP/1.1 server and client on this host: serve, get, stop.")
    static final class HttpCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        static CommandSpec spec(NodeContext ctx) {
            return withSubcommands(new HttpCmd(), new HttpServeCmd(ctx), new HttpGetCmd(ctx), new HttpStopCmd(ctx));
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return Main.USAGE;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve the files under DIR over HTTP in the background (like python3 -m http.server).",
                    "Without DIR, a generated test site: / and /bytes/N (N bytes; byte i is i %% 251)."})
    static final class HttpServeCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "port to listen on (default: ${DEFAULT-VALUE})",
                defaultValue = "80")
        int port;
        @Option(names = "--no-list", description = "answer 403 for directories without index.html instead of listing them")
        boolean noList;
        @Parameters(paramLabel = "DIR", arity = "0..1", description = "directory to serve (relative to tapnet's working directory)")
        Path dir;

        HttpServeCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            EmulatedHost host = hostOrFail(ctx);
            if (port < 1 || port > 65535) {
                ctx.out().println("http serve: --port must be 1..65535");
                return Main.USAGE;
            }
            HttpServer server = new HttpServer();
            try {
                if (dir == null) {
                    server.route("/", new GeneratedContent(host.name()));
                } else {
                    if (!Files.isDirectory(dir)) {
                        ctx.out().println("http serve: " + dir + " is not a directory");
                        return Main.USAGE;
                    }
                    server.files("/", dir, !noList);
                }
                server.start(host.serverSocketFactory(), null, port, host::spawn);
            } catch (BindException e) {
                ctx.out().println("http serve: port " + port + " on " + host.name() + " is in use: " + e.getMessage());
                return Main.FAILURE;
            } catch (IOException | RuntimeException e) {
                ctx.out().println("http serve: " + describe(e));
                return Main.FAILURE;
            }
            services(ctx.network()).add(host.name(), server);
            String address = host.address().getHostAddress();
            ctx.out().println(host.name() + ": serving " + (dir == null ? "the generated test site"
                    : dir.toAbsolutePath().normalize().toString()) + " on http://" + address
                    + (port == 80 ? "" : ":" + port) + "/ (stop with '" + host.name() + " http stop')");
            return Main.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download URL (like curl): prints the body, or with -o saves it and prints the status and size.",
                    "The host may be a node name: 'h1 http get h2/index.html'. Exit status 1 for 4xx/5xx and errors."})
    static final class HttpGetCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Parameters(paramLabel = "URL", description = "http://HOST[:PORT]/PATH; HOST is a node name or an IPv4 address")
        String url;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the body to FILE")
        Path output;
        @Option(names = {"-I", "--head"}, description = "send HEAD and print the status line and headers")
        boolean head;
        @Option(names = {"-i", "--include"}, description = "print the status line and headers before the body")
        boolean include;
        @Option(names = {"-L", "--location"}, description = "follow up to 10 redirects")
        boolean follow;
        @Option(names = "--timeout", paramLabel = "SEC", defaultValue = "30",
                description = "give up connecting, or waiting for data, after SEC seconds (default: ${DEFAULT-VALUE})")
        double timeout;
        @Option(names = "--max-time", paramLabel = "SEC", defaultValue = "600",
                description = "give up on the whole transfer after SEC seconds (default: ${DEFAULT-VALUE})")
        double maxTime;

        HttpGetCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            EmulatedHost host = hostOrFail(ctx);
            URI uri;
            try {
                uri = new URI(url.contains("://") ? url : "http://" + url);
            } catch (URISyntaxException e) {
                ctx.out().println("http get: bad URL '" + url + "': " + e.getReason());
                return Main.USAGE;
            }
            if (timeout <= 0 || maxTime <= 0) {
                ctx.out().println("http get: --timeout and --max-time must be > 0");
                return Main.USAGE;
            }
            HttpClient client = new HttpClient(host.socketFactory()).resolver(host::resolve)
                    .connectTimeout(Duration.ofMillis((long) (timeout * 1000)))
                    .readTimeout(Duration.ofMillis((long) (timeout * 1000)))
                    .followRedirects(follow ? 10 : 0);
            PrintStream out = ctx.out();
            Network network = ctx.network();
            long started = network.loop().now();
            HttpClient.Response response;
            try {
                response = runOn(ctx, host, "http get", () -> {
                    if (head) {
                        return client.head(uri);
                    }
                    if (output != null) {
                        try (OutputStream file = Files.newOutputStream(output)) {
                            return client.get(uri, file);
                        }
                    }
                    if (!include) {
                        return client.get(uri, new NonClosing(out));
                    }
                    // headers first: buffer the body (console output, so it is meant to be small)
                    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                    HttpClient.Response r = client.get(uri, body);
                    printHead(out, r);
                    body.writeTo(out);
                    return r;
                }, maxTime);
            } catch (RuntimeException e) {
                out.println("http get: " + url + ": " + (e.getCause() != null ? describe(e.getCause()) : describe(e)));
                return Main.FAILURE;
            }
            long elapsed = network.loop().now() - started;
            if (head) {
                printHead(out, response);
            } else if (output != null) {
                out.println(response.statusLine() + ": " + response.bytes() + " bytes in "
                        + String.format(Locale.ROOT, "%.3f s", elapsed / 1e9) + rate(response.bytes(), elapsed)
                        + ", saved to " + output);
            } else {
                out.flush();
                if (response.status() >= 400) {
                    out.println();
                    out.println("(" + response.statusLine() + ")");
                }
            }
            return response.status() >= 400 ? Main.FAILURE : Main.OK;
        }

        private static void printHead(PrintStream out, HttpClient.Response r) {
            out.println(r.statusLine());
            for (HttpHeaders.Field f : r.headers().fields()) {
                out.println(f.name() + ": " + f.value());
            }
            out.println();
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop this host's HTTP servers (or the one on --port).")
    static final class HttpStopCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "only the server on PORT")
        Integer port;

        HttpStopCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            return reportStopped(ctx, "http", services(ctx.network()).stop(ctx.node().name(), "http", port, null));
        }
    }

    // ------------------------------------------------------------------ echo

    @Command(name = "echo", mixinStandardHelpOptions = true, description = "Echo service (RFC 862) on this host: serve, stop.")
    static final class EchoCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        static CommandSpec spec(NodeContext ctx) {
            return withSubcommands(new EchoCmd(), new EchoServeCmd(ctx), new EchoStopCmd(ctx));
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return Main.USAGE;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the echo service in the background: TCP sends back what it receives; --udp answers each datagram.")
    static final class EchoServeCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "7",
                description = "port to listen on (default: ${DEFAULT-VALUE})")
        int port;
        @Option(names = {"-u", "--udp"}, description = "UDP instead of TCP")
        boolean udp;

        EchoServeCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            EmulatedHost host = hostOrFail(ctx);
            if (port < 1 || port > 65535) {
                ctx.out().println("echo serve: --port must be 1..65535");
                return Main.USAGE;
            }
            Service service;
            try {
                if (udp) {
                    DatagramSocket socket = host.newDatagramSocket(port);
                    service = UdpEchoServer.start(socket, host::spawn);
                } else {
                    service = EchoServer.start(host.serverSocketFactory(), null, port, host::spawn);
                }
            } catch (IOException | RuntimeException e) {
                ctx.out().println("echo serve: " + (udp ? "udp" : "tcp") + " port " + port + " on " + host.name() + ": "
                        + describe(e));
                return Main.FAILURE;
            }
            services(ctx.network()).add(host.name(), service);
            ctx.out().println(host.name() + ": echo on " + host.address().getHostAddress() + ":" + port + "/"
                    + service.protocol() + " (stop with '" + host.name() + " echo stop')");
            return Main.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop this host's echo services (or those on --port, --udp, --tcp).")
    static final class EchoStopCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "only on PORT")
        Integer port;
        @Option(names = {"-u", "--udp"}, description = "only the UDP one")
        boolean udp;
        @Option(names = {"-t", "--tcp"}, description = "only the TCP one")
        boolean tcp;

        EchoStopCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String protocol = udp == tcp ? null : udp ? "udp" : "tcp";
            return reportStopped(ctx, "echo", services(ctx.network()).stop(ctx.node().name(), "echo", port, protocol));
        }
    }

    // ------------------------------------------------------------------ nc

    @Command(name = "nc", mixinStandardHelpOptions = true,
            description = {"Connect to HOST PORT and print what comes back (like nc -N).",
                    "With -e TEXT: send TEXT (\\n, \\r, \\t, \\\\ are understood), half-close, and print the answer until the peer closes.",
                    "Without -e, on a terminal: send what you type; a line with a single '.' ends the input."})
    static final class NcCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = {"-u", "--udp"}, description = "UDP: each line or -e text is one datagram; answers are printed until -w seconds pass quietly")
        boolean udp;
        @Option(names = {"-e", "--send"}, paramLabel = "TEXT", description = "send TEXT instead of reading the terminal")
        String text;
        @Option(names = "-w", paramLabel = "SEC",
                description = "give up connecting, or waiting for data, after SEC seconds (default: 10 with -e, 1 for -u, none on a terminal)")
        Double wait;
        @Parameters(index = "0", paramLabel = "HOST", description = "node name or IPv4 address")
        String target;
        @Parameters(index = "1", paramLabel = "PORT", description = "port 1..65535")
        int port;

        NcCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            EmulatedHost host = hostOrFail(ctx);
            if (port < 1 || port > 65535 || (wait != null && wait < 0)) {
                ctx.out().println("nc: PORT must be 1..65535 and -w >= 0");
                return Main.USAGE;
            }
            boolean interactive = text == null;
            if (interactive && System.console() == null) {
                ctx.out().println("nc: no terminal to read from; give the text to send with -e TEXT");
                return Main.USAGE;
            }
            double idle = wait != null ? wait : udp ? 1 : interactive ? 0 : 10;
            InputStream input = interactive ? new TerminalInput()
                    : new ByteArrayInputStream(unescape(text).getBytes(StandardCharsets.UTF_8));
            // The input thread blocks on the terminal: a plain virtual thread, so it does not hold virtual time.
            Netcat nc = new Netcat(interactive ? AppThreads.virtual() : host::spawn)
                    .connectTimeout(Duration.ofMillis(wait != null ? (long) (wait * 1000) : 10_000))
                    .idleTimeout(Duration.ofMillis((long) (idle * 1000)));
            PrintStream out = ctx.out();
            OutputStream sink = new NonClosing(out);
            double max = interactive ? 7 * 24 * 3600 : 3600;
            Netcat.Result result;
            try {
                result = runOn(ctx, host, "nc", () -> {
                    InetSocketAddress to = new InetSocketAddress(host.resolve(target), port);
                    if (udp) {
                        return nc.udp(host.newDatagramSocket(0), to, input, sink);
                    }
                    return nc.connect(host.socketFactory(), to, input, sink);
                }, max);
            } catch (RuntimeException e) {
                out.println("nc: " + target + " " + port + ": " + (e.getCause() != null ? describe(e.getCause()) : describe(e)));
                return Main.FAILURE;
            } finally {
                if (input instanceof TerminalInput terminal) {
                    terminal.detach();
                }
            }
            out.flush();
            if (!result.ok()) {
                out.println("nc: " + target + " " + port + ": " + describe(result.error()));
                return Main.FAILURE;
            }
            return Main.OK;
        }
    }

    /**
     * The terminal as nc's input, read only when a line is waiting: so that once the session is over,
     * no thread is left blocked on stdin to swallow the console's next command. A line holding only
     * "." ends the input (Ctrl-D cannot be seen without blocking).
     */
    static final class TerminalInput extends InputStream {
        private volatile boolean detached;

        void detach() {
            detached = true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (!detached) {
                int available = System.in.available();
                if (available > 0) {
                    int n = System.in.read(b, off, Math.min(len, available));
                    if (n < 0 || (n == 2 && b[off] == '.' && b[off + 1] == '\n')) {
                        return -1;
                    }
                    return n;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            return -1;
        }
    }

    /** The console's stream as a sink that applications may close without closing the console. */
    static final class NonClosing extends OutputStream {
        private final OutputStream out;

        NonClosing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    // ------------------------------------------------------------------ sockets and services

    @Command(name = "sockets", mixinStandardHelpOptions = true,
            description = "List every TCP and UDP endpoint of this node with its state and queues (like ss -tuna).")
    static final class SocketsCmd implements Callable<Integer> {
        private final NodeContext ctx;
        @Option(names = "-t", description = "TCP only")
        boolean tcpOnly;
        @Option(names = "-u", description = "UDP only")
        boolean udpOnly;
        @Option(names = "-l", description = "listening (and unconnected UDP) endpoints only")
        boolean listening;

        SocketsCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            EmulatedHost host = hostOrFail(ctx);
            List<SocketInfo> sockets = host.sockets();
            PrintStream out = ctx.out();
            out.printf("%-5s %-11s %6s %6s %-21s %s%n", "Netid", "State", "Recv-Q", "Send-Q",
                    "Local Address:Port", "Peer Address:Port");
            for (SocketInfo s : sockets) {
                if ((tcpOnly && !udpOnly && !s.protocol().equals("tcp")) || (udpOnly && !tcpOnly && !s.protocol().equals("udp"))
                        || (listening && !s.state().equals("LISTEN") && !s.state().equals("UNCONN"))) {
                    continue;
                }
                out.printf("%-5s %-11s %6d %6d %-21s %s%n", s.protocol(), s.state(), Math.max(0, s.receiveQueue()),
                        Math.max(0, s.sendQueue()), s.local(), s.peer());
            }
            return Main.OK;
        }
    }

    @Command(name = "services", mixinStandardHelpOptions = true,
            description = "List the servers running on this host (started by the console or the topology's services:).")
    static final class ServicesCmd implements Callable<Integer> {
        private final NodeContext ctx;

        ServicesCmd(NodeContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<Service> running = services(ctx.network()).on(ctx.node().name());
            if (running.isEmpty()) {
                ctx.out().println("(no services on " + ctx.node().name() + ")");
            }
            for (Service s : running) {
                ctx.out().println(s.describe());
            }
            return Main.OK;
        }
    }
}
