package dev.greenml.spark;

import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.files.OutputFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of SparkTrain's --out made before the data is read and before any Spark job: an output
 * that is one of the inputs would destroy it, and a place that cannot be written, found only when
 * the model is saved, would waste the whole training. The same checks as greenml-cli's
 * OutputPaths (greenml-spark does not depend on greenml-cli); each failure is a
 * {@link SparkTrain.UsageException} naming the path as the user typed it.
 */
final class OutputCheck {

    private OutputCheck() {}

    /** Refuses {@code out} when it is the same file as the input {@code in} (the value of {@code inOption}); {@code in} may be null. */
    static void refuseSameFile(String outOption, Path out, String inOption, Path in) {
        if (in == null || !sameFile(out, in)) return;
        throw new SparkTrain.UsageException(outOption + " " + out + " is the same file as " + inOption
                + "; choose another output path");
    }

    /** The real files when both exist (links, "..", hard links), the normalized absolute paths otherwise. */
    static boolean sameFile(Path a, Path b) {
        return OutputFiles.sameFile(a, b);
    }

    /** {@code file} (the value of {@code option}) can be created or replaced: not a directory, in a writable place. */
    static void checkWritableFile(String option, Path file) {
        String problem = OutputFiles.whyNotWritableFile(option + " " + file, file);
        if (problem != null) throw new SparkTrain.UsageException(problem);
    }

    /** Why a read or write failed, in a few words. */
    static String reason(Throwable e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e == null ? "unknown" : String.valueOf(e.getMessage());
    }

    /**
     * The message for a model file that could not be saved after training (the place changed since
     * the check): a file standing where a directory of the path must be is named as such, since the
     * model file's own message then blames free space.
     */
    static String saveFailure(Path out, ModelFileException e) {
        for (Path p = out.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return out + ": cannot write the model file: " + p + " is a file, not a directory; choose another --out";
            }
        }
        return e.getMessage();
    }
}
