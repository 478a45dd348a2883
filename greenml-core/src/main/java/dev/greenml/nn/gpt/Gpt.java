package dev.greenml.nn.gpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.autograd.AttentionOps;
import dev.greenml.autograd.LayerNormOps;
import dev.greenml.autograd.Losses;
import dev.greenml.autograd.Ops;
import dev.greenml.autograd.TransformerOps;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.ModelConfigs;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A decoder-only transformer in GPT-2's shape (Radford et al., 2019): token and learned position
 * embeddings, pre-LayerNorm blocks of causal multi-head self-attention and a GELU MLP, a final
 * LayerNorm and an output head tied to the token embedding.
 *
 * <pre>
 *   x = wte[ids] + wpe[0 … T)
 *   for each block:  x = x + c_proj(attention(c_attn(ln_1(x))))
 *                    x = x + c_proj(gelu(c_fc(ln_2(x))))
 *   logits = ln_f(x) · wteᵀ
 * </pre>
 *
 * <p><b>Weight layout.</b> Parameter names are GPT-2's ({@code wte.weight}, {@code h.0.attn.c_attn.weight},
 * …) and the four projection weights per block are stored, in memory and in files, in GPT-2's
 * Conv1D layout (in, out) — transposed relative to PyTorch's nn.Linear (out, in). The projections
 * compute x·W directly, so a GPT-2 checkpoint loads without any transposition and a greenml file is
 * a GPT-2 state dict (see {@link Gpt2Checkpoint}).
 */
public final class Gpt extends Model {

    /**
     * The architecture. {@code activation} is "gelu_tanh" (GPT-2's tanh approximation, the
     * default) or "gelu" (exact, x·Φ(x)); LayerNorm ε is 1e-5 as in GPT-2.
     */
    public record Config(int vocab, int context, int layers, int heads, int width, String activation) implements ModelConfig {
        public static final float LN_EPS = 1e-5f;

