package dev.greenml.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import dev.greenml.files.OutputFiles;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.greenml.train.RunDirectory;

/**
 * Checks of the files a command will write, made before any work starts: an output that is one
 * of the command's inputs would destroy that input, and a place that cannot be written, found
 * only when the result is saved, would waste the whole run. Each failure is a {@link UserError}
 * naming the path as the user typed it.
 */
public final class OutputPaths {

    private OutputPaths() {}

    /**
     * Refuses {@code out} when it is the same file as the input {@code in}, e.g. "--out d.csv is
     * the same file as --data; choose another output path". Either may be null (not given).
     */
    static void refuseSameFile(String outOption, Path out, String inOption, Path in) {
        if (out == null || in == null || !sameFile(out, in)) return;
        throw new UserError(outOption + " " + out + " is the same file as " + inOption + "; choose another output path");
    }

    /**
     * Refuses {@code report} when it is the footprint.json of a training run directory (one with
     * greenml's run.json beside it): that file belongs to the run, and greenml report reads it. {@code fix}
     * ends the message, e.g. "choose another file with --footprint-out".
     */
    public static void refuseRunFootprint(Path report, String fix) {
        Path dir = report.toAbsolutePath().getParent();
        if (report.getFileName().toString().equals("footprint.json") && dir != null && holdsTrainingRun(dir)) {
            throw new UserError(report + " is the footprint report of the training run in " + dir + "; " + fix);
        }
    }

    /**
     * The files a training run directory owns (docs/run-directory.md): the run writes them, and
     * greenml report and --resume read them. A command's output there would replace one of them.
     */
    static final java.util.Set<String> RUN_FILES = java.util.Set.of("run.json", "history.jsonl", "footprint.json",
            "emissions.csv", "checkpoint.safetensors", "best.safetensors", "model.safetensors", "model.tokenizer.json");

    /**
     * Refuses {@code out} (the value of {@code option}) when it would land on a file a run directory
     * owns: its directory holds greenml's run.json (a training run), or is {@code runDir}, the run directory
     * the command itself writes or reads (null: none), which may not hold run.json yet.
     * {@link #checkWritableFile} applies it to every output, so each command gets it once.
     */
    static void refuseRunFile(String option, Path out, Path runDir) {
        if (out == null || out.getFileName() == null || !RUN_FILES.contains(out.getFileName().toString())) return;
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null) return;
        boolean owned = holdsTrainingRun(dir) || runDir != null && sameFile(dir, runDir);
        if (owned) {
            throw new UserError(option + " " + out + " is one of the files the run directory " + shown(dir)
                    + " writes (" + String.join(", ", new java.util.TreeSet<>(RUN_FILES)) + "); choose another file name or directory");
        }
    }

    /**
     * {@code dir} holds a training run: a run.json whose "schema" is {@link RunDirectory#SCHEMA}.
     * run.json is a common name for other tools' configuration, so the name alone is not enough.
     * Reads only up to the top-level "schema" field; an unreadable or non-JSON file is no run.
     */
    static boolean holdsTrainingRun(Path dir) {
        Path runJson = dir.resolve("run.json");
        if (!Files.isRegularFile(runJson)) return false;
        try (var parser = new com.fasterxml.jackson.core.JsonFactory().createParser(runJson.toFile())) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return false;
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                var value = parser.nextToken();
                if (field.equals("schema")) return value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING
                        && RunDirectory.SCHEMA.equals(parser.getText());
                parser.skipChildren();
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;   // not JSON, or unreadable: not a run greenml wrote
        }
    }

    /** {@code path} for messages: absolute, with "." and ".." resolved through the real directories where they exist. */
    static String shown(Path path) {
        Path abs = path.toAbsolutePath();
        try {
            if (Files.exists(abs)) return abs.toRealPath().toString();
            Path parent = abs.getParent();
            if (parent != null && Files.isDirectory(parent)) return parent.toRealPath().resolve(abs.getFileName()).toString();
        } catch (IOException e) {
            // unreadable: fall back to the lexical form
        }
        return abs.normalize().toString();
    }

    /** The real files when both exist (links, "..", hard links), the normalized absolute paths otherwise. */
    static boolean sameFile(Path a, Path b) {
        return OutputFiles.sameFile(a, b);
    }

    /** {@code file} (the value of {@code option}) can be created or replaced: not a directory, in a writable place. */
    static void checkWritableFile(String option, Path file) {
        if (file.toString().isEmpty()) throw new UserError(option + " is empty; give a file name");
        refuseRunFile(option, file, null);
        String problem = OutputFiles.whyNotWritableFile(option + " " + file, file);
        if (problem != null) throw new UserError(problem);
    }

    /**
     * {@code dir} (named by {@code what}, e.g. "--run-dir o2") is a directory or can be created,
     * and files can be written in it; an existing regular file is refused.
     */
    public static void checkWritableDirectory(String what, Path dir) {
        if (dir.toString().isEmpty()) throw new UserError(what + " is empty; give a directory");
        Path abs = dir.toAbsolutePath();   // not normalize(), as above
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new UserError(what + " is a file, not a directory; choose another directory");
        }
        String problem = OutputFiles.whyNotWritableIn(what, abs);
        if (problem != null) throw new UserError(problem);
    }

    /** "cannot write WHAT: why"; a model file's own error already says that, naming the file. */
    static String cannotWrite(String what, Exception e) {
        if (e instanceof dev.greenml.io.safetensors.ModelFileException) return e.getMessage();
        return "cannot write " + what + ": " + reason(e);
    }

    /** Why a write failed, in a few words and without the temporary file's name: for "cannot write X: …". */
    static String reason(Throwable e) {
        if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) e = u.getCause();
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException n) return "no such file or directory: " + n.getFile();
        if (e instanceof java.nio.file.FileAlreadyExistsException f) return f.getFile() + " is in the way (a file where a directory is needed)";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }
}
