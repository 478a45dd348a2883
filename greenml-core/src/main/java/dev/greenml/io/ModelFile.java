package dev.greenml.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.Version;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.SafeTensorsFile;
import dev.greenml.io.safetensors.TensorEntry;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.ModelConfigs;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model saved as safetensors: the tensors under their PyTorch state_dict names, and in
 * {@code __metadata__} everything needed to rebuild the model from the file alone.
 *
 * <pre>
 *   greenml.config    {"architecture":"mlp","layers":[1000,200,100,1],"activation":"relu"}
 *   greenml.version   0.1.0
 *   greenml.created   2026-11-29T20:31:07Z
 *   greenml.training  {"loss":"mse","optimizer":"adam","lr":0.001,...}   (optional, free-form JSON)
 *   greenml.footprint {...}                                               (optional: the run that made it)
 *   format            pt   (so Hugging Face tools treat the file as a PyTorch state dict)
 * </pre>
 */
public final class ModelFile {

    public static final String CONFIG = "greenml.config";
    public static final String VERSION = "greenml.version";
    public static final String CREATED = "greenml.created";
    public static final String TRAINING = "greenml.training";
    public static final String FOOTPRINT = "greenml.footprint";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model read back from a file, with the file's metadata. */
    public record Loaded(Model model, Map<String, String> metadata, long fileSizeBytes) {}

    private ModelFile() {}

    /**
     * Writes {@code model} to {@code path} atomically. {@code extraMetadata} (e.g. training
     * configuration, footprint) is added to the header. Returns the file size in bytes.
     */
    public static long save(Path path, Model model, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new TreeMap<>(extraMetadata);
        meta.put(CONFIG, model.config().toJson().toString());
        meta.put(VERSION, Version.STRING);
        meta.putIfAbsent(CREATED, Instant.now().toString());
        meta.put("format", "pt");
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : stateOf(model).entrySet()) {
            Tensor t = e.getValue();
            entries.add(TensorEntry.ofFloats(e.getKey(), toLong(t.shape()), t.toArray()));
        }
        return SafeTensors.write(path, entries, meta);
    }

    /** Reads a model file; fails with one clear {@link ModelFileException} and no half-built model. */
    public static Loaded load(Path path) {
        SafeTensorsFile file = SafeTensors.read(path);
        String where = path.getFileName().toString();
        String configText = file.metadata().get(CONFIG);
        if (configText == null) {
            throw new ModelFileException(where + ": no '" + CONFIG + "' entry in the safetensors metadata, so the"
                    + " architecture is unknown. Only files written by greenml (or given that entry) can be rebuilt;"
                    + " use 'greenml inspect' to see what the file holds.");
        }
        ModelConfig config = parseConfig(where, configText);
        // Every check against the shapes the config implies happens before the model is allocated:
        // a corrupt config must fail on its tensors, not make the loader allocate gigabytes first.
        // Architectures that cannot list their shapes are built first and checked after.
        Map<String, int[]> declared = config.parameterShapes();
        Model built = declared == null ? config.build(new Rng(0)) : null;
        Map<String, int[]> expected = declared != null ? declared : shapesOf(built);
        List<String> extra = new ArrayList<>(file.tensors().keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new ModelFileException(where + ": tensors " + extra + " are not part of the architecture "
                    + config + " (expected exactly " + expected.keySet() + ")");
        }
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            TensorEntry entry = file.tensors().get(e.getKey());
            if (entry == null) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue())
                        + " is missing (the file holds " + file.tensors().keySet() + ")");
            }
            if (!Arrays.equals(entry.shape(), toLong(e.getValue()))) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(entry.shape())
                        + " but the architecture " + config + " needs " + Arrays.toString(e.getValue()));
            }
            if (entry.dtype() != DType.F32 && entry.dtype() != DType.F16 && entry.dtype() != DType.BF16) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' is " + entry.dtype()
                        + "; model weights must be F32, F16 or BF16");
            }
        }
        Model model = built != null ? built : config.build(new Rng(0));   // all checked: now build and fill
        for (Map.Entry<String, Tensor> e : stateOf(model).entrySet()) {
            Tensor t = e.getValue();
            float[] values = file.tensors().get(e.getKey()).toFloats();
            System.arraycopy(values, 0, t.data(), t.offset(), values.length);
        }
        // Ready for inference: BatchNorm uses its saved running statistics and Dropout is off.
        // Trainer.fit switches back to training mode when a loaded model is trained further.
        model.eval();
        return new Loaded(model, file.metadata(), file.fileSizeBytes());
    }

    /**
     * What a file holds for a model: its parameters, then its buffers (e.g. BatchNorm's
     * "1.running_mean"), all F32 under PyTorch's state_dict names.
     */
    static Map<String, Tensor> stateOf(Model model) {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(model.namedParameters());
        state.putAll(model.namedBuffers());
        return state;
    }

    static ModelConfig parseConfig(String where, String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelFileException(where + ": metadata '" + CONFIG + "' is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        try {
            return ModelConfigs.fromJson(o);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(where + ": metadata '" + CONFIG + "': " + e.getMessage());
        }
    }

    private static Map<String, int[]> shapesOf(Model m) {
        Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        stateOf(m).forEach((name, t) -> shapes.put(name, t.shape()));
        return shapes;
    }

    private static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        return s;
    }
}
