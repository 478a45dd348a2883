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

    /** {@code dir/preds.csv} → {@code dir/preds.footprint.json}. */
    static Path beside(Path output) {
        String name = output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return output.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".footprint.json");
    }
}
