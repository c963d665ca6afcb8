package io.tapnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tapnet} command. Exit codes: 0 success, 1 runtime failure (a ping without reply, a
 * device that could not be created), 2 bad usage or a bad topology file.
 */
@Command(name = "tapnet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A virtual-network emulator: Java hosts, Linux namespaces, switches and routers in one JVM.",
        subcommands = {DemoCommand.class, RunCommand.class, ValidateCommand.class,
                CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class,
                picocli.codegen.docgen.manpage.ManPageGenerator.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure (e.g. a ping without reply)", "2:bad usage or bad topology"})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try 'tapnet demo' or 'tapnet run FILE'");
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? USAGE : FAILURE);
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.out.flush();
        System.exit(code);
    }
}
