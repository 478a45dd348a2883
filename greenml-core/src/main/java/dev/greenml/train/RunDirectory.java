package dev.greenml.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.greenml.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The directory one training run writes (docs/run-directory.md): run.json, history.jsonl,
 * checkpoint.safetensors, best.safetensors, model.safetensors, footprint.json, emissions.csv.
 * Every write replaces its file atomically, so the directory is readable at any moment, also
 * after the process was killed.
 */
public final class RunDirectory {

    public static final String SCHEMA = "greenml-run/1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() { return dir; }
    public Path runJson() { return dir.resolve("run.json"); }
    public Path history() { return dir.resolve("history.jsonl"); }
    public Path checkpoint() { return dir.resolve("checkpoint.safetensors"); }
    public Path best() { return dir.resolve("best.safetensors"); }
    public Path model() { return dir.resolve("model.safetensors"); }
    public Path footprintJson() { return dir.resolve("footprint.json"); }
    public Path emissionsCsv() { return dir.resolve("emissions.csv"); }

    /** True when the directory already holds a run (a run.json or a checkpoint). */
    public boolean holdsRun() {
        return Files.exists(runJson()) || Files.exists(checkpoint());
    }

    /** run.json says "failed": training ended but its result could not be saved, so a resume saves it. */
    public boolean failed() {
        JsonNode run = readRun();
        return run != null && "failed".equals(run.path("status").asText());
    }

    /** Replaces run.json with {@code run} (pretty-printed). */
    public void writeRun(Map<String, Object> run) {
        try {
            AtomicFiles.writeString(runJson(), PRETTY.writeValueAsString(run) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runJson() + ": " + e.getMessage(), e);
        }
    }

    /** run.json as a tree, or null when there is none. */
    public JsonNode readRun() {
        if (!Files.exists(runJson())) return null;
        try {
            return JSON.readTree(runJson().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runJson() + ": " + e.getMessage(), e);
        }
    }

    /** Appends one line to history.jsonl (the whole file is rewritten atomically: it is small). */
    public void appendHistory(Map<String, Object> line) {
        try {
            List<String> lines = historyLines();
            lines.add(JSON.writeValueAsString(line));
            AtomicFiles.writeString(history(), String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + history() + ": " + e.getMessage(), e);
        }
    }

    /** The history's entries in order. */
    public List<JsonNode> readHistory() {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String l : historyLines()) out.add(JSON.readTree(l));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + history() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Drops history lines of epochs after {@code epochsDone}: a run killed between appending an
     * epoch's line and writing its checkpoint redoes that epoch when resumed.
     */
    public void truncateHistory(int epochsDone) {
        truncateHistory("epoch", epochsDone);
    }

    /**
     * Drops history lines whose {@code key} ("epoch", or "step" for a GPT run) is beyond
     * {@code upTo}: the lines written after the checkpoint a run resumes from.
     */
    public void truncateHistory(String key, long upTo) {
        try {
            List<String> keep = new ArrayList<>();
            for (String l : historyLines()) if (JSON.readTree(l).path(key).asLong() <= upTo) keep.add(l);
            if (keep.size() != historyLines().size()) {
                AtomicFiles.writeString(history(), keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + history() + ": " + e.getMessage(), e);
        }
    }

    private List<String> historyLines() throws IOException {
        List<String> lines = new ArrayList<>();
        if (!Files.exists(history())) return lines;
        // TextFiles: a file that is not UTF-8 is named with its first bad byte, not "Input length = 1"
        for (String l : dev.greenml.files.TextFiles.readUtf8(history()).lines().toList()) if (!l.isBlank()) lines.add(l);
        return lines;
    }
}
