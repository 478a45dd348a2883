package dev.greenml.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels on float[] ranges, written with the Vector API (AVX2: 8 floats a step).
 * Shared by both backends: only GEMM differs between them.
 */
public final class VectorOps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorOps() {}

    /** dst[d..d+n) += src[s..s+n) */
    public static void addInto(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    /** y = max(x, 0) */
    public static void relu(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(zero).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = Math.max(x[xo + i], 0f);
    }

    /** dx += dy · [x > 0] */
    public static void reluBackwardInto(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
            FloatVector.fromArray(S, dx, dxo + i).add(zero.blend(g, positive)).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) if (x[xo + i] > 0f) dx[dxo + i] += dy[dyo + i];
    }

    /**
     * One Adam/AdamW update over a range (PyTorch's formulation):
     * <pre>
     *   g ← g + wd·p                       (Adam's L2 weight decay; 0 for AdamW)
     *   m ← β1·m + (1−β1)·g
     *   v ← β2·v + (1−β2)·g²
     *   p ← p − stepSize · m / (√v / √(1−β2ᵗ) + ε)      stepSize = lr / (1−β1ᵗ)
     * </pre>
     * AdamW's decoupled decay p ← p·(1 − lr·λ) is applied by the caller before this.
     */
    public static void adam(float[] p, float[] g, float[] m, float[] v, int off, int n,
                            float beta1, float beta2, float l2, float stepSize, float invSqrtBias2, float eps) {
        int i = 0;
        float oneMinusB1 = 1f - beta1, oneMinusB2 = 1f - beta2;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            int j = off + i;
            FloatVector gv = FloatVector.fromArray(S, g, j);
            FloatVector pv = FloatVector.fromArray(S, p, j);
            if (l2 != 0f) gv = pv.mul(l2).add(gv);
            FloatVector mv = FloatVector.fromArray(S, m, j).mul(beta1).add(gv.mul(oneMinusB1));
            FloatVector vv = FloatVector.fromArray(S, v, j).mul(beta2).add(gv.mul(gv).mul(oneMinusB2));
            mv.intoArray(m, j);
            vv.intoArray(v, j);
            FloatVector denom = vv.sqrt().mul(invSqrtBias2).add(eps);
            pv.sub(mv.mul(stepSize).div(denom)).intoArray(p, j);
        }
        for (; i < n; i++) {
            int j = off + i;
            float gi = g[j];
            if (l2 != 0f) gi += l2 * p[j];
            m[j] = beta1 * m[j] + oneMinusB1 * gi;
            v[j] = beta2 * v[j] + oneMinusB2 * gi * gi;
            p[j] -= stepSize * m[j] / ((float) Math.sqrt(v[j]) * invSqrtBias2 + eps);
        }
    }
}