        public Config {
            if (vocab <= 0 || context <= 0 || layers <= 0 || heads <= 0 || width <= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "gpt config sizes must be positive: vocab %d, context %d, layers %d, heads %d, width %d",
                        vocab, context, layers, heads, width));
            }
            if (width % heads != 0) {
                throw new IllegalArgumentException("gpt config: width " + width + " must be divisible by heads " + heads
                        + " (each head gets width/heads dimensions)");
            }
            if (activation == null) activation = "gelu_tanh";
            if (!activation.equals("gelu_tanh") && !activation.equals("gelu")) {
                throw new IllegalArgumentException("gpt config: activation must be gelu_tanh or gelu, got '" + activation + "'");
            }
        }

        public static Config fromJson(JsonNode o) {
            return new Config(ModelConfigs.positiveInt(o, "vocab"), ModelConfigs.positiveInt(o, "context"),
                    ModelConfigs.positiveInt(o, "layers"), ModelConfigs.positiveInt(o, "heads"),
                    ModelConfigs.positiveInt(o, "width"), o.path("activation").asText("gelu_tanh"));
        }

        @Override public String architecture() { return "gpt"; }

        @Override public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("architecture", "gpt");
            o.put("vocab", vocab);
            o.put("context", context);
            o.put("layers", layers);
            o.put("heads", heads);
            o.put("width", width);
            o.put("activation", activation);
            o.put("weight_layout", "conv1d (in, out), as GPT-2");
            return o;
        }

        @Override public Gpt build(Rng rng) { return new Gpt(this, rng); }

        /** The context length: a model reads up to this many token ids. */
        @Override public int inputFeatures() { return context; }

        /** Logits per position, one per vocabulary entry. */
        @Override public int outputFeatures() { return vocab; }

        public int headDim() { return width / heads; }

        @Override public String toString() {
            return String.format(Locale.ROOT, "gpt %d layers, %d heads, width %d, context %d, vocab %d, %s",
                    layers, heads, width, context, vocab, activation);
        }
    }

    /** One transformer block's parameters; shapes with C = width. */
    static final class Block {
        final Tensor ln1W, ln1B;        // (C)
        final Tensor attnW, attnB;      // (C, 3C), (3C)   c_attn: x → [q | k | v]
        final Tensor projW, projB;      // (C, C), (C)     attn.c_proj
        final Tensor ln2W, ln2B;        // (C)
        final Tensor fcW, fcB;          // (C, 4C), (4C)   mlp.c_fc
        final Tensor fcProjW, fcProjB;  // (4C, C), (C)    mlp.c_proj

        Block(int c, int layers, Rng rng) {
            float std = 0.02f, residualStd = (float) (0.02 / Math.sqrt(2.0 * layers));
            ln1W = ones(c); ln1B = zeros(c);
            attnW = normal(rng, std, c, 3 * c); attnB = zeros(3 * c);
            projW = normal(rng, residualStd, c, c); projB = zeros(c);
            ln2W = ones(c); ln2B = zeros(c);
            fcW = normal(rng, std, c, 4 * c); fcB = zeros(4 * c);
            fcProjW = normal(rng, residualStd, 4 * c, c); fcProjB = zeros(c);
        }

        void collect(String p, Map<String, Tensor> out) {
            out.put(p + "ln_1.weight", ln1W);
            out.put(p + "ln_1.bias", ln1B);
            out.put(p + "attn.c_attn.weight", attnW);
            out.put(p + "attn.c_attn.bias", attnB);
            out.put(p + "attn.c_proj.weight", projW);
            out.put(p + "attn.c_proj.bias", projB);
            out.put(p + "ln_2.weight", ln2W);
            out.put(p + "ln_2.bias", ln2B);
            out.put(p + "mlp.c_fc.weight", fcW);
            out.put(p + "mlp.c_fc.bias", fcB);
            out.put(p + "mlp.c_proj.weight", fcProjW);
            out.put(p + "mlp.c_proj.bias", fcProjB);
        }
    }

    private final Config config;
    final Tensor wte;           // (vocab, C) token embedding, also the output head
    final Tensor wpe;           // (context, C) position embedding
    final List<Block> blocks;
    final Tensor lnfW, lnfB;    // (C)

    /**
     * GPT-2's initialisation: weights ~ N(0, 0.02²), the two residual projections per block
     * ~ N(0, (0.02/√(2·layers))²), biases 0, LayerNorm γ = 1, β = 0.
     */
    public Gpt(Config config, Rng rng) {
        this.config = config;
        int c = config.width();
        wte = normal(rng, 0.02f, config.vocab(), c);
        wpe = normal(rng, 0.01f, config.context(), c);
        blocks = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) blocks.add(new Block(c, config.layers(), rng));
        lnfW = ones(c);
        lnfB = zeros(c);
    }

    @Override public Config config() { return config; }

    /**
     * Logits (B, T, vocab) for token ids (B·T, row-major), T ≤ context. Position t sees tokens
     * 0 … t only.
     */
    public Tensor logits(int[] ids, int batch, int time) {
        Tensor x = TransformerOps.embed(wte, wpe, ids, batch, time);
        for (Block b : blocks) {
            Tensor a = LayerNormOps.layerNorm(x, b.ln1W, b.ln1B, Config.LN_EPS);
            Tensor att = AttentionOps.causalSelfAttention(TransformerOps.conv1d(a, b.attnW, b.attnB), config.heads());
            x = Ops.add(x, TransformerOps.conv1d(att, b.projW, b.projB));
            Tensor m = LayerNormOps.layerNorm(x, b.ln2W, b.ln2B, Config.LN_EPS);
            Tensor h = activation(TransformerOps.conv1d(m, b.fcW, b.fcB));
            x = Ops.add(x, TransformerOps.conv1d(h, b.fcProjW, b.fcProjB));
        }
        x = LayerNormOps.layerNorm(x, lnfW, lnfB, Config.LN_EPS);
        return Ops.linear(x, wte, null);   // tied head: logits = x · wteᵀ
    }

    /** Mean next-token cross-entropy: position t of each row predicts targets[b, t]. */
    public Tensor loss(int[] ids, int[] targets, int batch, int time) {
        Tensor logits = logits(ids, batch, time);
        return Losses.crossEntropy(Ops.reshape(logits, batch * time, config.vocab()), targets);
    }

    private Tensor activation(Tensor x) {
        return config.activation().equals("gelu") ? Ops.gelu(x) : TransformerOps.geluTanh(x);
    }

    /** The Model interface: {@code x} holds token ids as floats, shape (B, T). */
    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 2) throw new IllegalArgumentException("gpt forward expects token ids (B, T), got rank " + x.rank());
        int[] ids = new int[x.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = Math.round(x.get(i));
        return logits(ids, x.dim(0), x.dim(1));
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        out.put(prefix + "wte.weight", wte);
        out.put(prefix + "wpe.weight", wpe);
        for (int i = 0; i < blocks.size(); i++) blocks.get(i).collect(prefix + "h." + i + ".", out);
        out.put(prefix + "ln_f.weight", lnfW);
        out.put(prefix + "ln_f.bias", lnfB);
    }

    /**
     * Which parameters get weight decay, nanoGPT's rule: every tensor of rank ≥ 2 (the projection
     * matrices and the two embeddings, the token one being the output head too); biases and
     * LayerNorm parameters do not.
     */
    public boolean decays(String name) {
        Tensor t = namedParameters().get(name);
        return t != null && t.rank() >= 2;
    }

    private static Tensor normal(Rng rng, float std, int... shape) {
        Tensor t = Tensor.zeros(shape).requiresGrad(true);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * std);
        return t;
    }

    private static Tensor ones(int n) {
        return Tensor.full(1f, n).requiresGrad(true);
    }

    private static Tensor zeros(int n) {
        return Tensor.zeros(n).requiresGrad(true);
    }
}
