package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
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
        float[] logp = new float[n * c];
        double total = 0;
        for (int r = 0; r < n; r++) {
            Ops.logSoftmaxRow(z, zo + r * c, logp, r * c, c);
            total -= logp[r * c + targets[r]];
        }
        Tensor loss = Tensor.scalar((float) (total / n));
        FlopCounter.add(4L * n * c);
        int[] y = targets.clone();
        return record(loss, "cross_entropy", o -> {
            float g = o.gradStorage()[o.gradOffset()] / n;
            float[] gz = logits.gradStorage();
            int gzo = logits.gradOffset();
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < c; j++) {
                    float softmax = (float) Math.exp(logp[r * c + j]);
                    gz[gzo + r * c + j] += g * (softmax - (j == y[r] ? 1f : 0f));
                }
            }
            FlopCounter.add(3L * n * c);
        }, logits);
    }
}
