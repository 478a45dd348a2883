package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.VectorMath;
import dev.greenml.tensor.FloatPool;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal multi-head self-attention as one fused op, from the packed projection qkv to the heads'
 * outputs concatenated. Queries, keys and values are read in place from qkv through the GEMM's
 * offsets and leading dimensions (no per-head copies); the softmax P is saved for backward.
 */
public final class AttentionOps {

    private AttentionOps() {}

    private static Backend blas() {
        return Backends.current();
    }

    // =====================================================================================
    // causalSelfAttention:  qkv (B, T, 3C) = [Q | K | V], head h uses columns h·d … h·d+d of each,
    // d = C / H.  For every (b, h):
    //   S = Q·Kᵀ / √d                       (T, T)
    //   P = softmax(S with S_ij = −∞ for j > i)     row-wise
    //   Y = P·V                             (T, d)  → y[b, :, h·d … h·d+d)
    // backward:
    //   dP = dY·Vᵀ        dV += Pᵀ·dY
    //   dS_ij = P_ij·(dP_ij − Σ_k dP_ik·P_ik)       (zero where masked, because P is zero there)
    //   dQ += dS·K / √d   dK += dSᵀ·Q / √d
    // =====================================================================================
    public static Tensor causalSelfAttention(Tensor qkv, int heads) {
        if (qkv.rank() != 3 || qkv.dim(2) % 3 != 0) {
            throw new IllegalArgumentException("causalSelfAttention expects qkv (B, T, 3C), got " + Shape.str(qkv.shape()));
        }
        int bsz = qkv.dim(0), t = qkv.dim(1), c = qkv.dim(2) / 3;
        if (heads <= 0 || c % heads != 0) {
            throw new IllegalArgumentException("causalSelfAttention: width " + c + " is not divisible by " + heads + " heads");
        }
        int d = c / heads, ld = 3 * c;
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] q = qkv.data();
        int qo = qkv.offset();
        Tensor y = Tensor.zeros(bsz, t, c);
        float[] yd = y.data();
        // (B, H, T, T) softmax, saved for backward; every element is written below (the product
        // with beta 0, then the softmax zeroes the masked part), so a recycled array will do
        float[] p = FloatPool.acquire(bsz * heads * t * t);
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < heads; h++) {
                int base = qo + b * t * ld + h * d;   // Q at base, K at base + C, V at base + 2C
                int po = (b * heads + h) * t * t;
                // S = Q·Kᵀ·scale; only the lower triangle is used (the upper is overwritten below)
                blas().sgemm(false, true, t, t, d, scale, q, base, ld, q, base + c, ld, 0f, p, po, t);
                for (int i = 0; i < t; i++) causalSoftmaxRow(p, po + i * t, i + 1, t);
                blas().sgemm(false, false, t, d, t, 1f, p, po, t, q, base + 2 * c, ld, 0f, yd, b * t * c + h * d, c);
            }
        }
        FlopCounter.add(4L * bsz * heads * t * t * d + 3L * bsz * heads * t * t);
        return record(y, "causal_self_attention", o -> {
            // dQ, dK and dV of each (b, h) are each written by exactly one product below, so the
            // first contribution since zeroGrad can overwrite (beta 0) instead of zero-fill + add
            float beta = Ops.betaFor(qkv);
            float[] dy = o.gradStorage(), dq = Ops.gradFor(qkv, beta);
            int dyo = o.gradOffset(), dqo = qkv.gradOffset();
            float[] dp = FloatPool.acquire(t * t);   // (T, T) scratch, reused across (b, h), overwritten
            for (int b = 0; b < bsz; b++) {
                for (int h = 0; h < heads; h++) {
                    int base = qo + b * t * ld + h * d, gbase = dqo + b * t * ld + h * d;
                    int po = (b * heads + h) * t * t, yo = dyo + b * t * c + h * d;
                    // dP = dY·Vᵀ
                    blas().sgemm(false, true, t, t, d, 1f, dy, yo, c, q, base + 2 * c, ld, 0f, dp, 0, t);
                    // dV += Pᵀ·dY
                    blas().sgemm(true, false, t, d, t, 1f, p, po, t, dy, yo, c, beta, dq, gbase + 2 * c, ld);
                    // dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place in dp
                    for (int i = 0; i < t; i++) {
                        int r = i * t;
                        double dot = 0;
                        for (int j = 0; j <= i; j++) dot += dp[r + j] * p[po + r + j];
                        float fd = (float) dot;
                        for (int j = 0; j <= i; j++) dp[r + j] = p[po + r + j] * (dp[r + j] - fd);
                        for (int j = i + 1; j < t; j++) dp[r + j] = 0f;
                    }
                    // dQ += dS·K·scale      dK += dSᵀ·Q·scale
                    blas().sgemm(false, false, t, d, t, scale, dp, 0, t, q, base + c, ld, beta, dq, gbase, ld);
                    blas().sgemm(true, false, t, d, t, scale, dp, 0, t, q, base, ld, beta, dq, gbase + c, ld);
                }
            }
            FlopCounter.add(8L * bsz * heads * t * t * d + 4L * bsz * heads * t * t);
            // the graph runs a node's backward once and then frees it: P is dead from here
            FloatPool.release(dp);
            FloatPool.release(p);
        }, qkv);
    }

    /**
     * In place over s[o … o+len): softmax of the first {@code visible} entries, zeros after them
     * (the causal mask: position i sees positions 0 … i).
     */
    static void causalSoftmaxRow(float[] s, int o, int visible, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) max = Math.max(max, s[o + j]);
        // e^{s − max} a vector at a time, then normalise; VectorMath rather than the JDK's vector exp
        // and reduceLanes, whose last bits change when C2 compiles the loop (a resumed run must
        // take the same steps as the uninterrupted one)
        FloatVector sumV = FloatVector.zero(F);
        int j = 0;
        for (; j <= visible - F.length(); j += F.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, s, o + j).sub(max));
            e.intoArray(s, o + j);
            sumV = sumV.add(e);
        }
        double sum = VectorMath.sumLanes(sumV);
        for (; j < visible; j++) {
            float e = VectorMath.exp(s[o + j] - max);
            s[o + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (j = 0; j < visible; j++) s[o + j] *= inv;
        for (j = visible; j < len; j++) s[o + j] = 0f;
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * Attention of one new query over the cached keys and values (incremental decoding; records
     * nothing). For each head h: s_j = q·k_j / √d for j &lt; len, p = softmax(s), y = Σ_j p_j·v_j.
     *
     * @param q     (C) the new token's query, at qOff
     * @param k     (≥ len, C) cached keys, row-major
     * @param v     (≥ len, C) cached values, row-major
     * @param y     (C) output, at yOff (overwritten)
     * @param score (≥ len) scratch
     */
    public static void attendOne(float[] q, int qOff, float[] k, float[] v, int len, int c, int heads,
                                 float[] y, int yOff, float[] score) {
        int d = c / heads;
        float scale = (float) (1.0 / Math.sqrt(d));
        for (int h = 0; h < heads; h++) {
            // s(1, len) = q_h(1, d) · K_h(len, d)ᵀ · scale
            blas().sgemm(false, true, 1, len, d, scale, q, qOff + h * d, d, k, h * d, c, 0f, score, 0, len);
            causalSoftmaxRow(score, 0, len, len);
            // y_h(1, d) = p(1, len) · V_h(len, d)
            blas().sgemm(false, false, 1, d, len, 1f, score, 0, len, v, h * d, c, 0f, y, yOff + h * d, c);
        }
        FlopCounter.add(4L * len * c + 3L * heads * len);
    }
}
