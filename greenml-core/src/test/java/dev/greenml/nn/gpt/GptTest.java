package dev.greenml.nn.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.autograd.Autograd;
import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.TensorEntry;
import dev.greenml.nn.ModelConfigs;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptTest {

    @TempDir Path dir;

    private static Gpt tiny(long seed) {
        return new Gpt(new Gpt.Config(13, 8, 2, 2, 8, "gelu_tanh"), new Rng(seed));
    }

    private static float[] fullLogits(Gpt m, int[] ids) {
        try (var s = Autograd.noGrad()) {
            return m.logits(ids, 1, ids.length).toArray();
        }
    }

    @Test void kvCacheDecodingGivesTheSameLogitsAsFullRecompute() {
        for (String act : List.of("gelu_tanh", "gelu")) {
            Gpt m = new Gpt(new Gpt.Config(13, 8, 2, 2, 8, act), new Rng(3));
            scaleUp(m);
            int[] ids = {1, 5, 12, 0, 7, 7, 3, 9};
            float[] full = fullLogits(m, ids);
            GptDecoder dec = new GptDecoder(m);
            for (int t = 0; t < ids.length; t++) {
                float[] step = dec.step(ids[t]);
                for (int v = 0; v < 13; v++) assertThat(step[v]).as("%s position %d token %d", act, t, v).isCloseTo(full[t * 13 + v], offset(1e-5f));
            }
            assertThat(dec.full()).isTrue();
            assertThatThrownBy(() -> dec.step(1)).hasMessageContaining("KV cache full");
        }
    }

    /** GPT-2's 0.02 init makes every logit nearly equal; larger weights make the comparisons bite. */
    private static void scaleUp(Gpt m) {
        for (var e : m.namedParameters().entrySet()) {
            if (e.getValue().rank() == 2) for (int i = 0; i < e.getValue().size(); i++) e.getValue().set(i, e.getValue().get(i) * 20);
        }
    }

    @Test void aLaterTokenChangesNoEarlierLogit() {
        Gpt m = tiny(4);
        scaleUp(m);
        int[] ids = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] a = fullLogits(m, ids);
        ids[5] = 11;
        float[] b = fullLogits(m, ids);
        for (int i = 0; i < 5 * 13; i++) assertThat(b[i]).isEqualTo(a[i]);
        boolean changed = false;
        for (int i = 5 * 13; i < 8 * 13; i++) changed |= a[i] != b[i];
        assertThat(changed).isTrue();
    }

    @Test void lossBackwardReachesEveryParameter() {
        Gpt m = tiny(5);
        m.parameters();
        int[] ids = {1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1};
        int[] targets = {2, 3, 4, 5, 6, 7, 8, 9, 7, 6, 5, 4, 3, 2, 1, 0};
        Tensor loss = m.loss(ids, targets, 2, 8);
        assertThat(loss.item()).isCloseTo((float) Math.log(13), offset(0.1f));   // near-uniform at init
        loss.backward();
        for (var e : m.namedParameters().entrySet()) assertThat(e.getValue().hasGrad()).as(e.getKey()).isTrue();
    }

    /**
     * Backward recycles the gradients of intermediates and the saved softmax / LayerNorm rows
     * through FloatPool (arrays of 1,024 floats and more, hence a model this wide); a recycled
     * array that came back dirty, or one still in use, would change the second step's gradients.
     */
    @Test void recycledBuffersLeaveTheNextStepsGradientsUnchanged() {
        Gpt m = new Gpt(new Gpt.Config(50, 16, 2, 2, 32, "gelu_tanh"), new Rng(7));
        var params = m.parameters();
        int[] ids = new int[4 * 16], targets = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7) % 50;
            targets[i] = (i * 11 + 3) % 50;
        }
        float[][] grads = new float[3][];
        for (int step = 0; step < 3; step++) {
            params.zeroGrad();
            Tensor loss = m.loss(ids, targets, 4, 16);
            loss.backward();
            grads[step] = params.grad().clone();
            assertThat(loss.grad()).as("an intermediate's gradient is gone after backward").isNull();
        }
        // equal up to rounding (vector reductions may round differently once JIT-compiled);
        // a dirty or shared recycled array changes gradients by far more than this
        for (int step = 1; step < 3; step++) {
            for (int i = 0; i < grads[0].length; i++) {
                assertThat(grads[step][i]).as("step %d, gradient %d", step, i).isCloseTo(grads[0][i], offset(1e-6f));
            }
        }
    }

    @Test void decayAppliesToMatricesOnly() {
        Gpt m = tiny(1);
        assertThat(m.decays("h.0.attn.c_attn.weight")).isTrue();
        assertThat(m.decays("wte.weight")).isTrue();
        assertThat(m.decays("h.0.attn.c_attn.bias")).isFalse();
        assertThat(m.decays("h.1.ln_2.weight")).isFalse();
    }

    @Test void savesAndLoadsThroughModelFileWithGpt2Names() throws Exception {
        Gpt m = tiny(6);
        scaleUp(m);
        Path f = dir.resolve("m.safetensors");
        ModelFile.save(f, m, Map.of());
        var file = SafeTensors.read(f);
        assertThat(file.tensors()).containsKeys("wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.c_attn.weight",
                "h.0.attn.c_proj.weight", "h.0.ln_2.weight", "h.0.mlp.c_fc.weight", "h.0.mlp.c_proj.weight", "ln_f.weight");
        assertThat(file.tensors().get("h.0.attn.c_attn.weight").shape()).containsExactly(8, 24);   // Conv1D (in, out)
        Gpt back = Gpt2Checkpoint.load(f, 0);
        int[] ids = {3, 1, 4, 1, 5};
        assertThat(fullLogits(back, ids)).containsExactly(fullLogits(m, ids));
    }

    // ---- a GPT-2-shaped checkpoint written by "someone else" --------------------------------

    /** The formula of tools/golden/gpt2_tiny.py. */
    private static List<TensorEntry> goldenTensors(boolean linearLayout) {
        int v = 11, t = 8, l = 2, c = 8;
        List<Object[]> names = new ArrayList<>();
        names.add(new Object[] {"wte.weight", new long[] {v, c}});
        names.add(new Object[] {"wpe.weight", new long[] {t, c}});
        for (int i = 0; i < l; i++) {
            String p = "h." + i + ".";
            names.add(new Object[] {p + "ln_1.weight", new long[] {c}});
            names.add(new Object[] {p + "ln_1.bias", new long[] {c}});
            names.add(new Object[] {p + "attn.c_attn.weight", new long[] {c, 3 * c}});
            names.add(new Object[] {p + "attn.c_attn.bias", new long[] {3 * c}});
            names.add(new Object[] {p + "attn.c_proj.weight", new long[] {c, c}});
            names.add(new Object[] {p + "attn.c_proj.bias", new long[] {c}});
            names.add(new Object[] {p + "ln_2.weight", new long[] {c}});
            names.add(new Object[] {p + "ln_2.bias", new long[] {c}});
            names.add(new Object[] {p + "mlp.c_fc.weight", new long[] {c, 4 * c}});
            names.add(new Object[] {p + "mlp.c_fc.bias", new long[] {4 * c}});
            names.add(new Object[] {p + "mlp.c_proj.weight", new long[] {4 * c, c}});
            names.add(new Object[] {p + "mlp.c_proj.bias", new long[] {c}});
        }
        names.add(new Object[] {"ln_f.weight", new long[] {c}});
        names.add(new Object[] {"ln_f.bias", new long[] {c}});
        List<TensorEntry> out = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            String name = (String) names.get(k)[0];
            long[] shape = (long[]) names.get(k)[1];
            int n = 1;
            for (long s : shape) n *= (int) s;
            float[] vals = new float[n];
            boolean lnWeight = name.contains("ln_") && name.endsWith("weight");
            for (int i = 0; i < n; i++) {
                double s = Math.sin(0.37 * i + 0.91 * k + 0.1);
                vals[i] = (float) (lnWeight ? 1 + 0.1 * s : 0.2 * s);
            }
            boolean projection = name.contains(".attn.c_") || name.contains(".mlp.c_");
            if (linearLayout && projection && shape.length == 2) {   // export as nn.Linear (out, in)
                int rows = (int) shape[0], cols = (int) shape[1];
                float[] tr = new float[n];
                for (int r = 0; r < rows; r++) for (int cc = 0; cc < cols; cc++) tr[cc * rows + r] = vals[r * cols + cc];
                vals = tr;
                shape = new long[] {cols, rows};
            }
            out.add(TensorEntry.ofFloats(name, shape, vals));
        }
        return out;
    }

    /** Logits from tools/golden/gpt2_tiny.py (plain PyTorch ops, float64) for the same weights. */
    @Test void loadsAGpt2CheckpointInConv1dLayoutAndMatchesPyTorch() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(getClass().getResourceAsStream("/golden/gpt2-tiny-logits.json"));
        List<TensorEntry> tensors = new ArrayList<>(goldenTensors(false));
        // what Hugging Face exports also hold: the mask buffer and a tied lm_head
        tensors.add(TensorEntry.ofFloats("h.0.attn.bias", new long[] {1, 1, 8, 8}, new float[64]));
        tensors.add(TensorEntry.ofFloats("lm_head.weight", new long[] {11, 8}, tensors.getFirst().toFloats()));
        Path f = dir.resolve("gpt2.safetensors");
        SafeTensors.write(f, tensors, Map.of("format", "pt"));

        Gpt m = Gpt2Checkpoint.load(f, 2);
        int[] ids = new int[8];
        for (int i = 0; i < 8; i++) ids[i] = golden.get("ids").get(i).asInt();
        float[] got = fullLogits(m, ids);
        for (int t = 0; t < 8; t++) {
            for (int v = 0; v < 11; v++) {
                assertThat(got[t * 11 + v]).as("position %d token %d", t, v)
                        .isCloseTo((float) golden.get("logits").get(t).get(v).asDouble(), offset(2e-5f));
            }
        }
        SafeTensors.write(f, goldenTensors(true), Map.of("weight_layout", "linear"));
        assertThat(fullLogits(Gpt2Checkpoint.load(f, 2), ids)).containsExactly(got);
        assertThatThrownBy(() -> Gpt2Checkpoint.load(f, 0)).isInstanceOf(ModelFileException.class).hasMessageContaining("heads");
    }

    @Test void badConfigsFailWithTheFieldNamed() {
        var json = new ObjectMapper();
        assertThatThrownBy(() -> ModelConfigs.fromJson(json.readTree("{\"architecture\":\"gpt\",\"vocab\":10,\"context\":8,\"layers\":1,\"heads\":3,\"width\":8}")))
                .hasMessageContaining("divisible");
        assertThatThrownBy(() -> ModelConfigs.fromJson(json.readTree("{\"architecture\":\"gpt\",\"vocab\":10,\"layers\":1,\"heads\":2,\"width\":8}")))
                .hasMessageContaining("'context'");
        assertThatThrownBy(() -> ModelConfigs.fromJson(json.readTree("{\"architecture\":\"gpt\",\"vocab\":10,\"context\":8,\"layers\":1,\"heads\":2,\"width\":8,\"activation\":\"relu\"}")))
                .hasMessageContaining("gelu_tanh or gelu");
    }

    @Test void samplerIsGreedyAtZeroTemperatureAndSeeded() {
        float[] logits = {0.1f, 2f, -1f, 1.9f};
        assertThat(new Sampler(0f, 0, 1f, 1).sample(logits)).isEqualTo(1);
        assertThat(new Sampler(1f, 1, 1f, 1).sample(logits)).isEqualTo(1);                   // top-k 1 = argmax
        Sampler topP = new Sampler(1f, 0, 0.5f, 7);                                            // nucleus: {1, 3}
        for (int i = 0; i < 50; i++) assertThat(topP.sample(logits)).isIn(1, 3);
        Sampler a = new Sampler(1.5f, 0, 1f, 42), b = new Sampler(1.5f, 0, 1f, 42);
        for (int i = 0; i < 20; i++) assertThat(a.sample(logits)).isEqualTo(b.sample(logits));
        assertThatThrownBy(() -> new Sampler(-1f, 0, 1f, 1)).hasMessageContaining("--temperature");
        assertThatThrownBy(() -> new Sampler(1f, 0, 0f, 1)).hasMessageContaining("--top-p");
    }

    @Test void generationSlidesItsWindowPastTheContext() {
        Gpt m = tiny(8);
        int[] out = new Generator(m).generate(new int[] {1, 2, 3}, 20, new Sampler(0f, 0, 1f, 0), null);
        assertThat(out).hasSize(20);
    }
}
