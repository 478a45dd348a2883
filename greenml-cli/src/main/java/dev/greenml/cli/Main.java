package dev.greenml.cli;

import dev.greenml.io.CsvData;
import dev.greenml.io.safetensors.ModelFileException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code greenml} command. Subcommands are registered in {@link #commandLine()}. */
@Command(name = "greenml", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = {"Train and run neural networks on the JVM, and account for what each run cost.",
                "Every command takes --help and -V/--version. --json prints a command's result as one JSON object on stdout;"
                        + " bench has no --json: it always prints one JSON object per line."})
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new TrainCommand());
        cl.addSubcommand(new PredictCommand());
        cl.addSubcommand(new InspectCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new ReportCommand());
        cl.addSubcommand(new GenerateCommand());
        cl.addSubcommand(new TokenizerCommand());
        cl.addSubcommand(new QuantizeCommand());
        cl.addSubcommand(new PruneCommand());
        cl.addSubcommand(new DistillCommand());
        cl.addSubcommand(new CompareCommand());
        cl.addSubcommand(new dev.greenml.cli.footprint.FootprintCommand());
        shareVersion(cl);
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(Main::handleParameters);
        return cl;
    }

    /** The one version every command prints for -V/--version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"greenml " + dev.greenml.Version.STRING};
        }
    }

    /**
     * mixinStandardHelpOptions lists -V/--version on every subcommand, but picocli prints the
     * subcommand's own version, which is empty: `greenml train -V` printed nothing. Each command
     * gets the same provider instead of every @Command repeating it.
     */
    private static void shareVersion(CommandLine cl) {
        cl.getCommandSpec().versionProvider(new VersionProvider());
        for (CommandLine sub : cl.getSubcommands().values()) shareVersion(sub);
    }

    /**
     * A command line picocli cannot parse (unknown option, missing required option, a value of
     * the wrong type): one line pointing at --help, exit 2, instead of the message followed by
     * the whole usage text, which buries the message under a screenful.
     */
    private static int handleParameters(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
        }
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message + "; see '"
                + cl.getCommandSpec().qualifiedName() + " --help'");
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Turns a failure into one line naming the problem (and, from our own exceptions, the fix).
     * Exit 2 for bad input, 1 for anything else; the stack trace only with GREENML_DEBUG=1.
     */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if ("1".equals(System.getenv("GREENML_DEBUG"))) e.printStackTrace();
        String message;
        int code = 2;
        if (e instanceof UserError || e instanceof ModelFileException || e instanceof CsvData.DataException
                || e instanceof IllegalArgumentException) {
            message = e.getMessage();
        } else if (e instanceof NoSuchFileException n) {
            message = n.getFile() + ": file not found";
        } else if (e instanceof AccessDeniedException a) {
            message = a.getFile() + ": permission denied";
        } else if (e instanceof IOException io) {
            message = "I/O error: " + io.getMessage();
        } else {
            code = 1;
            message = "internal error: " + e + " (a bug in greenml; rerun with GREENML_DEBUG=1 for the stack trace)";
        }
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message);
        return code;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
