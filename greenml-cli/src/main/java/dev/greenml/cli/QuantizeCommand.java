package dev.greenml.cli;

import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.DType;
import dev.greenml.nn.ModuleTree;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** greenml quantize: int8 weights (per output channel) and/or f16/bf16 storage of a saved model. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Post-training quantization of a saved model to int8 weights, for a smaller file.",
                "The weights of every Linear and Conv2d layer become int8 with one float32 scale per output channel"
                        + " (symmetric, scale = max|W_c|/127). Other tensors (biases, batch-norm statistics) are stored in --dtype."
                        + " The result loads and runs with predict, inspect and compare.",
                "Activations stay float32 (weight-only int8, the faster kernel on this CPU), so no calibration data is needed.",
                "Example: greenml quantize --model m.safetensors --out m-int8.safetensors"})
public final class QuantizeCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.safetensors", description = "The float model to quantize (a greenml model file).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Where to write the quantized model.")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|f16|bf16",
            description = "Storage of the float tensors (default ${DEFAULT-VALUE}); loading converts back to float32.")
    String dtype;

    @Option(names = "--no-int8", description = "Keep the weights float (only convert them to --dtype): greenml quantize --no-int8 --dtype bf16 ...")
    boolean noInt8;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        DType storage = dtype(dtype);
        if (noInt8 && storage == DType.F32) throw new UserError("--no-int8 with --dtype f32 would only copy the file; give --dtype f16 or bf16");
        OutputPaths.refuseSameFile("--out", out, "--model", model);
        OutputPaths.checkWritableFile("--out", out);
        ModelFile.Loaded loaded = ModelFile.load(model);
        if (!ModuleTree.quantized(loaded.model()).isEmpty() && !noInt8) {
            throw new UserError(model + " is already int8-quantized; quantize the float model it came from");
        }
        int layers = noInt8 ? 0 : ModuleTree.quantizeLayers(loaded.model());
        Map<String, String> meta = new LinkedHashMap<>(loaded.metadata());
        meta.remove(ModelFile.CREATED);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("source_file", model.getFileName().toString());
        record.put("source_bytes", loaded.fileSizeBytes());
        record.put("weights", noInt8 ? dtype.toLowerCase(Locale.ROOT) : "int8-symmetric-per-channel");
        record.put("other_tensors", dtype.toLowerCase(Locale.ROOT));
        record.put("quantized_layers", layers);
        meta.put("greenml.compression", Output.toJson(record));
        long bytes = ModelFile.save(out, loaded.model(), meta, new ModelFile.Storage(storage, false));
        double ratio = (double) loaded.fileSizeBytes() / bytes;
        o.text("%s: %,d bytes → %s: %,d bytes (%s); %d layer(s) int8, other tensors %s", model, loaded.fileSizeBytes(),
                out, bytes, sizeChange(loaded.fileSizeBytes(), bytes), layers, dtype.toLowerCase(Locale.ROOT));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "quantize");
        result.put("model_file", model.toAbsolutePath().toString());
        result.put("model_file_bytes", loaded.fileSizeBytes());
        result.put("out_file", out.toAbsolutePath().toString());
        result.put("out_file_bytes", bytes);
        result.put("size_ratio", ratio);
        result.put("quantized_layers", layers);
        result.put("dtype", dtype.toLowerCase(Locale.ROOT));
        o.result(result);
        return 0;
    }

    /**
     * "smaller by 1.80×", "larger by 1.16×" or "the same size": a file can grow (a tiny model whose
     * scales and metadata outweigh the int8 savings), and "0.86× smaller" would hide that.
     */
    static String sizeChange(long before, long after) {
        if (after == before) return "the same size";
        return after < before ? String.format(Locale.ROOT, "smaller by %.2f×", (double) before / after)
                : String.format(Locale.ROOT, "larger by %.2f×", (double) after / before);
    }

    static DType dtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16", "half" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new UserError("--dtype " + s + ": choose f32, f16 or bf16");
        };
    }
}
