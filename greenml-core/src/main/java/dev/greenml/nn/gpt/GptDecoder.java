package dev.greenml.nn.gpt;

import dev.greenml.autograd.AttentionOps;
import dev.greenml.autograd.LayerNormOps;
import dev.greenml.autograd.TransformerOps;
import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.tensor.Tensor;

/**
 * Incremental decoding with a key/value cache: each {@link #step} feeds one token, appends its
 * keys and values to the cache of every layer and returns the logits of the next token, so a
 * token costs O(context·width) for attention instead of recomputing the whole prefix. All
 * buffers are allocated once; a step allocates nothing.
 *
 * <p>When the cache is full (context tokens), {@link #step} refuses; callers slide the window
 * (see {@link Generator}).
 */
public final class GptDecoder {

    private final Gpt model;
    private final Gpt.Config cfg;
    private final float[][] keys, values;   // (layers)(context, C)
    private int length;                     // tokens in the cache

    // scratch, one token:  C = width, V = vocab
    private final float[] x;       // (C) residual stream
    private final float[] a;       // (C) normalised input of a sub-layer
    private final float[] qkv;     // (3C)
    private final float[] att;     // (C) heads' outputs
    private final float[] hidden;  // (4C) MLP hidden
    private final float[] score;   // (context) attention weights of one head
    private final float[] logits;  // (V)

    public GptDecoder(Gpt model) {
        this.model = model;
        this.cfg = model.config();
        int c = cfg.width(), n = cfg.context();
        keys = new float[cfg.layers()][n * c];
        values = new float[cfg.layers()][n * c];
        x = new float[c];
        a = new float[c];
        qkv = new float[3 * c];
        att = new float[c];
        hidden = new float[4 * c];
        score = new float[n];
        logits = new float[cfg.vocab()];
    }

    /** Tokens currently cached. */
    public int length() { return length; }

    /** True when the next step would exceed the context. */
    public boolean full() { return length == cfg.context(); }

    /** Empties the cache. */
    public void reset() { length = 0; }

    /**
     * Feeds {@code token} at position {@link #length()} and returns the logits (vocab) for the
     * token after it. The returned array is reused by the next step.
     */
    public float[] step(int token) {
        if (token < 0 || token >= cfg.vocab()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + (cfg.vocab() - 1) + "]");
        }
        if (full()) throw new IllegalStateException("KV cache full (" + cfg.context() + " tokens); reset() or slide the window");
        Backend blas = Backends.current();
        int c = cfg.width(), pos = length;
        float eps = Gpt.Config.LN_EPS;
        // x = wte[token] + wpe[pos]
        Tensor wte = model.wte, wpe = model.wpe;
        for (int j = 0; j < c; j++) x[j] = wte.data()[wte.offset() + token * c + j] + wpe.data()[wpe.offset() + pos * c + j];
        for (int l = 0; l < cfg.layers(); l++) {
            Gpt.Block b = model.blocks.get(l);
            // attention sub-layer
            LayerNormOps.layerNormRow(x, 0, b.ln1W.data(), b.ln1W.offset(), b.ln1B.data(), b.ln1B.offset(), a, 0, c, eps);
            project(blas, a, c, b.attnW, b.attnB, qkv, 3 * c);
            System.arraycopy(qkv, c, keys[l], pos * c, c);
            System.arraycopy(qkv, 2 * c, values[l], pos * c, c);
            AttentionOps.attendOne(qkv, 0, keys[l], values[l], pos + 1, c, cfg.heads(), att, 0, score);
            projectAdd(blas, att, c, b.projW, b.projB, x, c);
            // MLP sub-layer
            LayerNormOps.layerNormRow(x, 0, b.ln2W.data(), b.ln2W.offset(), b.ln2B.data(), b.ln2B.offset(), a, 0, c, eps);
            project(blas, a, c, b.fcW, b.fcB, hidden, 4 * c);
            if (cfg.activation().equals("gelu")) TransformerOps.geluErfInto(hidden, 0, hidden, 0, 4 * c);
            else TransformerOps.geluTanhInto(hidden, 0, hidden, 0, 4 * c);
            projectAdd(blas, hidden, 4 * c, b.fcProjW, b.fcProjB, x, c);
        }
        LayerNormOps.layerNormRow(x, 0, model.lnfW.data(), model.lnfW.offset(), model.lnfB.data(), model.lnfB.offset(), a, 0, c, eps);
        // logits(1, V) = a(1, C) · wte(V, C)ᵀ
        blas.sgemm(false, true, 1, cfg.vocab(), c, 1f, a, 0, c, wte.data(), wte.offset(), c, 0f, logits, 0, cfg.vocab());
        FlopCounter.add(2L * cfg.vocab() * c);
        length++;
        return logits;
    }

    /** y(out) = x(in) · W(in, out) + b */
    private static void project(Backend blas, float[] in, int n, Tensor w, Tensor b, float[] y, int out) {
        System.arraycopy(b.data(), b.offset(), y, 0, out);
        blas.sgemm(false, false, 1, out, n, 1f, in, 0, n, w.data(), w.offset(), out, 1f, y, 0, out);
        FlopCounter.add(2L * n * out);
    }

    /** y(out) += x(in) · W(in, out) + b   (a residual connection) */
    private static void projectAdd(Backend blas, float[] in, int n, Tensor w, Tensor b, float[] y, int out) {
        float[] bd = b.data();
        int bo = b.offset();
        for (int j = 0; j < out; j++) y[j] += bd[bo + j];
        blas.sgemm(false, false, 1, out, n, 1f, in, 0, n, w.data(), w.offset(), out, 1f, y, 0, out);
        FlopCounter.add(2L * n * out);
    }
}
