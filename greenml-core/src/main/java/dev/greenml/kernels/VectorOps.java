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

    /** Σ x[o..o+n), a vector at a time, the lanes added in lane order (the same bits before and after JIT). */
    public static float sum(float[] x, int o, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, x, o + i));
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) s += x[o + i];
        return s;
    }

    /** Σ (x[o..o+n) − mean)², as {@link #sum}: two passes rather than E[x²] − mean² (no cancellation). */
    public static float sumSquaredDeviations(float[] x, int o, int n, float mean) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, o + i).sub(mean);
            acc = d.fma(d, acc);
        }
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) {
            float d = x[o + i] - mean;
            s += d * d;
        }
        return s;
    }

    /** Σ a[ao..ao+n) · b[bo..bo+n), as {@link #sum}. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).add(acc);
        }
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /** dx[d..d+n) (+)= k · (dy − meanDy − x̂ · meanDyXhat), BatchNorm's input gradient over one plane; overwrites when {@code overwrite} */
    public static void batchNormBackwardInto(float[] dy, int dyo, float[] xhat, int xo, float k, float meanDy, float meanDyXhat,
                                             float[] dx, int d, int n, boolean overwrite) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, dy, dyo + i).sub(meanDy)
                    .sub(FloatVector.fromArray(S, xhat, xo + i).mul(meanDyXhat)).mul(k);
            (overwrite ? v : v.add(FloatVector.fromArray(S, dx, d + i))).intoArray(dx, d + i);
        }
        for (; i < n; i++) {
            float v = (dy[dyo + i] - meanDy - xhat[xo + i] * meanDyXhat) * k;
            dx[d + i] = overwrite ? v : dx[d + i] + v;
        }
    }


    /** dst[d..d+n) = src[s..s+n) · k */
    public static void scaleInto(float[] src, int s, float k, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, src, s + i).mul(k).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] = src[s + i] * k;
    }

    /** dst[d..d+n) += src[s..s+n) · k */
    public static void addScaledInto(float[] src, int s, float k, float[] dst, int d, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, src, s + i).mul(k).add(FloatVector.fromArray(S, dst, d + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i] * k;
    }

    /** out[o..o+n) = a[ao..ao+n) ∘ b[bo..bo+n) for ∘ = + (op 0), − (op 1), × (op 2) */
    public static void elementwise(int op, float[] a, int ao, float[] b, int bo, float[] out, int o, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, ao + i), y = FloatVector.fromArray(S, b, bo + i);
            (op == 0 ? x.add(y) : op == 1 ? x.sub(y) : x.mul(y)).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            float x = a[ao + i], y = b[bo + i];
            out[o + i] = op == 0 ? x + y : op == 1 ? x - y : x * y;
        }
    }

    /** dst[d..d+n) (+)= a[ao..ao+n) · b[bo..bo+n), overwriting when {@code overwrite} */
    public static void mulInto(float[] a, int ao, float[] b, int bo, float[] dst, int d, int n, boolean overwrite) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i));
            (overwrite ? v : v.add(FloatVector.fromArray(S, dst, d + i))).intoArray(dst, d + i);
        }
        for (; i < n; i++) {
            float v = a[ao + i] * b[bo + i];
            dst[d + i] = overwrite ? v : dst[d + i] + v;
        }
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

    /** dx = dy · [x > 0]  (the first contribution to dx: written, not accumulated) */
    public static void reluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, dyo + i), positive).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) dx[dxo + i] = x[xo + i] > 0f ? dy[dyo + i] : 0f;
    }

    /**
     * Rank-1 update C (m, n) = alpha · a bᵀ + beta · C, row by row: C[i, :] = (alpha·a_i) · b + beta · C[i, :].
     * a is read with stride {@code incA}; b must be contiguous (n floats); C's rows are ldc apart.
     * beta == 0 overwrites C (old content, even NaN, is ignored).
     */
    public static void rank1(int m, int n, float alpha, float[] a, int aOff, int incA, float[] b, int bOff,
                             float beta, float[] c, int cOff, int ldc) {
        int bound = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            float s = alpha * a[aOff + i * incA];
            int row = cOff + i * ldc;
            int j = 0;
            if (beta == 0f) {
                for (; j < bound; j += L) {
                    FloatVector.fromArray(S, b, bOff + j).mul(s).intoArray(c, row + j);
                }
                for (; j < n; j++) c[row + j] = s * b[bOff + j];
            } else if (beta == 1f) {
                for (; j < bound; j += L) {
                    FloatVector.fromArray(S, b, bOff + j).mul(s).add(FloatVector.fromArray(S, c, row + j)).intoArray(c, row + j);
                }
                for (; j < n; j++) c[row + j] += s * b[bOff + j];
            } else {
                for (; j < bound; j += L) {
                    FloatVector.fromArray(S, b, bOff + j).mul(s)
                            .add(FloatVector.fromArray(S, c, row + j).mul(beta)).intoArray(c, row + j);
                }
                for (; j < n; j++) c[row + j] = s * b[bOff + j] + beta * c[row + j];
            }
        }
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
        for (; i < n; i++) {   // the same operations in the same order as a lane above: bit-identical
            int j = off + i;
            float gi = g[j];
            if (l2 != 0f) gi = p[j] * l2 + gi;
            m[j] = m[j] * beta1 + gi * oneMinusB1;
            v[j] = v[j] * beta2 + (gi * gi) * oneMinusB2;
            p[j] = p[j] - (m[j] * stepSize) / ((float) Math.sqrt(v[j]) * invSqrtBias2 + eps);
        }
    }
}
