package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.VectorOps;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;

/**
 * Differentiable ops. Each is a forward followed by its backward, written so that the backward
 * can be derived on paper from the forward. Backward functions accumulate (+=) into input
 * gradients, because a tensor may feed several ops.
 *
 * <p>FLOPs: every op adds its analytic count to {@link FlopCounter} — matrix products 2·m·n·k,
 * elementwise ops one per element (transcendental functions count as one too; the count is
 * of arithmetic work requested, not of machine instructions).
 */
public final class Ops {

    private Ops() {}

    private static Backend blas() {
        return Backends.current();
    }

    /**
     * The beta of a backward product into {@code t}'s gradient: 0 for the first contribution
     * since zeroGrad (the product overwrites, and nothing has to be zero-filled first), 1 after.
     * Read it before taking the storage with {@link #gradFor}.
     */
    static float betaFor(Tensor t) {
        return t.hasGrad() ? 1f : 0f;
    }

    /** {@code t}'s gradient storage for a kernel that writes (beta 0) or accumulates (beta 1). */
    static float[] gradFor(Tensor t, float beta) {
        return beta == 0f ? t.gradStorageToOverwrite() : t.gradStorage();
    }

    // =====================================================================================
    // matmul:  C(m, n) = A(m, k) · B(k, n)
    //   dA += dC · Bᵀ     dB += Aᵀ · dC
    // A may have leading batch dims; they are flattened into m.
    // =====================================================================================
    public static Tensor matmul(Tensor a, Tensor b) {
        if (b.rank() != 2 || a.rank() < 1) {
            throw new IllegalArgumentException("matmul expects A(..., k) · B(k, n), got A" + Shape.str(a.shape())
                    + " and B" + Shape.str(b.shape()));
        }
        int k = a.dim(-1), n = b.dim(1), m = a.size() / Math.max(k, 1);
        if (b.dim(0) != k) {
            throw new IllegalArgumentException("matmul: A" + Shape.str(a.shape()) + " · B" + Shape.str(b.shape())
                    + ": inner dimensions differ (" + k + " vs " + b.dim(0) + ")");
        }
        int[] outShape = a.shape();
        outShape[outShape.length - 1] = n;
        Tensor c = Tensor.zeros(outShape);
        blas().sgemm(false, false, m, n, k, 1f, a.data(), a.offset(), k, b.data(), b.offset(), n,
                0f, c.data(), 0, n);
        FlopCounter.add(2L * m * n * k);
        return record(c, "matmul", out -> {
            float[] dC = out.gradStorage();
            if (a.requiresGrad()) {   // dA(m,k) += dC(m,n) · B(k,n)ᵀ
                float beta = betaFor(a);
                blas().sgemm(false, true, m, k, n, 1f, dC, out.gradOffset(), n, b.data(), b.offset(), n,
                        beta, gradFor(a, beta), a.gradOffset(), k);
                FlopCounter.add(2L * m * n * k);
            }
            if (b.requiresGrad()) {   // dB(k,n) += A(m,k)ᵀ · dC(m,n)
                float beta = betaFor(b);
                blas().sgemm(true, false, k, n, m, 1f, a.data(), a.offset(), k, dC, out.gradOffset(), n,
                        beta, gradFor(b, beta), b.gradOffset(), n);
                FlopCounter.add(2L * m * n * k);
            }
        }, a, b);
    }

