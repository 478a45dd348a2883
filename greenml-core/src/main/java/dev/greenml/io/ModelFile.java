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
import dev.greenml.compress.Int8Quantization;
import dev.greenml.nn.Module;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModuleTree;
import dev.greenml.nn.QuantizedLayer;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.ModelConfigs;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 *   greenml.quantization, greenml.sparse   (optional: compressed weights, see {@link CompressedTensors})
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
     * How the tensors are stored: float parameters as F32 (exact), F16 or BF16 (rounded; loading
     * converts back to float32), and with {@code sparse} weight matrices with enough zeros as a
     * bitmask plus the non-zero values (see {@link CompressedTensors}). Int8 weights of
     * {@link QuantizedLayer}s are always stored as I8 plus F32 scales.
     */
    public record Storage(DType floatDtype, boolean sparse) {
        public static final Storage DEFAULT = new Storage(DType.F32, false);

        public Storage {
            if (floatDtype != DType.F32 && floatDtype != DType.F16 && floatDtype != DType.BF16) {
                throw new IllegalArgumentException("model weights are stored as f32, f16 or bf16, not " + floatDtype);
            }
        }
    }

    /**
     * Writes {@code model} to {@code path} atomically. {@code extraMetadata} (e.g. training
     * configuration, footprint) is added to the header. Returns the file size in bytes.
     */
    public static long save(Path path, Model model, Map<String, String> extraMetadata) throws IOException {
        return save(path, model, extraMetadata, Storage.DEFAULT);
    }

    /** As {@link #save(Path, Model, Map)}, with the tensors stored as {@code storage} says. */
    public static long save(Path path, Model model, Map<String, String> extraMetadata, Storage storage) throws IOException {
        Map<String, String> meta = new TreeMap<>(extraMetadata);
        meta.put(CONFIG, model.config().toJson().toString());
        meta.put(VERSION, Version.STRING);
        meta.putIfAbsent(CREATED, Instant.now().toString());
        meta.put("format", "pt");
        List<TensorEntry> entries = new ArrayList<>();
        Map<String, long[]> sparse = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateOf(model).entrySet()) {
            Tensor t = e.getValue();
            long[] shape = toLong(t.shape());
            List<TensorEntry> parts = storage.sparse() && t.rank() >= 2
                    ? CompressedTensors.sparseEntries(e.getKey(), shape, t.toArray(), storage.floatDtype()) : null;
            if (parts != null) {
                entries.addAll(parts);
                sparse.put(e.getKey(), shape);
            } else {
                entries.add(TensorEntry.ofFloatsAs(e.getKey(), shape, t.toArray(), storage.floatDtype()));
            }
        }
        List<String> quantized = new ArrayList<>();
        for (QuantizedLayer q : ModuleTree.quantized(model)) {
            entries.addAll(CompressedTensors.int8Entries(q.name() + "weight", toLong(q.weightShape()), q.weights()));
            quantized.add(q.name() + "weight");
        }
        meta.remove(CompressedTensors.QUANTIZATION);
        meta.remove(CompressedTensors.SPARSE);
        if (!quantized.isEmpty()) meta.put(CompressedTensors.QUANTIZATION, CompressedTensors.quantizationMetadata(quantized));
        if (!sparse.isEmpty()) meta.put(CompressedTensors.SPARSE, CompressedTensors.sparseMetadata(sparse));
        return SafeTensors.write(path, entries, meta);
    }

    /**
     * Reads a model file, returning the model in eval mode; fails with one clear
     * {@link ModelFileException} and no half-built model.
     */
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
        CompressedTensors.Decoded decoded = CompressedTensors.decode(where, file.tensors(), file.metadata());
        // A corrupt config must fail on its tensors, not make the loader allocate gigabytes first:
        // architectures that can list their shapes are checked against the file before building.
        Map<String, int[]> declared = config.parameterShapes();
        if (declared != null) checkDeclaredShapes(where, config, declared, decoded);
        Model model = config.build(new Rng(0));
        Map<String, TensorEntry> tensors = decoded.dense();
        Map<String, Int8Quantization.Quantized> quantized = decoded.quantized();
        Map<String, Tensor> expected = stateOf(model);
        Map<String, Module> quantizable = ModuleTree.quantizable(model);
        for (Map.Entry<String, Int8Quantization.Quantized> e : quantized.entrySet()) {
            String name = e.getKey();
            Module layer = name.endsWith("weight") ? quantizable.get(name.substring(0, name.length() - "weight".length())) : null;
            if (layer == null) {
                throw new ModelFileException(where + ": '" + name + "' is int8, but only the weights of Linear and Conv2d layers"
                        + " can be quantized (those are " + quantizable.keySet().stream().map(p -> p + "weight").toList() + ")");
            }
            int[] shape = expectedShape(model, name);
            long[] stored = decoded.quantizedShapes().get(name);
            if (!Arrays.equals(stored, toLong(shape))) {
                throw new ModelFileException(where + ": tensor '" + name + "' has shape " + Arrays.toString(stored)
                        + " but the architecture " + config + " needs " + Arrays.toString(shape));
            }
        }
        List<String> extra = new ArrayList<>(tensors.keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new ModelFileException(where + ": tensors " + extra + " are not part of the architecture "
                    + config + " (expected exactly " + expected.keySet() + ")");
        }
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            if (quantized.containsKey(e.getKey())) continue;
            TensorEntry entry = tensors.get(e.getKey());
            Tensor t = e.getValue();
            if (entry == null) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' " + Arrays.toString(t.shape())
                        + " is missing (the file holds " + file.tensors().keySet() + ")");
            }
            if (!Arrays.equals(entry.shape(), toLong(t.shape()))) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(entry.shape())
                        + " but the architecture " + config + " needs " + Arrays.toString(t.shape()));
            }
            if (entry.dtype() != DType.F32 && entry.dtype() != DType.F16 && entry.dtype() != DType.BF16) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' is " + entry.dtype()
                        + "; model weights must be F32, F16 or BF16");
            }
        }
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {   // all checked: now fill
            if (quantized.containsKey(e.getKey())) continue;
            Tensor t = e.getValue();
            float[] values = tensors.get(e.getKey()).toFloats();
            System.arraycopy(values, 0, t.data(), t.offset(), values.length);
        }
        quantized.forEach((name, q) -> {   // int8 weights: their layer becomes its quantized form
            String prefix = name.substring(0, name.length() - "weight".length());
            Module layer = quantizable.get(prefix);
            ModuleTree.replace(model, layer, ModuleTree.quantizedForm(prefix, layer, q));
        });
        // Ready for inference: BatchNorm uses its saved running statistics and Dropout is off.
        // Trainer.fit switches back to training mode when a loaded model is trained further.
        model.eval();
        return new Loaded(model, file.metadata(), file.fileSizeBytes());
    }

    /** Every declared tensor is in the file (dense or int8) with its declared shape. */
    private static void checkDeclaredShapes(String where, ModelConfig config, Map<String, int[]> declared,
                                            CompressedTensors.Decoded decoded) {
        for (Map.Entry<String, int[]> e : declared.entrySet()) {
            TensorEntry dense = decoded.dense().get(e.getKey());
            long[] stored = dense != null ? dense.shape() : decoded.quantizedShapes().get(e.getKey());
            if (stored == null) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue())
                        + " is missing (the file holds " + decoded.dense().keySet() + ")");
            }
            if (!Arrays.equals(stored, toLong(e.getValue()))) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(stored)
                        + " but the architecture " + config + " needs " + Arrays.toString(e.getValue()));
            }
        }
    }

    private static int[] expectedShape(Model model, String name) {
        return model.namedParameters().get(name).shape();
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

    private static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) s[i] = shape[i];
        return s;
    }
}
