package dev.greenml.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code greenml} command. Subcommands are registered in {@link #commandLine()}. */
@Command(name = "greenml", mixinStandardHelpOptions = true, version = "greenml 0.1.0",
        description = "Train and run neural networks on the JVM, and account for what each run cost.")
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(System.err);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // subcommands are added here, one line each
        cl.addSubcommand(new dev.greenml.cli.footprint.FootprintCommand());
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
