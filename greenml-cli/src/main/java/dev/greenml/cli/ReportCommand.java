package dev.greenml.cli;

import dev.greenml.footprint.report.ChartLibrary;
import dev.greenml.footprint.report.HtmlReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** greenml report: one self-contained HTML page with the facts and charts of one or more run directories. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write one self-contained HTML page (it opens offline) about one or more run directories.",
                "The page shows energy, CO2e, water and FLOPs, each with how it was obtained; charts of power"
                        + " over time, energy and CO2e per phase, loss and accuracy against energy, and,"
                        + " with several runs, accuracy against energy per run."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run directories (each holds footprint.json).")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "FILE.html", defaultValue = "report.html",
            description = "Where to write the page (default: ${DEFAULT-VALUE}); replaced atomically.")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        // the page must not replace a file it reads (a run without run.json is not caught by the general rule)
        for (Path run : runs) OutputPaths.refuseRunFile("--out", out, run);
        OutputPaths.checkWritableFile("--out", out);
        long bytes = HtmlReport.write(out, runs);
        ChartLibrary lib = ChartLibrary.load();
        o.text("%s: %d run%s, %,d KB (charts: %s %s, inlined)", out, runs.size(), runs.size() == 1 ? "" : "s",
                (bytes + 512) / 1024, ChartLibrary.NAME, lib.version());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "report");
        result.put("out", out.toAbsolutePath().toString());
        result.put("runs", runs.stream().map(p -> p.toAbsolutePath().toString()).toList());
        result.put("bytes", bytes);
        result.put("chart_library", ChartLibrary.NAME + " " + lib.version());
        o.result(result);
        return 0;
    }
}