    // =====================================================================================
    // linear:  Y(m, out) = X(m, in) · W(out, in)ᵀ + b(out)          (PyTorch's nn.Linear layout)
    //   dX += dY · W      dW += dYᵀ · X      db += Σ_rows dY
    // =====================================================================================
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (w.rank() != 2) throw new IllegalArgumentException("linear: weight must be (out, in), got " + Shape.str(w.shape()));
        int out = w.dim(0), in = w.dim(1);
        if (x.rank() < 1 || x.dim(-1) != in) {
            throw new IllegalArgumentException("Linear(in=" + in + ", out=" + out + ") got input shape "
                    + Shape.str(x.shape()) + "; the last dimension must be " + in);
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw new IllegalArgumentException("linear: bias must be (" + out + "), got " + Shape.str(bias.shape()));
        }
        int m = x.size() / in;
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = Tensor.zeros(outShape);
        float[] yd = y.data();
        if (bias != null) {   // start from the bias and accumulate the product on top (beta = 1)
            for (int r = 0; r < m; r++) System.arraycopy(bias.data(), bias.offset(), yd, r * out, out);
        }
        blas().sgemm(false, true, m, out, in, 1f, x.data(), x.offset(), in, w.data(), w.offset(), in,
                bias != null ? 1f : 0f, yd, 0, out);
        FlopCounter.add(2L * m * out * in + (bias != null ? (long) m * out : 0));
        Tensor[] inputs = bias != null ? new Tensor[] {x, w, bias} : new Tensor[] {x, w};
        return record(y, "linear", o -> {
            float[] dY = o.gradStorage();
            int dYo = o.gradOffset();
            if (x.requiresGrad()) {   // dX(m,in) += dY(m,out) · W(out,in)
                float beta = betaFor(x);
                blas().sgemm(false, false, m, in, out, 1f, dY, dYo, out, w.data(), w.offset(), in,
                        beta, gradFor(x, beta), x.gradOffset(), in);
                FlopCounter.add(2L * m * out * in);
            }
            if (w.requiresGrad()) {   // dW(out,in) += dY(m,out)ᵀ · X(m,in)   (an outer product at m = 1)
                float beta = betaFor(w);
                blas().sgemm(true, false, out, in, m, 1f, dY, dYo, out, x.data(), x.offset(), in,
                        beta, gradFor(w, beta), w.gradOffset(), in);
                FlopCounter.add(2L * m * out * in);
            }
            if (bias != null && bias.requiresGrad()) {   // db(out) += Σ_r dY(r, :)
                boolean first = !bias.hasGrad() && m > 0;   // then the first row is copied, not added to zeros
                float[] db = first ? bias.gradStorageToOverwrite() : bias.gradStorage();
                int dbo = bias.gradOffset();
                if (first) System.arraycopy(dY, dYo, db, dbo, out);
                for (int r = first ? 1 : 0; r < m; r++) VectorOps.addInto(dY, dYo + r * out, db, dbo, out);
                FlopCounter.add((long) m * out);
            }
        }, inputs);
    }

    // =====================================================================================
    // Broadcasting binary ops: add, sub, mul.   out = a ⊕ b with NumPy/PyTorch broadcasting
    //   add: da += reduce(dOut)        db += reduce(dOut)
    //   sub: da += reduce(dOut)        db -= reduce(dOut)
    //   mul: da += reduce(dOut · b)    db += reduce(dOut · a)
    // where reduce sums over the dimensions that were broadcast.
    // =====================================================================================
    private enum BinOp { ADD, SUB, MUL }

    public static Tensor add(Tensor a, Tensor b) { return binary(a, b, BinOp.ADD); }
    public static Tensor sub(Tensor a, Tensor b) { return binary(a, b, BinOp.SUB); }
    public static Tensor mul(Tensor a, Tensor b) { return binary(a, b, BinOp.MUL); }

    /**
     * add/sub/mul of two tensors of one shape (a residual connection): a vector at a time, and the
     * first gradient contribution since zeroGrad is written rather than added to zeros.
     */
    private static Tensor sameShape(Tensor a, Tensor b, BinOp op) {
        Tensor out = Tensor.zeros(a.shape());
        int n = out.size(), code = op.ordinal();
        float[] ad = a.data(), bd = b.data();
        int ao = a.offset(), bo = b.offset();
        VectorOps.elementwise(code, ad, ao, bd, bo, out.data(), 0, n);
        FlopCounter.add(n);
        return record(out, op.name().toLowerCase(), o -> {
            float[] g = o.gradStorage();
            int go = o.gradOffset();
            if (a.requiresGrad()) {
                boolean first = !a.hasGrad();
                float[] ga = first ? a.gradStorageToOverwrite() : a.gradStorage();
                if (op == BinOp.MUL) VectorOps.mulInto(g, go, bd, bo, ga, a.gradOffset(), n, first);
                else if (first) System.arraycopy(g, go, ga, a.gradOffset(), n);
                else VectorOps.addInto(g, go, ga, a.gradOffset(), n);
            }
            if (b.requiresGrad()) {
                boolean first = !b.hasGrad();
                float[] gb = first ? b.gradStorageToOverwrite() : b.gradStorage();
                switch (op) {
                    case MUL -> VectorOps.mulInto(g, go, ad, ao, gb, b.gradOffset(), n, first);
                    case ADD -> {
                        if (first) System.arraycopy(g, go, gb, b.gradOffset(), n);
                        else VectorOps.addInto(g, go, gb, b.gradOffset(), n);
                    }
                    case SUB -> {
                        if (first) VectorOps.scaleInto(g, go, -1f, gb, b.gradOffset(), n);
                        else VectorOps.addScaledInto(g, go, -1f, gb, b.gradOffset(), n);
                    }
                }
            }
            FlopCounter.add(2L * n);
        }, a, b);
    }

    /** Multiplies every element by a constant. */
    public static Tensor scale(Tensor a, float s) {
        Tensor out = Tensor.zeros(a.shape());
        float[] ad = a.data(), od = out.data();
        int ao = a.offset(), n = a.size();
        for (int i = 0; i < n; i++) od[i] = ad[ao + i] * s;
        FlopCounter.add(n);
        return record(out, "scale", o -> {
            float[] g = o.gradStorage(), ga = a.gradStorage();
            int go = o.gradOffset(), gao = a.gradOffset();
            for (int i = 0; i < n; i++) ga[gao + i] += g[go + i] * s;
        }, a);
    }

    private static Tensor binary(Tensor a, Tensor b, BinOp op) {
        if (java.util.Arrays.equals(a.shape(), b.shape())) return sameShape(a, b, op);
        int[] outShape = Shape.broadcast(a.shape(), b.shape());
        Tensor out = Tensor.zeros(outShape);
        int n = out.size();
        // For every output element, the flat index it reads in a and in b.
        int[] ia = BroadcastIndex.of(a.shape(), outShape), ib = BroadcastIndex.of(b.shape(), outShape);
        float[] ad = a.data(), bd = b.data(), od = out.data();
        int ao = a.offset(), bo = b.offset();
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) od[i] = ad[ao + at(ia, i)] + bd[bo + at(ib, i)]; }
            case SUB -> { for (int i = 0; i < n; i++) od[i] = ad[ao + at(ia, i)] - bd[bo + at(ib, i)]; }
            case MUL -> { for (int i = 0; i < n; i++) od[i] = ad[ao + at(ia, i)] * bd[bo + at(ib, i)]; }
        }
        FlopCounter.add(n);
        return record(out, op.name().toLowerCase(), o -> {
            float[] g = o.gradStorage();
            int go = o.gradOffset();
            if (a.requiresGrad()) {
                float[] ga = a.gradStorage();
                int gao = a.gradOffset();
                for (int i = 0; i < n; i++) {
                    float d = op == BinOp.MUL ? g[go + i] * bd[bo + at(ib, i)] : g[go + i];
                    ga[gao + at(ia, i)] += d;
                }
            }
            if (b.requiresGrad()) {
                float[] gb = b.gradStorage();
                int gbo = b.gradOffset();
                for (int i = 0; i < n; i++) {
                    float d = switch (op) {
                        case ADD -> g[go + i];
                        case SUB -> -g[go + i];
                        case MUL -> g[go + i] * ad[ao + at(ia, i)];
                    };
                    gb[gbo + at(ib, i)] += d;
                }
            }
            FlopCounter.add(2L * n);
        }, a, b);
    }

    /** Index map lookup; a null map means "same shape as the output" (identity). */
    private static int at(int[] map, int i) {
        return map == null ? i : map[i];
    }

    // =====================================================================================
    // Elementwise activations.  y = f(x),  dx += dy · f'(x)
    // =====================================================================================

    /** relu(x) = max(x, 0);  relu'(x) = [x > 0]. */
    public static Tensor relu(Tensor x) {
        Tensor y = Tensor.zeros(x.shape());
        int n = x.size();
        VectorOps.relu(x.data(), x.offset(), y.data(), 0, n);
        FlopCounter.add(n);
        return record(y, "relu", o -> {
            boolean first = !x.hasGrad();   // dx = dy·[x > 0] then, without zero-filling dx first
            float[] dy = o.gradStorage();
            if (first) {
                VectorOps.reluBackward(x.data(), x.offset(), dy, o.gradOffset(),
                        x.gradStorageToOverwrite(), x.gradOffset(), n);
            } else {
                VectorOps.reluBackwardInto(x.data(), x.offset(), dy, o.gradOffset(),
                        x.gradStorage(), x.gradOffset(), n);
            }
            FlopCounter.add(n);
        }, x);
    }

    /** tanh(x);  tanh'(x) = 1 − tanh²(x). */
    public static Tensor tanh(Tensor x) {
        return unary(x, "tanh", v -> (float) Math.tanh(v), (v, y) -> 1f - y * y);
    }

    /** σ(x) = 1 / (1 + e^−x);  σ'(x) = σ(x)(1 − σ(x)). */
    public static Tensor sigmoid(Tensor x) {
        return unary(x, "sigmoid", Ops::sigmoid, (v, y) -> y * (1f - y));
    }

    /**
     * GELU, exact form as PyTorch's default: gelu(x) = x·Φ(x) with Φ the standard normal CDF;
     * gelu'(x) = Φ(x) + x·φ(x).
     */
    public static Tensor gelu(Tensor x) {
        return unary(x, "gelu", v -> (float) (v * normalCdf(v)),
                (v, y) -> (float) (normalCdf(v) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI)));
    }

    static float sigmoid(float v) {
        return v >= 0 ? (float) (1.0 / (1.0 + Math.exp(-v))) : (float) (Math.exp(v) / (1.0 + Math.exp(v)));
    }

    /** Φ(x) = ½(1 + erf(x/√2)). */
    static double normalCdf(double x) {
        return 0.5 * (1.0 + Erf.erf(x / Math.sqrt(2.0)));
    }

    private interface F { float apply(float x); }
    private interface DF { float apply(float x, float y); }

    private static Tensor unary(Tensor x, String name, F f, DF df) {
        Tensor y = Tensor.zeros(x.shape());
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset(), n = x.size();
        for (int i = 0; i < n; i++) yd[i] = f.apply(xd[xo + i]);
        FlopCounter.add(n);
        return record(y, name, o -> {
            float[] g = o.gradStorage(), gx = x.gradStorage();
            int go = o.gradOffset(), gxo = x.gradOffset();
            for (int i = 0; i < n; i++) gx[gxo + i] += g[go + i] * df.apply(xd[xo + i], yd[i]);
            FlopCounter.add(2L * n);
        }, x);
    }

    // =====================================================================================
    // softmax over the last dimension:  s_j = e^{x_j − max} / Σ_k e^{x_k − max}
    //   dx_j += s_j (dy_j − Σ_k dy_k s_k)
    // log_softmax:  l_j = x_j − max − log Σ_k e^{x_k − max}
    //   dx_j += dy_j − e^{l_j} Σ_k dy_k
    // =====================================================================================
    public static Tensor softmax(Tensor x) {
        int c = x.dim(-1), rows = x.size() / Math.max(c, 1);
        Tensor s = Tensor.zeros(x.shape());
        float[] xd = x.data(), sd = s.data();
        int xo = x.offset();
        for (int r = 0; r < rows; r++) softmaxRow(xd, xo + r * c, sd, r * c, c);
        FlopCounter.add(3L * x.size());
        return record(s, "softmax", o -> {
            float[] g = o.gradStorage(), gx = x.gradStorage();
            int go = o.gradOffset(), gxo = x.gradOffset();
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int j = 0; j < c; j++) dot += g[go + r * c + j] * sd[r * c + j];
                for (int j = 0; j < c; j++) {
                    gx[gxo + r * c + j] += (float) (sd[r * c + j] * (g[go + r * c + j] - dot));
                }
            }
            FlopCounter.add(4L * x.size());
        }, x);
    }

    public static Tensor logSoftmax(Tensor x) {
        int c = x.dim(-1), rows = x.size() / Math.max(c, 1);
        Tensor l = Tensor.zeros(x.shape());
        float[] xd = x.data(), ld = l.data();
        int xo = x.offset();
        for (int r = 0; r < rows; r++) logSoftmaxRow(xd, xo + r * c, ld, r * c, c);
        FlopCounter.add(3L * x.size());
        return record(l, "log_softmax", o -> {
            float[] g = o.gradStorage(), gx = x.gradStorage();
            int go = o.gradOffset(), gxo = x.gradOffset();
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = 0; j < c; j++) sum += g[go + r * c + j];
                for (int j = 0; j < c; j++) {
                    gx[gxo + r * c + j] += (float) (g[go + r * c + j] - Math.exp(ld[r * c + j]) * sum);
                }
            }
            FlopCounter.add(4L * x.size());
        }, x);
    }

    static void softmaxRow(float[] x, int xo, float[] out, int oo, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, x[xo + j]);
        double sum = 0;
        for (int j = 0; j < c; j++) {
            float e = (float) Math.exp(x[xo + j] - max);
            out[oo + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < c; j++) out[oo + j] *= inv;
    }

    static void logSoftmaxRow(float[] x, int xo, float[] out, int oo, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, x[xo + j]);
        double sum = 0;
        for (int j = 0; j < c; j++) sum += Math.exp(x[xo + j] - max);
        float logZ = (float) (max + Math.log(sum));
        for (int j = 0; j < c; j++) out[oo + j] = x[xo + j] - logZ;
    }

    // =====================================================================================
    // Reductions.  sum: dx += dy (broadcast back);  mean: dx += dy / n
    // =====================================================================================

    /** Sum of all elements, shape []. */
    public static Tensor sum(Tensor x) {
        return reduceAll(x, false);
    }

    /** Mean of all elements, shape []. */
    public static Tensor mean(Tensor x) {
        return reduceAll(x, true);
    }

    private static Tensor reduceAll(Tensor x, boolean mean) {
        int n = x.size();
        float[] xd = x.data();
        int xo = x.offset();
        double s = 0;
        for (int i = 0; i < n; i++) s += xd[xo + i];
        float scale = mean ? 1f / n : 1f;
        Tensor y = Tensor.scalar((float) (s * scale));
        FlopCounter.add(n);
        return record(y, mean ? "mean" : "sum", o -> {
            float g = o.gradStorage()[o.gradOffset()] * scale;
            float[] gx = x.gradStorage();
            int gxo = x.gradOffset();
            for (int i = 0; i < n; i++) gx[gxo + i] += g;
            FlopCounter.add(n);
        }, x);
    }

    /** Sum over dimension {@code dim}, which is removed from the shape (keepdim=false). */
    public static Tensor sum(Tensor x, int dim) {
        return reduceDim(x, dim, false);
    }

    /** Mean over dimension {@code dim}, which is removed from the shape. */
    public static Tensor mean(Tensor x, int dim) {
        return reduceDim(x, dim, true);
    }

    private static Tensor reduceDim(Tensor x, int dim, boolean mean) {
        int[] s = x.shape();
        int d = dim < 0 ? s.length + dim : dim;
        if (d < 0 || d >= s.length) {
            throw new IllegalArgumentException("dimension " + dim + " out of range for shape " + Shape.str(s));
        }
        // view x as (outer, len, inner) and reduce the middle
        int outer = 1, inner = 1, len = s[d];
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        int[] outShape = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != d) outShape[j++] = s[i];
        Tensor y = Tensor.zeros(outShape);
        float[] xd = x.data(), yd = y.data();
        int xo = x.offset();
        float scale = mean ? 1f / len : 1f;
        for (int o = 0; o < outer; o++) {
            for (int l = 0; l < len; l++) {
                int base = xo + (o * len + l) * inner;
                for (int i = 0; i < inner; i++) yd[o * inner + i] += xd[base + i];
            }
        }
        if (mean) for (int i = 0; i < yd.length; i++) yd[i] *= scale;
        final int fo = outer, fi = inner;
        FlopCounter.add(x.size());
        return record(y, mean ? "mean_dim" : "sum_dim", out -> {
            float[] g = out.gradStorage(), gx = x.gradStorage();
            int go = out.gradOffset(), gxo = x.gradOffset();
            for (int o = 0; o < fo; o++) {
                for (int l = 0; l < len; l++) {
                    int base = gxo + (o * len + l) * fi;
                    for (int i = 0; i < fi; i++) gx[base + i] += g[go + o * fi + i] * scale;
                }
            }
            FlopCounter.add(x.size());
        }, x);
    }

    // =====================================================================================
    // Shape ops.  reshape is a view of the same storage; transpose copies.
    // =====================================================================================

    /** Same elements in a new shape; one dimension may be -1 (inferred). */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] s = shape.clone();
        int known = 1, infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension may be -1, got " + Shape.str(shape));
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view " + Shape.str(x.shape()) + " as " + Shape.str(shape));
            }
            s[infer] = x.size() / known;
        }
        if (Shape.size(s) != x.size()) {
            throw new IllegalArgumentException("reshape: " + Shape.str(x.shape()) + " has " + x.size()
                    + " elements, " + Shape.str(s) + " needs " + Shape.size(s));
        }
        Tensor y = Tensor.view(x.data(), x.offset(), s);
        int n = x.size();
        return record(y, "reshape", o -> {
            float[] g = o.gradStorage();
            if (!x.hasGrad()) System.arraycopy(g, o.gradOffset(), x.gradStorageToOverwrite(), x.gradOffset(), n);
            else VectorOps.addInto(g, o.gradOffset(), x.gradStorage(), x.gradOffset(), n);
        }, x);
    }

    /** Swaps the last two dimensions (a matrix transpose for each leading index). */
    public static Tensor transpose(Tensor x) {
        if (x.rank() < 2) throw new IllegalArgumentException("transpose needs at least 2 dimensions, got " + Shape.str(x.shape()));
        int r = x.dim(-2), c = x.dim(-1), batch = x.size() / Math.max(r * c, 1);
        int[] outShape = x.shape();
        outShape[outShape.length - 2] = c;
        outShape[outShape.length - 1] = r;
        Tensor y = Tensor.zeros(outShape);
        transposeInto(x.data(), x.offset(), y.data(), 0, batch, r, c, false);
        return record(y, "transpose", o -> transposeInto(o.gradStorage(), o.gradOffset(),
                x.gradStorage(), x.gradOffset(), batch, c, r, true), x);
    }

    /** dst(batch, c, r) (=|+=) src(batch, r, c)ᵀ */
    private static void transposeInto(float[] src, int so, float[] dst, int dO, int batch, int r, int c, boolean accumulate) {
        for (int b = 0; b < batch; b++) {
            int sb = so + b * r * c, db = dO + b * r * c;
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    if (accumulate) dst[db + j * r + i] += src[sb + i * c + j];
                    else dst[db + j * r + i] = src[sb + i * c + j];
                }
            }
        }
    }
}
