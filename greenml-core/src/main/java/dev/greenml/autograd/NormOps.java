package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.VectorOps;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;

/**
 * Batch normalization over the channels of NCHW tensors (Ioffe and Szegedy, 2015), as PyTorch's
 * nn.BatchNorm2d. Per channel c, over its M = N·H·W values:
 * <pre>
 *   training:  μ = mean(x),  σ² = mean((x − μ)²)          (biased, used to normalize)
 *              running_mean ← (1 − m)·running_mean + m·μ
 *              running_var  ← (1 − m)·running_var  + m·σ²·M/(M − 1)   (unbiased, as PyTorch)
 *   eval:      μ = running_mean,  σ² = running_var
 *   x̂ = (x − μ)/√(σ² + ε),   y = γ·x̂ + β
 *
 *   dγ += Σ dy·x̂        dβ += Σ dy
 *   training:  dx += γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂))   (μ and σ² depend on x)
 *   eval:      dx += γ/√(σ² + ε) · dy                               (they are constants)
 * </pre>
 */
public final class NormOps {

    private NormOps() {}

    /**
     * x (N, C, H, W); gamma, beta, runningMean, runningVar (C). In training the running
     * statistics are updated in place; they never receive gradients.
     */
    public static Tensor batchNorm2d(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps) {
        if (x.rank() != 4) throw new IllegalArgumentException("BatchNorm2d expects (N, C, H, W), got " + Shape.str(x.shape()));
        int n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3), m = n * hw;
        for (Tensor t : new Tensor[] {gamma, beta, runningMean, runningVar}) {
            if (t.rank() != 1 || t.dim(0) != c) {
                throw new IllegalArgumentException("BatchNorm2d(" + t.size() + ") got input " + Shape.str(x.shape())
                        + " with " + c + " channels");
            }
        }
        if (training && m < 2) {
            throw new IllegalArgumentException("BatchNorm2d in training needs more than one value per channel, got input "
                    + Shape.str(x.shape()) + " (use a batch larger than 1, or eval mode)");
        }
        float[] xd = x.data();
        int xo = x.offset();
        float[] invStd = new float[c];   // (C) 1/√(σ² + ε)
        float[] xhat = new float[x.size()];
        Tensor y = Tensor.zeros(x.shape());
        float[] yd = y.data();
        for (int ch = 0; ch < c; ch++) {
            double mean, var;
            if (training) {
                // per image a vector at a time (float lanes over one H×W plane), images summed in double
                double s = 0;
                for (int i = 0; i < n; i++) s += VectorOps.sum(xd, xo + (i * c + ch) * hw, hw);
                mean = s / m;
                double q = 0;
                for (int i = 0; i < n; i++) q += VectorOps.sumSquaredDeviations(xd, xo + (i * c + ch) * hw, hw, (float) mean);
                var = q / m;
                runningMean.set(ch, (float) ((1 - momentum) * runningMean.get(ch) + momentum * mean));
                runningVar.set(ch, (float) ((1 - momentum) * runningVar.get(ch) + momentum * var * m / (m - 1)));
            } else {
                mean = runningMean.get(ch);
                var = runningVar.get(ch);
            }
            float is = (float) (1.0 / Math.sqrt(var + eps)), mu = (float) mean;
            invStd[ch] = is;
            float gm = gamma.get(ch), bt = beta.get(ch);
            for (int i = 0; i < n; i++) {
                int b = (i * c + ch) * hw;
                for (int p = 0; p < hw; p++) {
                    float h = (xd[xo + b + p] - mu) * is;
                    xhat[b + p] = h;
                    yd[b + p] = gm * h + bt;
                }
            }
        }
        FlopCounter.add((training ? 7L : 4L) * x.size());
        return record(y, "batch_norm2d", out -> {
            float[] g = out.gradStorage();
            int go = out.gradOffset();
            // every element of dx is written once below: the first contribution overwrites
            boolean firstDx = x.requiresGrad() && !x.hasGrad();
            float[] gx = !x.requiresGrad() ? null : firstDx ? x.gradStorageToOverwrite() : x.gradStorage();
            int gxo = x.gradOffset();
            for (int ch = 0; ch < c; ch++) {
                double sumDy = 0, sumDyXhat = 0;
                for (int i = 0; i < n; i++) {
                    int b = (i * c + ch) * hw;
                    sumDy += VectorOps.sum(g, go + b, hw);
                    sumDyXhat += VectorOps.dot(g, go + b, xhat, b, hw);
                }
                if (gamma.requiresGrad()) gamma.gradStorage()[gamma.gradOffset() + ch] += (float) sumDyXhat;
                if (beta.requiresGrad()) beta.gradStorage()[beta.gradOffset() + ch] += (float) sumDy;
                if (gx == null) continue;
                float k = gamma.get(ch) * invStd[ch];
                float meanDy = training ? (float) (sumDy / m) : 0f, meanDyXhat = training ? (float) (sumDyXhat / m) : 0f;
                for (int i = 0; i < n; i++) {
                    int b = (i * c + ch) * hw;
                    VectorOps.batchNormBackwardInto(g, go + b, xhat, b, k, meanDy, meanDyXhat, gx, gxo + b, hw, firstDx);
                }
            }
            FlopCounter.add(8L * x.size());
        }, x, gamma, beta);
    }
}
