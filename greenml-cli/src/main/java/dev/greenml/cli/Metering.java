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
 * finished with a summary on stderr, a JSON report and a row in emissions.csv (CodeCarbon's
 * columns) beside it. Training runs write their run directory's footprint.json; every other
 * command writes its own report file ({@link FootprintOut}), so that it never replaces a
 * training run's (docs/footprint-method.md, "Where the reports go").
 */
final class Metering implements AutoCloseable {

    final FootprintRun run;
    private final Path reportFile;   // null: the caller names its run directory at finish
    private FootprintResult result;

    private Metering(FootprintRun run, Path reportFile) {
        this.run = run;
        this.reportFile = reportFile;
    }

    /** A training run's metering: its reports go to the run directory given to {@link #finish(Path, Output)}. */
    static Metering start(FootprintOptions options, String project) {
        return new Metering(begin(options, project), null);
    }

    /**
     * A non-training command's metering, its report going to {@code reportFile}, which the command
     * has checked before its work ({@link FootprintOut#check}); a run directory's footprint.json is
     * refused here too.
     */
    static Metering start(FootprintOptions options, String project, Path reportFile) {
        OutputPaths.refuseRunFootprint(reportFile, "choose another file with --footprint-out");
        return new Metering(begin(options, project), reportFile);
    }

    private static FootprintRun begin(FootprintOptions options, String project) {
        var config = options.toConfig();
        if (config.project() == null || config.project().equals("greenml")) config = config.withProject(project);
        FootprintRun run = Footprint.start(config);
        FlopCounter.setListener(run);
        return run;
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

    /** A training run's end: writes footprint.json and emissions.csv into its run directory, prints the summary to stderr. */
    FootprintResult finish(Path runDir, Output o) throws IOException {
        return finishInto(runDir.resolve("footprint.json"), o);
    }

    /** A non-training command's end: writes its report file (see {@link #start(FootprintOptions, String, Path)}). */
    FootprintResult finish(Output o) throws IOException {
        if (reportFile == null) throw new IllegalStateException("a training run's metering needs its run directory");
        return finishInto(reportFile, o);
    }

    private FootprintResult finishInto(Path json, Output o) throws IOException {
        if (result != null) return result;
        FlopCounter.setListener(null);
        result = run.finish();
        Path csv = json.toAbsolutePath().resolveSibling("emissions.csv");
        JsonReport.write(json, result);
        Accounting.appendCodeCarbon(csv, result);
        o.log("%s", Summary.text(result));
        o.log("footprint report: %s (and a row in %s)", OutputPaths.shown(json), OutputPaths.shown(csv));
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
