package dev.greenml.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished Spark training run.
 *
 * @param model        the averaged model after the last round (train mode; call eval() for inference)
 * @param partitions   Spark partitions of the training rows (empty ones included)
 * @param rows         training rows over all partitions
 * @param lossPerRound each round's mean training loss over its local steps (before each step's update)
 * @param wallSeconds  driver wall time of {@code fit}, Spark jobs included
 * @param taskKernels  the distinct backends, kernels and CPUs the training tasks computed on; more
 *                     than one means the run is not reproducible bit for bit ({@link #kernelWarning})
 */
public record SparkTrainResult(Model model, SparkTrainer.Options options, int partitions, long rows, List<Double> lossPerRound,
                               double wallSeconds, List<String> taskKernels, SparkFootprint footprint) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public int rounds() { return lossPerRound.size(); }

    /**
     * Null when every task computed on the same kernels and CPU; else a warning that the executors
     * differ, so that the same partitioning and seed need not give the same bits again.
     */
    public String kernelWarning() {
        return taskKernels.size() <= 1 ? null
                : "the training tasks computed on " + taskKernels.size() + " different kernels or CPUs (" + String.join(" | ", taskKernels)
                        + "); the model is reproducible bit for bit only on identical executors";
    }

    /** How the model was trained, for the model file's {@code greenml.training} entry. */
    public Map<String, Object> trainingRecord() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trainer", "spark-parameter-averaging");
        m.putAll(options.toMap());
        m.put("partitions", partitions);
        m.put("rows", rows);
        m.put("rounds_done", rounds());
        m.put("loss_per_round", lossPerRound);
        m.put("wall_seconds", wallSeconds);
        m.put("task_kernels", taskKernels);
        if (kernelWarning() != null) m.put("warning", kernelWarning());
        return m;
    }

    /**
     * Writes the model as a normal greenml safetensors file (atomically, via {@link ModelFile}),
     * with the training record and the footprint in its metadata; {@code extra} adds entries
     * (e.g. the data file). Returns the file's size in bytes.
     */
    public long save(Path path, Map<String, Object> extra) throws IOException {
        Map<String, Object> training = trainingRecord();
        training.putAll(extra);
        return ModelFile.save(path, model, Map.of(ModelFile.TRAINING, json(training), ModelFile.FOOTPRINT, json(footprint.toMap())));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
