package dev.greenml.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --footprint-out} of the commands that are not training runs (predict, generate, prune,
 * distill, compare). Their footprint is theirs alone, so it never goes to a run directory's
 * footprint.json, which belongs to the training run that wrote it (greenml report reads it).
 */
public final class FootprintOut {

    @Option(names = "--footprint-out", paramLabel = "FILE.json",
            description = "Where this command's footprint report goes; a CodeCarbon row is appended to emissions.csv beside it."
                    + " Default: named after the output file, beside it (preds.csv → preds.footprint.json); generate and compare,"
                    + " which write no file, use ./generate.footprint.json and ./compare.footprint.json."
                    + " A training run's footprint.json is never overwritten.")
    Path file;

    /** The report file: --footprint-out if given, else {@code NAME.footprint.json} beside {@code output}. */
    Path besideOutput(Path output) {
        return file != null ? file : beside(output);
    }

    /** The report file: --footprint-out if given, else {@code ./COMMAND.footprint.json}. */
    Path inWorkingDirectory(String command) {
        return file != null ? file : Path.of(command + ".footprint.json");
    }

    /**
     * Checks the report file before the command's work, and returns it: it, and the emissions.csv
     * beside it that gets a row, must be none of the command's own files ({@code files}: option
     * names and paths in pairs, e.g. "--input", input; a null path is skipped), must not be a
     * training run's footprint.json, and must be writable. Otherwise the report would replace an
     * input or the output the command just wrote, or fail only after the work.
     */
    static Path check(Path report, Object... files) {
        Path csv = report.toAbsolutePath().resolveSibling("emissions.csv");
        if (OutputPaths.sameFile(report, csv)) {
            throw new UserError("--footprint-out " + report + " is the emissions.csv that gets the report's CSV row;"
                    + " choose another file name, e.g. footprint.json");
        }
        for (int i = 0; i < files.length; i += 2) {
            String option = (String) files[i];
            Path file = (Path) files[i + 1];
            if (file == null) continue;
            OutputPaths.refuseSameFile("--footprint-out", report, option, file);
            if (OutputPaths.sameFile(csv, file)) {
                throw new UserError(option + " " + file + " is the emissions.csv beside --footprint-out " + report
                        + ", which gets a CSV row; choose another output path or --footprint-out in another directory");
            }
        }
        OutputPaths.refuseRunFootprint(report, "choose another file with --footprint-out");
        OutputPaths.checkWritableFile("--footprint-out", report);
        if (java.nio.file.Files.isDirectory(csv)) {
            throw new UserError("cannot append to " + csv + " beside --footprint-out " + report
                    + ": it is a directory; choose --footprint-out in another directory");
        }
        return report;
    }

    /** {@code dir/preds.csv} → {@code dir/preds.footprint.json}. */
    static Path beside(Path output) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return output.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".footprint.json");
    }
}
