package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;

/**
 * Pooling over K×K windows of NCHW tensors, no padding; OH = (H − K) / stride + 1.
 * <pre>
 *   max:  y = max over the window         dx[argmax] += dy        (the first maximum wins ties)
 *   avg:  y = (1/K²) Σ over the window     dx[window] += dy / K²
 * </pre>
 */
public final class PoolOps {

    private PoolOps() {}

    /** x (N, C, H, W) → (N, C, OH, OW). */
    public static Tensor maxPool2d(Tensor x, int k, int stride) {
        int[] s = outShape(x, k, stride, "maxPool2d");
        int nc = s[0] * s[1], h = x.dim(2), w = x.dim(3), oh = s[2], ow = s[3];
        Tensor y = Tensor.zeros(s);
        int[] argmax = new int[y.size()];   // flat index into x of each output's maximum
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset();
        if (k == 2 && stride == 2) {
            maxPool2x2(xd, xo, nc, h, w, oh, ow, yd, argmax);
        } else for (int p = 0; p < nc; p++) {
            int plane = p * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = plane + (i * stride) * w + j * stride;
                    for (int a = 0; a < k; a++) {
                        int rowStart = plane + (i * stride + a) * w + j * stride;
                        for (int bb = 0; bb < k; bb++) {
                            if (xd[xo + rowStart + bb] > xd[xo + best]) best = rowStart + bb;
                        }
                    }
                    int o = (p * oh + i) * ow + j;
                    argmax[o] = best;
                    yd[o] = xd[xo + best];
                }
            }
        }
        FlopCounter.add((long) y.size() * k * k);
        return record(y, "max_pool2d", out -> {
            float[] g = out.gradStorage(), gx = x.gradStorage();
            int go = out.gradOffset(), gxo = x.gradOffset();
            for (int o = 0; o < argmax.length; o++) gx[gxo + argmax[o]] += g[go + o];
        }, x);
    }

    /**
     * The common 2×2, stride-2 case without branches: the maximum of a window is data-dependent, and
     * a branch per comparison mispredicted about half the time (max pooling was 17% of a CNN step,
     * ≈ 17 ns per output; C2 kept the ternaries as branches too). Here each comparison becomes the
     * sign bit of a difference: (bits(u − v) >>> 31) is 1 exactly when v > u, which picks the index
     * arithmetically; the value is then read at the chosen index. Ties keep the first position in
     * row-major order, as the general loop does — except ties of −0 before +0 and of two equal
     * infinities (the difference's sign bit is set there), which pick the second: the same value, only
     * another input receives the gradient. A NaN wins or loses by its sign bit (the general loop
     * never picks one over the first element); pooling does not define NaN's order.
     */
    private static void maxPool2x2(float[] x, int xo, int nc, int h, int w, int oh, int ow, float[] y, int[] argmax) {
        for (int p = 0; p < nc; p++) {
            int plane = p * h * w;
            for (int i = 0; i < oh; i++) {
                int r0 = plane + 2 * i * w, r1 = r0 + w, o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    int a = r0 + 2 * j, c = r1 + 2 * j;
                    int top = a + secondIsLarger(x[xo + a], x[xo + a + 1]);
                    int bottom = c + secondIsLarger(x[xo + c], x[xo + c + 1]);
                    int best = top + secondIsLarger(x[xo + top], x[xo + bottom]) * (bottom - top);
                    argmax[o + j] = best;
                    y[o + j] = x[xo + best];
                }
            }
        }
    }

    /** 1 when v > u, else 0 (ties 0), without a branch: the sign bit of u − v. */
    private static int secondIsLarger(float u, float v) {
        return Float.floatToRawIntBits(u - v) >>> 31;
    }

    /** x (N, C, H, W) → (N, C, OH, OW). */
    public static Tensor avgPool2d(Tensor x, int k, int stride) {
        int[] s = outShape(x, k, stride, "avgPool2d");
        int nc = s[0] * s[1], h = x.dim(2), w = x.dim(3), oh = s[2], ow = s[3];
        Tensor y = Tensor.zeros(s);
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset();
        float inv = 1f / (k * k);
        for (int p = 0; p < nc; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float sum = 0;
                    for (int a = 0; a < k; a++) {
                        int rowStart = xo + p * h * w + (i * stride + a) * w + j * stride;
                        for (int bb = 0; bb < k; bb++) sum += xd[rowStart + bb];
                    }
                    yd[(p * oh + i) * ow + j] = sum * inv;
                }
            }
        }
        FlopCounter.add((long) y.size() * k * k);
        return record(y, "avg_pool2d", out -> {
            float[] g = out.gradStorage(), gx = x.gradStorage();
            int go = out.gradOffset(), gxo = x.gradOffset();
            for (int p = 0; p < nc; p++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float d = g[go + (p * oh + i) * ow + j] * inv;
                        for (int a = 0; a < k; a++) {
                            int rowStart = gxo + p * h * w + (i * stride + a) * w + j * stride;
                            for (int bb = 0; bb < k; bb++) gx[rowStart + bb] += d;
                        }
                    }
                }
            }
            FlopCounter.add((long) y.size() * k * k);
        }, x);
    }

    private static int[] outShape(Tensor x, int k, int stride, String op) {
        if (x.rank() != 4) throw new IllegalArgumentException(op + " expects (N, C, H, W), got " + Shape.str(x.shape()));
        if (k < 1 || stride < 1) throw new IllegalArgumentException(op + ": kernel and stride must be ≥ 1, got " + k + ", " + stride);
        if (x.dim(2) < k || x.dim(3) < k) {
            throw new IllegalArgumentException(op + ": a " + k + "×" + k + " window does not fit the input " + Shape.str(x.shape()));
        }
        return new int[] {x.dim(0), x.dim(1), (x.dim(2) - k) / stride + 1, (x.dim(3) - k) / stride + 1};
    }
}
