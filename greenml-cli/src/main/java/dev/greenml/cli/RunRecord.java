package dev.greenml.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.footprint.budget.Budget;
import dev.greenml.nn.Model;
import dev.greenml.train.RunDirectory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of run.json and of its checkpoint entry that every training session writes alike
 * (docs/run-directory.md): the MLP/CNN session and the GPT session add their own progress fields
 * between {@link #head} and {@link #addTail}.
 */
final class RunRecord {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunRecord() {
    }

    /** schema … sessions: what ran, on what, since when, in how many sessions. */
    static Map<String, Object> head(String status, Model model, Map<String, Object> training,
                                    Map<String, Object> data, String started, int sessions) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("schema", RunDirectory.SCHEMA);
        r.put("command", "train");
        r.put("status", status);
        r.put("model", JSON.convertValue(model.config().toJson(), Map.class));
        r.put("parameters", model.parameterCount());
        r.put("training", training);
        r.put("data", data);
        r.put("started", started);
        r.put("updated", Instant.now().toString());
        r.put("sessions", sessions);
        return r;
    }

    /** budget (with its verdict so far), footprint_so_far, checkpoint and model_file (null while running). */
    static void addTail(Map<String, Object> r, Budget budget, Budget.Verdict verdict, Map<String, Object> footprintSoFar,
                        Map<String, Object> checkpoint, String status) {
        Map<String, Object> b = null;
        if (budget.isLimited()) {
            b = new LinkedHashMap<>(budget.toMap());
            b.put("verdict", verdict == null ? null : verdict.toMap());
        }
        r.put("budget", b);
        r.put("footprint_so_far", footprintSoFar);
        r.put("checkpoint", checkpoint);
        r.put("model_file", status.equals("running") ? null : "model.safetensors");
    }

    /**
     * run.json's forecast: the last one while work is left; once none is (the run completed or
     * stopped early) the run's final totals, so that a finished run does not keep a forecast of
     * "steps left" made before its last steps.
     */
    static Map<String, Object> forecast(Map<String, Object> last, boolean nothingLeft, Map<String, Object> soFar) {
        if (!nothingLeft) return last;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("seconds", soFar.get("seconds"));
        f.put("energy_joules", soFar.get("energy_joules"));
        f.put("co2e_grams", soFar.get("co2e_grams"));
        f.put("energy_method", soFar.get("energy_method"));
        f.put("method", "final: nothing left to forecast, these are the run's totals (footprint_so_far)");
        return f;
    }

    /** status "failed": the reason, and the model file only when it was written before the failure. */
    static void addFailure(Map<String, Object> r, String failure, RunDirectory dir) {
        if (failure == null) return;
        r.put("error", failure);
        r.put("model_file", java.nio.file.Files.isRegularFile(dir.model()) ? "model.safetensors" : null);
    }

    /**
     * run.json's checkpoint entry: the file, where training stood ({@code position}: epoch and step,
     * or step and planned steps), its size and write time.
     */
    static Map<String, Object> checkpoint(Map<String, Object> position, long bytes, double seconds) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("file", "checkpoint.safetensors");
        c.putAll(position);
        c.put("bytes", bytes);
        c.put("write_seconds", seconds);
        return c;
    }
}
