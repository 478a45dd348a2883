package dev.greenml.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.cli.footprint.FootprintOptions;
import dev.greenml.flops.FlopCounter;
import dev.greenml.footprint.run.Accounting;
import dev.greenml.footprint.run.Footprint;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintRun;
import dev.greenml.footprint.report.JsonReport;
import dev.greenml.footprint.report.Summary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The footprint of one CLI command: started before the work, fed the engine's FLOP counts,
 * finished with a summary on stderr, footprint.json and a row in emissions.csv (CodeCarbon's
 * columns) in the report directory.
 */
final class Metering implements AutoCloseable {

    final FootprintRun run;
    private FootprintResult result;

    private Metering(FootprintRun run) {
        this.run = run;
    }

    static Metering start(FootprintOptions options, String project) {
        var config = options.toConfig();
        if (config.project() == null || config.project().equals("greenml")) config = config.withProject(project);
        FootprintRun run = Footprint.start(config);
        FlopCounter.setListener(run);
        return new Metering(run);
    }

    /** A one-line label of how energy is obtained, for model-file provenance: e.g. "cpu modelled (…)". */
    String methodLabel() {
        StringBuilder sb = new StringBuilder();
        for (var m : run.meters()) {
            sb.append(sb.isEmpty() ? "" : "; ").append(m.component()).append(' ')
                    .append(m.method().toString().toLowerCase(Locale.ROOT)).append(" (").append(m.source()).append(')');
        }
        return sb.toString();
    }

    /** Provenance for a model file written mid-run: energy so far with its method. */
    String provenanceJson(String phase) {
        return Output.toJson(Map.of("energy_joules_so_far", run.joulesSoFar(), "at", phase, "method", methodLabel(),
                "note", "energy of this run up to writing the file; the full report is footprint.json beside it"));
    }

    /** Ends the run, writes the reports into {@code reportDir}, prints the summary to stderr. */
    FootprintResult finish(Path reportDir, Output o) throws IOException {
        if (result != null) return result;
        FlopCounter.setListener(null);
        result = run.finish();
        Path json = reportDir.resolve("footprint.json");
        Path csv = reportDir.resolve("emissions.csv");
        JsonReport.write(json, result);
        Accounting.appendCodeCarbon(csv, result);
        o.log("%s", Summary.text(result));
        o.log("footprint report: %s (and a row in %s)", json.toAbsolutePath(), csv.toAbsolutePath());
        return result;
    }

    /** The full report as a JSON tree, to embed in a command's --json result. */
    static Object asJson(FootprintResult r) {
        try {
            return new ObjectMapper().readTree(JsonReport.text(r));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public void close() {
        FlopCounter.setListener(null);
        if (result == null) run.finish();
    }
}
