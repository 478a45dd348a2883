package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.VectorMath;
import dev.greenml.kernels.VectorOps;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The remaining pieces of a GPT-style transformer: token + position embedding (gather forward,
 * scatter-add backward), the GPT-2 "Conv1D" projection y = x·W + b with W stored (in, out), and
 * GELU in its tanh approximation.
 */
public final class TransformerOps {

    private TransformerOps() {}

    private static Backend blas() {
        return Backends.current();
    }

    // =====================================================================================
    // embed:  x[b, t, :] = wte[ids[b, t], :] + wpe[start + t, :]        ids (B, T), x (B, T, C)
    //   dwte[ids[b, t], :] += dx[b, t, :]      dwpe[start + t, :] += dx[b, t, :]
    // =====================================================================================
    public static Tensor embed(Tensor wte, Tensor wpe, int[] ids, int batch, int time) {
        if (wte.rank() != 2 || wpe.rank() != 2 || wte.dim(1) != wpe.dim(1)) {
            throw new IllegalArgumentException("embed: token table (vocab, C) and position table (context, C) must share C, got "
                    + Shape.str(wte.shape()) + " and " + Shape.str(wpe.shape()));
        }
        int vocab = wte.dim(0), c = wte.dim(1);
        if (ids.length != batch * time) {
            throw new IllegalArgumentException("embed: " + ids.length + " token ids for a (" + batch + ", " + time + ") batch");
        }
        if (time > wpe.dim(0)) {
            throw new IllegalArgumentException("embed: sequence of " + time + " tokens is longer than the context of "
                    + wpe.dim(0) + " positions");
        }
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("embed: token id " + id + " is outside the vocabulary [0, " + (vocab - 1) + "]");
            }
        }
        Tensor x = Tensor.zeros(batch, time, c);
        float[] xd = x.data(), te = wte.data(), pe = wpe.data();
        int teo = wte.offset(), peo = wpe.offset();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int row = (b * time + t) * c, tok = teo + ids[b * time + t] * c, pos = peo + t * c;
                for (int j = 0; j < c; j++) xd[row + j] = te[tok + j] + pe[pos + j];
            }
        }
        FlopCounter.add((long) batch * time * c);
        int[] saved = ids.clone();
        return record(x, "embed", o -> {
            float[] g = o.gradStorage();
            int go = o.gradOffset();
            if (wte.requiresGrad()) {
                float[] gt = wte.gradStorage();
                int gto = wte.gradOffset();
                for (int r = 0; r < batch * time; r++) VectorOps.addInto(g, go + r * c, gt, gto + saved[r] * c, c);
            }
            if (wpe.requiresGrad()) {
                float[] gp = wpe.gradStorage();
                int gpo = wpe.gradOffset();
                for (int r = 0; r < batch * time; r++) VectorOps.addInto(g, go + r * c, gp, gpo + (r % time) * c, c);
            }
            FlopCounter.add(2L * batch * time * c);
        }, wte, wpe);
    }

    // =====================================================================================
    // conv1d (GPT-2's name for a linear layer whose weight is stored transposed):
    //   Y(m, out) = X(m, in) · W(in, out) + b(out)
    //   dX += dY · Wᵀ      dW += Xᵀ · dY      db += Σ_rows dY
    // =====================================================================================
    public static Tensor conv1d(Tensor x, Tensor w, Tensor bias) {
        if (w.rank() != 2) throw new IllegalArgumentException("conv1d: weight must be (in, out), got " + Shape.str(w.shape()));
        int in = w.dim(0), out = w.dim(1);
        if (x.rank() < 1 || x.dim(-1) != in) {
            throw new IllegalArgumentException("Conv1D(in=" + in + ", out=" + out + ") got input shape "
                    + Shape.str(x.shape()) + "; the last dimension must be " + in);
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw new IllegalArgumentException("conv1d: bias must be (" + out + "), got " + Shape.str(bias.shape()));
        }
        int m = x.size() / in;
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = Tensor.zeros(outShape);
        float[] yd = y.data();
        if (bias != null) {
            for (int r = 0; r < m; r++) System.arraycopy(bias.data(), bias.offset(), yd, r * out, out);
        }
        blas().sgemm(false, false, m, out, in, 1f, x.data(), x.offset(), in, w.data(), w.offset(), out,
                bias != null ? 1f : 0f, yd, 0, out);
        FlopCounter.add(2L * m * out * in + (bias != null ? (long) m * out : 0));
        Tensor[] inputs = bias != null ? new Tensor[] {x, w, bias} : new Tensor[] {x, w};
        return record(y, "conv1d", o -> {
            float[] dY = o.gradStorage();
            int dYo = o.gradOffset();
            if (x.requiresGrad()) {   // dX(m,in) += dY(m,out) · W(in,out)ᵀ
                blas().sgemm(false, true, m, in, out, 1f, dY, dYo, out, w.data(), w.offset(), out,
                        1f, x.gradStorage(), x.gradOffset(), in);
                FlopCounter.add(2L * m * out * in);
            }
            if (w.requiresGrad()) {   // dW(in,out) += X(m,in)ᵀ · dY(m,out)
                blas().sgemm(true, false, in, out, m, 1f, x.data(), x.offset(), in, dY, dYo, out,
                        1f, w.gradStorage(), w.gradOffset(), out);
                FlopCounter.add(2L * m * out * in);
            }
            if (bias != null && bias.requiresGrad()) {
                float[] db = bias.gradStorage();
                int dbo = bias.gradOffset();
                for (int r = 0; r < m; r++) VectorOps.addInto(dY, dYo + r * out, db, dbo, out);
                FlopCounter.add((long) m * out);
            }
        }, inputs);
    }

    // =====================================================================================
    // GELU, tanh approximation (Hendrycks &amp; Gimpel, 2016; the form GPT-2 uses):
    //   u = √(2/π)·(x + 0.044715·x³)      y = ½·x·(1 + tanh u)
    //   y' = ½·(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)
    // =====================================================================================
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float GELU_CUBIC = 0.044715f;

    public static Tensor geluTanh(Tensor x) {
        int n = x.size();
        Tensor y = Tensor.zeros(x.shape());
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset();
        geluTanhInto(xd, xo, yd, 0, n);
        FlopCounter.add(8L * n);
        return record(y, "gelu_tanh", o -> {
            boolean first = !x.hasGrad();
            geluTanhBackwardInto(xd, xo, o.gradStorage(), o.gradOffset(),
                    first ? x.gradStorageToOverwrite() : x.gradStorage(), x.gradOffset(), n, first);
            FlopCounter.add(12L * n);
        }, x);
    }

    // Vector API loops: tanh over whole vectors instead of one Math call per element, which made GELU
    // a fifth of a training step; VectorMath's tanh rather than lanewise(TANH), whose last bits
    // change when C2 compiles the loop (a resumed run must take the same steps as the uninterrupted one).
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** dx += dy · gelu_tanh'(x), or dx = … when {@code overwrite} (the first contribution since zeroGrad) */
    static void geluTanhBackwardInto(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n, boolean overwrite) {
        int i = 0;
        for (; i <= n - F.length(); i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i), v2 = v.mul(v);
            FloatVector th = VectorMath.tanh(v.mul(v2.mul(GELU_CUBIC).add(1f)).mul(SQRT_2_OVER_PI));
            FloatVector inner = v2.mul(3f * GELU_CUBIC).add(1f).mul(SQRT_2_OVER_PI);
            FloatVector d = th.add(1f).mul(0.5f).add(v.mul(0.5f).mul(th.mul(th).neg().add(1f)).mul(inner));
            FloatVector contribution = FloatVector.fromArray(F, dy, dyo + i).mul(d);
            (overwrite ? contribution : FloatVector.fromArray(F, dx, dxo + i).add(contribution)).intoArray(dx, dxo + i);
        }
        for (; i < n; i++) {
            float v = x[xo + i];
            float th = tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
            float d = 0.5f * (1f + th) + 0.5f * v * (1f - th * th) * SQRT_2_OVER_PI * (1f + 3f * GELU_CUBIC * v * v);
            dx[dxo + i] = (overwrite ? 0f : dx[dxo + i]) + dy[dyo + i] * d;
        }
    }

    /** y[yo … yo+n) = gelu_tanh(x[xo … xo+n)), for the inference path too. */
    public static void geluTanhInto(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (; i <= n - F.length(); i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector th = VectorMath.tanh(v.mul(v.mul(v).mul(GELU_CUBIC).add(1f)).mul(SQRT_2_OVER_PI));
            v.mul(0.5f).mul(th.add(1f)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = 0.5f * v * (1f + tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v)));
        }
    }

    /** tanh u = 1 − 2/(e^{2u} + 1), the same operations as the vector loops' lanes (see {@link VectorMath}). */
    static float tanh(float u) {
        return VectorMath.tanh(u);
    }

    /** y = gelu(x) exact (x·Φ(x)), in place over an array, for the inference path. */
    public static void geluErfInto(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = (float) (v * Ops.normalCdf(v));
        }
    }
}
