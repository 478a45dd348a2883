package dev.greenml.nn.gpt;

import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.SafeTensorsFile;
import dev.greenml.io.safetensors.TensorEntry;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a GPT-2-shaped safetensors checkpoint written elsewhere (e.g. Hugging Face's gpt2
 * model.safetensors), which carries no greenml config: the architecture is read off the tensor
 * shapes (vocab and width from {@code wte.weight}, context from {@code wpe.weight}, layers from
 * the {@code h.N.} prefixes); the head count is not visible in any shape and must be given.
 *
 * <p>Layout: GPT-2's Conv1D weights are (in, out), transposed relative to nn.Linear's (out, in).
 * greenml's {@link Gpt} keeps exactly that layout in memory and in its own files, so the values are
 * copied as they are. A checkpoint exported from a Linear-based implementation (weights (out, in))
 * is detected when a non-square projection has the transposed shape and is transposed on load;
 * square ones (attn.c_proj) cannot be told apart, so such files must say
 * {@code "weight_layout": "linear"} in metadata — or be converted first.
 *
 * <p>Ignored: a {@code transformer.} name prefix, {@code lm_head.weight} when it equals
 * {@code wte.weight} (the head is tied), and the causal-mask buffers {@code h.N.attn.bias} /
 * {@code h.N.attn.masked_bias} that older GPT-2 exports contain.
 */
public final class Gpt2Checkpoint {

    private Gpt2Checkpoint() {}

    /** A greenml gpt file (with its config), or a foreign GPT-2 checkpoint with {@code heads} heads. */
    public static Gpt load(Path path, int heads) {
        SafeTensorsFile file = SafeTensors.read(path);
        if (file.metadata().containsKey(ModelFile.CONFIG)) {
            var loaded = ModelFile.load(path);
            if (!(loaded.model() instanceof Gpt g)) {
                // an MLP or CNN maps feature columns to outputs: say which command runs it
                throw new ModelFileException(path + " holds a model of architecture '" + loaded.model().config().architecture()
                        + "' (feature columns in, outputs out), not a GPT language model; run it with greenml predict --model " + path);
            }
            return g;
        }
        return fromTensors(file, heads, path.getFileName().toString());
    }

    static Gpt fromTensors(SafeTensorsFile file, int heads, String where) {
        Map<String, TensorEntry> t = new HashMap<>();
        for (var e : file.tensors().entrySet()) {
            String name = e.getKey().startsWith("transformer.") ? e.getKey().substring("transformer.".length()) : e.getKey();
            if (name.matches("h\\.\\d+\\.attn\\.(masked_)?bias")) continue;   // causal-mask buffers
            t.put(name, e.getValue());
        }
        TensorEntry wte = t.get("wte.weight"), wpe = t.get("wpe.weight");
        if (wte == null || wpe == null || wte.shape().length != 2 || wpe.shape().length != 2) {
            throw new ModelFileException(where + ": not a GPT-2 checkpoint: needs 2-D 'wte.weight' and 'wpe.weight' (found "
                    + new java.util.TreeSet<>(t.keySet()) + ")");
        }
        int vocab = (int) wte.shape()[0], width = (int) wte.shape()[1], context = (int) wpe.shape()[0];
        int layers = 0;
        while (t.containsKey("h." + layers + ".ln_1.weight")) layers++;
        if (heads <= 0) {
            throw new ModelFileException(where + ": a GPT-2 checkpoint does not record its number of heads; give it"
                    + " (--heads; GPT-2 uses width/64 = " + Math.max(1, width / 64) + ")");
        }
        Gpt.Config config;
        try {
            config = new Gpt.Config(vocab, context, layers, heads, width, "gelu_tanh");
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(where + ": " + e.getMessage());
        }
        TensorEntry head = t.remove("lm_head.weight");
        if (head != null && !Arrays.equals(head.toFloats(), wte.toFloats())) {
            throw new ModelFileException(where + ": 'lm_head.weight' differs from 'wte.weight'; greenml's gpt ties the"
                    + " output head to the token embedding and cannot load an untied head");
        }
        boolean linearLayout = "linear".equals(file.metadata().get("weight_layout"));
        Gpt model = config.build(new Rng(0));
        Map<String, Tensor> expected = model.namedParameters();
        var extra = new java.util.TreeSet<>(t.keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) throw new ModelFileException(where + ": tensors " + extra + " are not part of " + config);
        for (var e : expected.entrySet()) {
            TensorEntry entry = t.get(e.getKey());
            Tensor target = e.getValue();
            if (entry == null) throw new ModelFileException(where + ": tensor '" + e.getKey() + "' is missing for " + config);
            if (entry.dtype() != DType.F32 && entry.dtype() != DType.F16 && entry.dtype() != DType.BF16) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' is " + entry.dtype() + "; weights must be F32, F16 or BF16");
            }
            long[] want = new long[target.rank()];
            for (int i = 0; i < want.length; i++) want[i] = target.dim(i);
            float[] values = entry.toFloats();
            boolean projection = e.getKey().contains(".attn.c_") || e.getKey().contains(".mlp.c_");
            if (projection && target.rank() == 2 && (linearLayout || (entry.shape().length == 2
                    && entry.shape()[0] == want[1] && entry.shape()[1] == want[0] && want[0] != want[1]))) {
                values = transpose(values, (int) want[1], (int) want[0]);   // (out, in) → (in, out)
            } else if (!Arrays.equals(entry.shape(), want)) {
                throw new ModelFileException(where + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(entry.shape())
                        + " but " + config + " needs " + Arrays.toString(want));
            }
            System.arraycopy(values, 0, target.data(), target.offset(), values.length);
        }
        return model;
    }

    /** (rows, cols) → (cols, rows) */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
        return out;
    }
}
