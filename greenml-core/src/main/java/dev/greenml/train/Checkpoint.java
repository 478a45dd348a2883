package dev.greenml.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.Version;
import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.SafeTensorsFile;
import dev.greenml.io.safetensors.TensorEntry;
import dev.greenml.nn.Model;
import dev.greenml.nn.Parameters;
import dev.greenml.nn.gpt.GptTrainer;
import dev.greenml.optim.Optimizer;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a stopped run needs to continue bit for bit, in one safetensors file:
 * <pre>
 *   tensors   0.weight, 0.bias, …                     the model, as in a model file (F32)
 *             optim.exp_avg.0.weight, …                optimizer state per parameter, PyTorch's names:
 *             optim.exp_avg_sq.0.weight, …             Adam/AdamW moments (parameter's shape),
 *             optim.step.0.weight, …                   step count (shape [], F32 as in PyTorch ≥ 1.12),
 *             optim.momentum_buffer.0.weight, …        SGD momentum (parameter's shape),
 *             optim.momentum_started.0.weight, …       1 when the buffer exists (shape [])
 *   metadata  greenml.kind       "checkpoint"
 *             greenml.config     the model's architecture (as in model files)
 *             greenml.optimizer  sgd | adam | adamw
 *             greenml.trainer    {"epoch","step","steps_per_epoch","global_step","shuffle_seed","loss_sum","correct","rng":[state, spare]}
 *                                or, for a GPT run, {"trainer":"gpt","step","planned_steps","rng":[state, spare]}
 *             greenml.training   the training configuration (free-form JSON from the caller)
 *             greenml.layer_rngs [[state, spare], …] the generators of layers that draw at random
 *                                (Dropout), depth-first order
 *   tensors   1.running_mean, …  the model's buffers (BatchNorm running statistics), F32
 *             + the caller's entries (footprint so far, early-stopping state, run settings)
 * </pre>
 * Written atomically; restoring checks architecture, every shape and the optimizer state before
 * changing anything.
 */
public final class Checkpoint {

    public static final String KIND = "greenml.kind";
    public static final String OPTIMIZER = "greenml.optimizer";
    public static final String TRAINER = "greenml.trainer";
    public static final String OPTIM_PREFIX = "optim.";
    public static final String LAYER_RNGS = "greenml.layer_rngs";
    /** greenml.trainer's "trainer" for a {@link GptTrainer}'s position; absent for {@link Trainer}'s. */
    static final String GPT = "gpt";

    /** The random generators of the model's layers, depth first (Dropout's masks). */
    static List<Rng> layerRngs(Model model) {
        List<Rng> out = new ArrayList<>();
        for (var m : dev.greenml.nn.ModuleTree.modules(model)) {
            if (m.randomGenerator() != null) out.add(m.randomGenerator());
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    /**
     * A checkpoint read back: the raw file, where training stood and the metadata.
     * {@code position} is null for a GPT run's checkpoint, which counts steps, not epochs ({@link #gptPosition()}).
     */
    public record Loaded(Path path, SafeTensorsFile file, Trainer.Position position) {
        public Map<String, String> metadata() { return file.metadata(); }

        /** True when a {@link GptTrainer} wrote it. */
        public boolean isGpt() {
            JsonNode t = json(TRAINER);
            return t != null && GPT.equals(t.path("trainer").asText());
        }

        /** The step-counted position of a GPT run's checkpoint. */
        public GptTrainer.Position gptPosition() {
            JsonNode t = json(TRAINER);
            if (!isGpt()) {
                throw new ModelFileException(path + " was written by an epoch-based run (greenml train --layers/--model mlp|cnn),"
                        + " not by --model gpt; resume it without --model gpt");
            }
            JsonNode rng = t.path("rng");
            if (!t.path("step").canConvertToLong() || !t.path("planned_steps").canConvertToLong() || rng.size() != 2) {
                throw new ModelFileException(path + ": '" + TRAINER + "' lacks a field (step, planned_steps, rng): " + t);
            }
            return new GptTrainer.Position(t.get("step").longValue(), t.get("planned_steps").longValue(),
                    new long[] {rng.get(0).longValue(), rng.get(1).longValue()});
        }

        /** A metadata entry parsed as JSON, or null when absent. */
        public JsonNode json(String key) {
            String text = file.metadata().get(key);
            if (text == null) return null;
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new ModelFileException(path + ": metadata '" + key + "' is not valid JSON");
            }
        }
    }

    /** Writes {@code model}, {@code trainer}'s optimizer state and position to {@code path}; returns the file size. */
    public static long save(Path path, Model model, Trainer trainer, Map<String, String> extraMetadata) {
        Trainer.Position pos = trainer.position();
        if (pos == null) throw new IllegalStateException("nothing to checkpoint: the trainer has not started");
        return save(path, model, trainer.config().optimizer(), trainer.optimizer(), positionJson(pos), extraMetadata);
    }

    /**
     * Writes a GPT run's checkpoint: the model, AdamW's state and the step-counted position
     * ({@code greenml.trainer} = {"trainer":"gpt","step","planned_steps","rng":[state, spare]});
     * returns the file size.
     */
    public static long save(Path path, Model model, GptTrainer trainer, Map<String, String> extraMetadata) {
        return save(path, model, GptTrainer.OPTIMIZER, trainer.optimizer(), gptPositionJson(trainer.position()), extraMetadata);
    }

    private static long save(Path path, Model model, String optimizerName, Optimizer optimizer, ObjectNode position,
                             Map<String, String> extraMetadata) {
        Parameters params = model.parameters();
        List<TensorEntry> entries = new ArrayList<>();
        for (int t = 0; t < params.count(); t++) {
            Tensor p = params.tensor(t);
            entries.add(TensorEntry.ofFloats(params.name(t), toLong(p.shape()), p.toArray()));
        }
        for (var e : model.namedBuffers().entrySet()) {
            entries.add(TensorEntry.ofFloats(e.getKey(), toLong(e.getValue().shape()), e.getValue().toArray()));
        }
        for (var e : new TreeMap<>(optimizer.state()).entrySet()) {
            float[] values = e.getValue();
            boolean perElement = values.length == params.totalSize();
            for (int t = 0; t < params.count(); t++) {
                String name = OPTIM_PREFIX + e.getKey() + "." + params.name(t);
                if (perElement) {
                    int off = params.offset(t), n = params.tensor(t).size();
                    entries.add(TensorEntry.ofFloats(name, toLong(params.tensor(t).shape()), Arrays.copyOfRange(values, off, off + n)));
                } else {
                    entries.add(TensorEntry.ofFloats(name, new long[0], new float[] {values[t]}));
                }
            }
        }
        Map<String, String> meta = new TreeMap<>(extraMetadata);
        meta.put(KIND, "checkpoint");
        meta.put(ModelFile.CONFIG, model.config().toJson().toString());
        meta.put(ModelFile.VERSION, Version.STRING);
        meta.put(ModelFile.CREATED, Instant.now().toString());
        meta.put(OPTIMIZER, optimizerName);
        meta.put(TRAINER, position.toString());
        var rngs = JSON.createArrayNode();
        for (Rng r : layerRngs(model)) {
            long[] snap = r.snapshot();
            rngs.addArray().add(snap[0]).add(snap[1]);
        }
        meta.put(LAYER_RNGS, rngs.toString());
        return SafeTensors.write(path, entries, meta);
    }

    /** Reads a checkpoint's header and position; the tensors are checked against a model by {@link #restore}. */
    public static Loaded read(Path path) {
        SafeTensorsFile file = SafeTensors.read(path);
        if (!"checkpoint".equals(file.metadata().get(KIND))) {
            throw new ModelFileException(path + " is not a greenml checkpoint (no '" + KIND + "': \"checkpoint\" in its metadata);"
                    + " --resume takes a run directory written by 'greenml train'");
        }
        Loaded l = new Loaded(path, file, null);
        JsonNode t = l.json(TRAINER);
        if (t == null) throw new ModelFileException(path + ": no '" + TRAINER + "' entry, so the training position is unknown");
        if (GPT.equals(t.path("trainer").asText())) return l;   // step-counted: see gptPosition()
        try {
            long[] rng = {t.get("rng").get(0).longValue(), t.get("rng").get(1).longValue()};
            var pos = new Trainer.Position(t.get("epoch").intValue(), t.get("step").intValue(), t.get("steps_per_epoch").intValue(),
                    t.get("shuffle_seed").longValue(), t.get("loss_sum").doubleValue(),
                    t.path("correct").asLong(-1), rng);   // -1: written before checkpoints recorded it
            return new Loaded(path, file, pos);
        } catch (NullPointerException e) {
            throw new ModelFileException(path + ": '" + TRAINER + "' lacks a field (epoch, step, steps_per_epoch, shuffle_seed, loss_sum, rng): " + t);
        }
    }

    /**
     * Copies the checkpoint's parameters into {@code model} and its state into {@code trainer}'s
     * optimizer, and sets the trainer's position. Everything is checked first: on any mismatch
     * (architecture, shape, optimizer) a {@link ModelFileException} names it and nothing changes.
     */
    public static void restore(Loaded ckpt, Model model, Trainer trainer) {
        restore(ckpt, model, trainer.config().optimizer(), trainer.optimizer(), () -> {
            if (ckpt.position() == null) {
                throw new IllegalArgumentException("it was written by greenml train --model gpt (steps, not epochs); resume it with --model gpt");
            }
            trainer.resumeFrom(ckpt.position());
        });
    }

    /** As {@link #restore(Loaded, Model, Trainer)}, for a GPT run: parameters, AdamW's state, the step, the schedule's length and the window sampler's generator. */
    public static void restore(Loaded ckpt, Model model, GptTrainer trainer) {
        restore(ckpt, model, GptTrainer.OPTIMIZER, trainer.optimizer(), () -> trainer.resumeFrom(ckpt.gptPosition()));
    }

    /**
     * The shared part: checks architecture, optimizer, every tensor and the layers' generators,
     * then runs {@code position} (which may still refuse with an IllegalArgumentException), then
     * fills parameters, buffers, optimizer state and generators.
     */
    private static void restore(Loaded ckpt, Model model, String optimizerName, Optimizer optimizer, Runnable position) {
        String where = ckpt.path().toString();
        JsonNode config = ckpt.json(ModelFile.CONFIG);
        ObjectNode ours = model.config().toJson();
        if (config == null) throw new ModelFileException(where + ": no '" + ModelFile.CONFIG + "' entry: the architecture is unknown");
        String arch = config.path("architecture").asText("?");
        if (!arch.equals(ours.path("architecture").asText())) {
            throw new ModelFileException(where + " holds a '" + arch + "' model (" + config + ") but this run builds a '"
                    + ours.path("architecture").asText() + "' model (" + ours + "); resume with the model options of the original run");
        }
        JsonNode oursAsRead;   // through text, as the file's: a float field would otherwise differ from its parsed double
        try {
            oursAsRead = JSON.readTree(ours.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (!config.equals(oursAsRead)) {
            throw new ModelFileException(where + " holds the model " + config + " but this run builds " + ours
                    + "; resume with the model options of the original run");
        }
        String savedOptimizer = ckpt.metadata().get(OPTIMIZER);
        if (!optimizerName.equals(savedOptimizer)) {
            throw new ModelFileException(where + " was written with optimizer '" + savedOptimizer + "' but this run uses '"
                    + optimizerName + "'; resume with --optimizer " + savedOptimizer);
        }
        Parameters params = model.parameters();
        Map<String, TensorEntry> tensors = ckpt.file().tensors();
        for (int t = 0; t < params.count(); t++) {
            TensorEntry e = tensors.get(params.name(t));
            long[] shape = toLong(params.tensor(t).shape());
            if (e == null) throw new ModelFileException(where + ": tensor '" + params.name(t) + "' is missing");
            if (!Arrays.equals(e.shape(), shape) || e.dtype() != DType.F32) {
                throw new ModelFileException(where + ": tensor '" + params.name(t) + "' is " + e.dtype() + " " + Arrays.toString(e.shape())
                        + " but the model needs F32 " + Arrays.toString(shape));
            }
        }
        Map<String, Tensor> buffers = model.namedBuffers();
        for (var b : buffers.entrySet()) {
            TensorEntry e = tensors.get(b.getKey());
            long[] shape = toLong(b.getValue().shape());
            if (e == null || !Arrays.equals(e.shape(), shape) || e.dtype() != DType.F32) {
                throw new ModelFileException(where + ": buffer '" + b.getKey() + "' is "
                        + (e == null ? "missing" : e.dtype() + " " + Arrays.toString(e.shape())) + "; the model needs F32 " + Arrays.toString(shape));
            }
        }
        List<Rng> rngs = layerRngs(model);
        JsonNode savedRngs = ckpt.json(LAYER_RNGS);
        int savedCount = savedRngs == null ? 0 : savedRngs.size();
        if (savedCount != rngs.size()) {
            throw new ModelFileException(where + " holds the random state of " + savedCount + " layer(s) but this model has "
                    + rngs.size() + " (Dropout); resume with the model options of the original run");
        }
        Map<String, float[]> state = new HashMap<>();
        for (var e : optimizer.state().entrySet()) {
            boolean perElement = e.getValue().length == params.totalSize();
            float[] values = new float[e.getValue().length];
            for (int t = 0; t < params.count(); t++) {
                String name = OPTIM_PREFIX + e.getKey() + "." + params.name(t);
                TensorEntry entry = tensors.get(name);
                int n = perElement ? params.tensor(t).size() : 1;
                if (entry == null || entry.elementCount() != n || entry.dtype() != DType.F32) {
                    throw new ModelFileException(where + ": optimizer state '" + name + "' is "
                            + (entry == null ? "missing" : entry.dtype() + " " + Arrays.toString(entry.shape())) + "; expected F32 with " + n
                            + " value(s) (was the checkpoint written with another optimizer or momentum?)");
                }
                System.arraycopy(entry.toFloats(), 0, values, perElement ? params.offset(t) : t, n);
            }
            state.put(e.getKey(), values);
        }
        long unexpected = tensors.keySet().stream().filter(k -> k.startsWith(OPTIM_PREFIX)
                && state.keySet().stream().noneMatch(s -> k.startsWith(OPTIM_PREFIX + s + "."))).count();
        if (unexpected > 0) {
            throw new ModelFileException(where + " holds optimizer state this optimizer does not have (" + unexpected
                    + " tensors; was it written with momentum and this run has none, or the reverse?)");
        }
        try {
            position.run();
            optimizer.loadState(state);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(where + ": " + e.getMessage());
        }
        for (int t = 0; t < params.count(); t++) {   // all checked: now fill
            Tensor p = params.tensor(t);
            float[] v = tensors.get(params.name(t)).toFloats();
            System.arraycopy(v, 0, p.data(), p.offset(), v.length);
        }
        for (var b : buffers.entrySet()) {
            float[] v = tensors.get(b.getKey()).toFloats();
            System.arraycopy(v, 0, b.getValue().data(), b.getValue().offset(), v.length);
        }
        for (int i = 0; i < rngs.size(); i++) {
            rngs.get(i).restore(new long[] {savedRngs.get(i).get(0).longValue(), savedRngs.get(i).get(1).longValue()});
        }
    }

    static ObjectNode gptPositionJson(GptTrainer.Position p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("trainer", GPT);
        o.put("step", p.step());
        o.put("planned_steps", p.plannedSteps());
        o.putArray("rng").add(p.rng()[0]).add(p.rng()[1]);
        return o;
    }

    static ObjectNode positionJson(Trainer.Position p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("epoch", p.epoch());
        o.put("step", p.step());
        o.put("steps_per_epoch", p.stepsPerEpoch());
        o.put("global_step", p.globalStep());
        o.put("shuffle_seed", p.shuffleSeed());
        o.put("loss_sum", p.lossSum());
        o.put("correct", p.correct());
        o.putArray("rng").add(p.rng()[0]).add(p.rng()[1]);
        return o;
    }

    private static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        return s;
    }
}
