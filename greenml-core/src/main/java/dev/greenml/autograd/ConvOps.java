package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.VectorOps;
import dev.greenml.kernels.Backends;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as PyTorch's nn.Conv2d) on NCHW tensors, lowered to one
 * matrix product over the whole batch so that the GEMM kernel does the work:
 * <pre>
 *   cols(C·KH·KW, N·OH·OW) = im2col(x)                  one column per output position
 *   Y(OC, N·OH·OW)         = W(OC, C·KH·KW) · cols       then permuted to y(N, OC, OH, OW), + b
 *
 *   dW   += dY · colsᵀ
 *   dcols = Wᵀ · dY          then dx += col2im(dcols)   (the adjoint of im2col: scatter-add)
 *   db   += Σ_{n, oh, ow} dy
 * </pre>
 * with OH = (H + 2·pad − KH) / stride + 1, and likewise OW. One product over all N samples (rather
 * than one per sample) gives the kernel a wide N dimension, which is where packed GEMMs are fast.
 */
public final class ConvOps {

    private ConvOps() {}

    /** y = conv2d(x, w) + b.  x (N, C, H, W), w (OC, C, KH, KW), b (OC) or null → y (N, OC, OH, OW). */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int padding) {
        if (x.rank() != 4 || w.rank() != 4 || x.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException("conv2d expects x (N, C, H, W) and weight (OC, C, KH, KW) with the same C, got x"
                    + Shape.str(x.shape()) + " and weight" + Shape.str(w.shape()));
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d: stride must be ≥ 1 and padding ≥ 0, got stride " + stride + ", padding " + padding);
        }
        Geometry g = new Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), stride, padding);
        // compare the sizes themselves: (h + 2p − kh) / stride + 1 truncates toward zero, so a kernel
        // overhanging the padded input by less than the stride would still give one output
        if (g.oh <= 0 || g.ow <= 0 || g.h + 2 * padding < g.kh || g.w + 2 * padding < g.kw) {
            throw new IllegalArgumentException("conv2d: a " + g.kh + "×" + g.kw + " kernel with padding " + padding
                    + " does not fit the " + g.h + "×" + g.w + " input " + Shape.str(x.shape()));
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != g.oc)) {
            throw new IllegalArgumentException("conv2d: bias must be (" + g.oc + "), got " + Shape.str(b.shape()));
        }
        int ckk = g.ckk(), l = g.cols();
        float[] cols = new float[ckk * l];
        im2col(x.data(), x.offset(), g, cols);
        float[] yMat = new float[g.oc * l];   // (OC, N·OH·OW)
        Backends.current().sgemm(false, false, g.oc, l, ckk, 1f, w.data(), w.offset(), ckk, cols, 0, l, 0f, yMat, 0, l);
        Tensor y = Tensor.zeros(g.n, g.oc, g.oh, g.ow);
        int ohw = g.oh * g.ow;
        float[] yd = y.data();
        for (int n = 0; n < g.n; n++) {
            for (int o = 0; o < g.oc; o++) {
                float bias = b == null ? 0f : b.get(o);
                int src = o * l + n * ohw, dst = (n * g.oc + o) * ohw;
                for (int p = 0; p < ohw; p++) yd[dst + p] = yMat[src + p] + bias;
            }
        }
        FlopCounter.add(2L * g.oc * ckk * l + (b != null ? (long) g.oc * l : 0));
        Tensor[] inputs = b != null ? new Tensor[] {x, w, b} : new Tensor[] {x, w};
        return record(y, "conv2d", out -> {
            float[] gy = out.gradStorage();
            int go = out.gradOffset();
            float[] dY = new float[g.oc * l];   // dy permuted to (OC, N·OH·OW)
            for (int n = 0; n < g.n; n++) {
                for (int o = 0; o < g.oc; o++) {
                    System.arraycopy(gy, go + (n * g.oc + o) * ohw, dY, o * l + n * ohw, ohw);
                }
            }
            if (b != null && b.requiresGrad()) {   // db(OC) += Σ dY(o, :)
                float[] db = b.gradStorage();
                for (int o = 0; o < g.oc; o++) {
                    double s = 0;
                    for (int i = o * l; i < (o + 1) * l; i++) s += dY[i];
                    db[b.gradOffset() + o] += (float) s;
                }
                FlopCounter.add((long) g.oc * l);
            }
            if (w.requiresGrad()) {   // dW(OC, CKK) += dY(OC, L) · cols(CKK, L)ᵀ
                Backends.current().sgemm(false, true, g.oc, ckk, l, 1f, dY, 0, l, cols, 0, l,
                        1f, w.gradStorage(), w.gradOffset(), ckk);
                FlopCounter.add(2L * g.oc * ckk * l);
            }
            if (x.requiresGrad()) {   // dcols(CKK, L) = W(OC, CKK)ᵀ · dY(OC, L);  dx += col2im(dcols)
                float[] dcols = new float[ckk * l];
                Backends.current().sgemm(true, false, ckk, l, g.oc, 1f, w.data(), w.offset(), ckk, dY, 0, l,
                        0f, dcols, 0, l);
                col2imAdd(dcols, g, x.gradStorage(), x.gradOffset());
                FlopCounter.add(2L * g.oc * ckk * l + (long) ckk * l);
            }
        }, inputs);
    }

    /** Sizes of one convolution. */
    record Geometry(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int pad, int oh, int ow) {
        Geometry(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int pad) {
            this(n, c, h, w, oc, kh, kw, stride, pad, (h + 2 * pad - kh) / stride + 1, (w + 2 * pad - kw) / stride + 1);
        }
        int ckk() { return c * kh * kw; }
        int cols() { return n * oh * ow; }
    }

    /**
     * cols[(c·KH + ki)·KW + kj][n·OH·OW + oh·OW + ow] = x[n, c, oh·s − p + ki, ow·s − p + kj],
     * 0 where that position falls in the padding.
     */
    static void im2col(float[] x, int xo, Geometry g, float[] cols) {
        int l = g.cols(), ohw = g.oh * g.ow, hw = g.h * g.w;
        for (int c = 0; c < g.c; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++) {
                    int row = ((c * g.kh + ki) * g.kw + kj) * l;
                    for (int n = 0; n < g.n; n++) {
                        int plane = xo + (n * g.c + c) * hw;
                        for (int oh = 0; oh < g.oh; oh++) {
                            int ih = oh * g.stride - g.pad + ki;
                            int dst = row + n * ohw + oh * g.ow;
                            if (ih < 0 || ih >= g.h) {
                                java.util.Arrays.fill(cols, dst, dst + g.ow, 0f);
                                continue;
                            }
                            int src = plane + ih * g.w;
                            if (g.stride == 1) {   // the row is a shifted copy: padding zeros, then one contiguous run
                                int lo = validFrom(g, kj), hi = validTo(g, kj);
                                java.util.Arrays.fill(cols, dst, dst + lo, 0f);
                                if (hi > lo) System.arraycopy(x, src + lo - g.pad + kj, cols, dst + lo, hi - lo);
                                java.util.Arrays.fill(cols, dst + Math.max(lo, hi), dst + g.ow, 0f);
                                continue;
                            }
                            for (int ow = 0; ow < g.ow; ow++) {
                                int iw = ow * g.stride - g.pad + kj;
                                cols[dst + ow] = iw >= 0 && iw < g.w ? x[src + iw] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Stride 1: the first output column ow whose input column ow − pad + kj lies inside the image. */
    private static int validFrom(Geometry g, int kj) {
        return Math.min(g.ow, Math.max(0, g.pad - kj));
    }

    /** Stride 1: one past the last output column whose input column lies inside the image. */
    private static int validTo(Geometry g, int kj) {
        return Math.max(0, Math.min(g.ow, g.w + g.pad - kj));
    }

    /** The adjoint of {@link #im2col}: dx[n, c, ih, iw] += every dcols entry that was read from it. */
    static void col2imAdd(float[] dcols, Geometry g, float[] dx, int dxo) {
        int l = g.cols(), ohw = g.oh * g.ow, hw = g.h * g.w;
        for (int c = 0; c < g.c; c++) {
            for (int ki = 0; ki < g.kh; ki++) {
                for (int kj = 0; kj < g.kw; kj++) {
                    int row = ((c * g.kh + ki) * g.kw + kj) * l;
                    for (int n = 0; n < g.n; n++) {
                        int plane = dxo + (n * g.c + c) * hw;
                        for (int oh = 0; oh < g.oh; oh++) {
                            int ih = oh * g.stride - g.pad + ki;
                            if (ih < 0 || ih >= g.h) continue;
                            int src = row + n * ohw + oh * g.ow, dst = plane + ih * g.w;
                            if (g.stride == 1) {   // one contiguous run, as in im2col
                                int lo = validFrom(g, kj), hi = validTo(g, kj);
                                if (hi > lo) VectorOps.addInto(dcols, src + lo, dx, dst + lo - g.pad + kj, hi - lo);
                                continue;
                            }
                            for (int ow = 0; ow < g.ow; ow++) {
                                int iw = ow * g.stride - g.pad + kj;
                                if (iw >= 0 && iw < g.w) dx[dst + iw] += dcols[src + ow];
                            }
                        }
                    }
                }
            }
        }
    }
}
