package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.VectorMath;
import dev.greenml.tensor.FloatPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;
import java.util.Arrays;

/** Loss functions, each fused into one op with its own backward. Both reduce by the mean. */
public final class Losses {

    private Losses() {}

    /**
     * Mean squared error over all elements: L = (1/n) Σ (p − t)²;  dp += dL · 2(p − t)/n.
     * The target gets no gradient (as with PyTorch targets that do not require grad).
     */
    public static Tensor mse(Tensor pred, Tensor target) {
        if (!Arrays.equals(pred.shape(), target.shape())) {
            throw new IllegalArgumentException("mse: prediction shape " + Shape.str(pred.shape())
                    + " differs from target shape " + Shape.str(target.shape()));
        }
        int n = pred.size();
        float[] p = pred.data(), t = target.data();
        int po = pred.offset(), to = target.offset();
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = p[po + i] - t[to + i];
            s += d * d;
        }
        Tensor loss = Tensor.scalar((float) (s / n));
        FlopCounter.add(3L * n);
        return record(loss, "mse", o -> {
            float g = o.gradStorage()[o.gradOffset()] * 2f / n;
            boolean first = !pred.hasGrad();   // dp = … (no zero-fill) for the first contribution
            float[] gp = first ? pred.gradStorageToOverwrite() : pred.gradStorage();
            int gpo = pred.gradOffset();
            if (first) {
                for (int i = 0; i < n; i++) gp[gpo + i] = g * (p[po + i] - t[to + i]);
            } else {
                for (int i = 0; i < n; i++) gp[gpo + i] += g * (p[po + i] - t[to + i]);
            }
            FlopCounter.add(3L * n);
        }, pred);
    }

    /**
     * Cross-entropy of logits (n, C) against class indices, mean over rows — log-softmax and
     * negative log-likelihood fused for stability:
     * <pre>
     *   L = (1/n) Σ_r ( logΣ_c e^{z_rc} − z_{r,y_r} )
     *   dz_rc += dL · (softmax(z_r)_c − [c = y_r]) / n
     * </pre>
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("crossEntropy expects logits (n, classes), got " + Shape.str(logits.shape()));
        }
        int n = logits.dim(0), c = logits.dim(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("crossEntropy: " + n + " rows of logits but " + targets.length + " targets");
        }
        for (int r = 0; r < n; r++) {
            if (targets[r] < 0 || targets[r] >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[r] + " at row " + r
                        + " is outside the " + c + " classes [0, " + (c - 1) + "]");
            }
        }
        float[] z = logits.data();
        int zo = logits.offset();
        // log-softmax of every row, kept for backward (recycled: the node's backward runs once)
        float[] logp = FloatPool.acquire(n * c);
        double total = 0;
        for (int r = 0; r < n; r++) {
            logSoftmaxRow(z, zo + r * c, logp, r * c, c);
            total -= logp[r * c + targets[r]];
        }
        Tensor loss = Tensor.scalar((float) (total / n));
        FlopCounter.add(4L * n * c);
        if (!Autograd.needsGrad(logits)) {
            FloatPool.release(logp);
            return loss;
        }
        int[] y = targets.clone();
        return record(loss, "cross_entropy", o -> {
            // dz = g/n · (softmax − onehot(y)); the first contribution since zeroGrad overwrites
            float g = o.gradStorage()[o.gradOffset()] / n;
            boolean first = !logits.hasGrad();
            float[] gz = first ? logits.gradStorageToOverwrite() : logits.gradStorage();
            int gzo = logits.gradOffset();
            for (int r = 0; r < n; r++) {
                softmaxTimesInto(logp, r * c, g, gz, gzo + r * c, c, first);
                gz[gzo + r * c + y[r]] -= g;
            }
            FloatPool.release(logp);
            FlopCounter.add(3L * n * c);
        }, logits);
    }

    // ---- row kernels a vector at a time (a Math.exp per element was ≈ 3 % of a GPT training step
    //      at vocabulary 512), with VectorMath's exp: the same bits cold and warm ----

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** out[oo …] = x[xo …] − log Σ e^x over a row of c values (max-shifted). */
    static void logSoftmaxRow(float[] x, int xo, float[] out, int oo, int c) {
        int bound = F.loopBound(c), j = 0;
        FloatVector maxV = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; j < bound; j += F.length()) maxV = maxV.max(FloatVector.fromArray(F, x, xo + j));
        float max = maxV.reduceLanes(VectorOperators.MAX);   // max is exact in any order
        for (; j < c; j++) max = Math.max(max, x[xo + j]);
        FloatVector sumV = FloatVector.zero(F);
        for (j = 0; j < bound; j += F.length()) {
            sumV = sumV.add(VectorMath.exp(FloatVector.fromArray(F, x, xo + j).sub(max)));
        }
        double sum = VectorMath.sumLanes(sumV);
        for (; j < c; j++) sum += VectorMath.exp(x[xo + j] - max);
        float logZ = (float) (max + Math.log(sum));
        for (j = 0; j < bound; j += F.length()) FloatVector.fromArray(F, x, xo + j).sub(logZ).intoArray(out, oo + j);
        for (; j < c; j++) out[oo + j] = x[xo + j] - logZ;
    }

    /** dst[d …] (+)= g · e^{logp[lo …]} over c values; overwrites when {@code overwrite}. */
    private static void softmaxTimesInto(float[] logp, int lo, float g, float[] dst, int d, int c, boolean overwrite) {
        int bound = F.loopBound(c), j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector v = VectorMath.exp(FloatVector.fromArray(F, logp, lo + j)).mul(g);
            (overwrite ? v : v.add(FloatVector.fromArray(F, dst, d + j))).intoArray(dst, d + j);
        }
        for (; j < c; j++) {
            float v = VectorMath.exp(logp[lo + j]) * g;
            dst[d + j] = overwrite ? v : dst[d + j] + v;
        }
    }
}
