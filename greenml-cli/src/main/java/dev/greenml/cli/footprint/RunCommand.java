package dev.greenml.cli.footprint;

import dev.greenml.footprint.report.JsonReport;
import dev.greenml.footprint.report.Summary;
import dev.greenml.footprint.run.Accounting;
import dev.greenml.footprint.run.Footprint;
import dev.greenml.footprint.run.FootprintConfig;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code greenml footprint run [options] -- command …}: runs a command, meters its process tree,
 * writes DIR/footprint.json and a row of DIR/emissions.csv, prints the summary on stderr and
 * exits with the command's exit code. Metering starts before the command does. With --json,
 * stdout carries exactly one JSON object: the command's own stdout is passed on to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command and report the energy, carbon and water of its process tree.",
        footer = "Example: greenml footprint run --country FR --out runs/ -- python train.py")
public final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin FootprintOptions footprint;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where footprint.json and emissions.csv go (default .).")
    Path out;

    @Option(names = "--json", description = "Print the footprint report as one JSON object on stdout; the command's own"
            + " standard output then goes to standard error, so that stdout holds the JSON alone.")
    boolean json;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to run, after --.")
    List<String> command;

    @Override public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (command == null || command.isEmpty()) {
            return fail(err, "no command given; put the command after --, e.g. greenml footprint run -- sleep 1");
        }
        FootprintConfig config;
        try {
            config = footprint.toConfig();
            Accounting.intensity(config); // an unknown location must fail before the command runs
            // a training run's directory: its footprint.json is the run's, which greenml report reads
            dev.greenml.cli.OutputPaths.refuseRunFootprint(out.resolve("footprint.json"), "choose another --out directory");
            // a file or an unwritable place found only after the command ran would lose its whole footprint
            dev.greenml.cli.OutputPaths.checkWritableDirectory("--out " + out, out);
        } catch (RuntimeException e) {
            return fail(err, message(e));
        }
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (json) builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        Footprint.ChildRun child;
        try {
            child = Footprint.startChild(config, builder);   // metering first, so the command's start is inside the window
        } catch (IOException e) {
            err.println("greenml footprint run: cannot start '" + command.getFirst() + "': " + e.getMessage()
                    + " (check the command name and PATH)");
            err.flush();
            return 127; // what shells return for a command that cannot be run
        }
        Process process = child.process();
        FootprintRun run = child.run();
        Thread toStderr = json ? Thread.ofPlatform().daemon().name("greenml-child-stdout")
                .start(() -> copy(process.getInputStream(), err)) : null;
        int code;
        try {
            code = process.waitFor();
            if (toStderr != null) toStderr.join();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            code = 130;
        } finally {
            run.finish();
        }
        FootprintResult result = run.finish().withExitCode(code);
        // each report on its own: when only the CSV append fails, footprint.json is still there and named
        List<Path> reports = new java.util.ArrayList<>();
        boolean written = true;
        try {
            JsonReport.write(out.resolve("footprint.json"), result);
            reports.add(out.resolve("footprint.json"));
            Accounting.appendCodeCarbon(out.resolve("emissions.csv"), result);
            reports.add(out.resolve("emissions.csv"));
        } catch (IOException | RuntimeException e) {
            written = false;
            err.println("greenml footprint run: cannot write " + (reports.isEmpty() ? "the reports in " + out : out.resolve("emissions.csv"))
                    + ": " + e.getMessage() + " (choose a writable --out directory)");
        }
        err.println(Summary.text(result));
        if (!reports.isEmpty()) err.println("  reports: " + String.join(", ", reports.stream().map(Path::toString).toList()));
        err.flush();
        if (json) {
            PrintWriter o = spec.commandLine().getOut();
            o.println(JsonReport.text(result));
            o.flush();
        }
        // the command's own failure comes first; a command that succeeded but lost its reports did not
        return code != 0 || written ? code : 1;
    }

    /** The command's stdout, passed on as it comes (decoded as the platform's text, which is what a terminal shows). */
    private static void copy(java.io.InputStream in, PrintWriter err) {
        var charset = java.nio.charset.Charset.forName(System.getProperty("native.encoding", "UTF-8"),
                java.nio.charset.StandardCharsets.UTF_8);
        try (var reader = new java.io.InputStreamReader(in, charset)) {
            char[] buf = new char[8192];
            for (int n; (n = reader.read(buf)) >= 0; ) {
                synchronized (err) {
                    err.write(buf, 0, n);
                    err.flush();
                }
            }
        } catch (IOException e) {
            // the command closed its stdout or died: nothing more to pass on
        }
    }

    private static String message(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static int fail(PrintWriter err, String message) {
        err.println("greenml footprint run: " + message);
        err.flush();
        return FootprintCommand.BAD_INPUT;
    }
}
