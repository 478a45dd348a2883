package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.tensor.FloatPool;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;

/**
 * Layer normalisation over the last dimension (Ba, Kiros &amp; Hinton, 2016), fused into one op so
 * that the backward reuses the per-row mean and 1/σ saved by the forward.
 */
public final class LayerNormOps {

    private LayerNormOps() {}

    // =====================================================================================
    // layerNorm over rows of length C:
    //   μ = (1/C) Σ x_j     r = 1/√((1/C) Σ (x_j − μ)² + ε)     x̂_j = (x_j − μ)·r
    //   y_j = γ_j·x̂_j + β_j
    // backward, with g_j = dy_j·γ_j:
    //   dx_j += r·(g_j − mean(g) − x̂_j·mean(g ⊙ x̂))
    //   dγ_j += Σ_rows dy_j·x̂_j        dβ_j += Σ_rows dy_j
    // =====================================================================================
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int c = x.dim(-1);
        if (gamma.rank() != 1 || gamma.dim(0) != c || beta.rank() != 1 || beta.dim(0) != c) {
            throw new IllegalArgumentException("layerNorm over the last dimension of " + Shape.str(x.shape())
                    + " needs weight and bias of shape (" + c + "), got " + Shape.str(gamma.shape())
                    + " and " + Shape.str(beta.shape()));
        }
        int rows = x.size() / c;
        Tensor y = Tensor.zeros(x.shape());
        // saved for backward, every element written below (recycled arrays will do)
        float[] xhat = FloatPool.acquire(x.size());   // (rows, C) normalised input
        float[] rstd = FloatPool.acquire(rows);       // (rows) 1/σ per row
        float[] xd = x.data(), yd = y.data(), g = gamma.data(), b = beta.data();
        int xo = x.offset(), go = gamma.offset(), bo = beta.offset();
        for (int r = 0; r < rows; r++) {
            int base = xo + r * c;
            double mean = 0;
            for (int j = 0; j < c; j++) mean += xd[base + j];
            mean /= c;
            double var = 0;
            for (int j = 0; j < c; j++) {
                double d = xd[base + j] - mean;
                var += d * d;
            }
            float rs = (float) (1.0 / Math.sqrt(var / c + eps));
            rstd[r] = rs;
            float m = (float) mean;
            for (int j = 0; j < c; j++) {
                float h = (xd[base + j] - m) * rs;
                xhat[r * c + j] = h;
                yd[r * c + j] = h * g[go + j] + b[bo + j];
            }
        }
        FlopCounter.add(8L * x.size());
        return record(y, "layer_norm", o -> {
            float[] dy = o.gradStorage();
            int dyo = o.gradOffset();
            float[] dg = gamma.requiresGrad() ? gamma.gradStorage() : null;
            float[] db = beta.requiresGrad() ? beta.gradStorage() : null;
            float[] dx = x.requiresGrad() ? x.gradStorage() : null;
            int dgo = gamma.gradOffset(), dbo = beta.gradOffset(), dxo = x.gradOffset();
            for (int r = 0; r < rows; r++) {
                int rb = r * c;
                double meanG = 0, meanGx = 0;
                for (int j = 0; j < c; j++) {
                    float d = dy[dyo + rb + j];
                    float gj = d * g[go + j];
                    meanG += gj;
                    meanGx += gj * xhat[rb + j];
                    if (dg != null) dg[dgo + j] += d * xhat[rb + j];
                    if (db != null) db[dbo + j] += d;
                }
                if (dx == null) continue;
                float mg = (float) (meanG / c), mgx = (float) (meanGx / c), rs = rstd[r];
                for (int j = 0; j < c; j++) {
                    float gj = dy[dyo + rb + j] * g[go + j];
                    dx[dxo + rb + j] += rs * (gj - mg - xhat[rb + j] * mgx);
                }
            }
            FlopCounter.add(12L * x.size());
            // the graph runs a node's backward once and then frees it: the saved rows are dead
            FloatPool.release(xhat);
            FloatPool.release(rstd);
        }, x, gamma, beta);
    }

    /** One row, no autograd (the incremental-decoding path): y = γ·(x − μ)/σ + β over c values. */
    public static void layerNormRow(float[] x, int xo, float[] g, int go, float[] b, int bo,
                                    float[] y, int yo, int c, float eps) {
        double mean = 0;
        for (int j = 0; j < c; j++) mean += x[xo + j];
        mean /= c;
        double var = 0;
        for (int j = 0; j < c; j++) {
            double d = x[xo + j] - mean;
            var += d * d;
        }
        float rs = (float) (1.0 / Math.sqrt(var / c + eps)), m = (float) mean;
        for (int j = 0; j < c; j++) y[yo + j] = (x[xo + j] - m) * rs * g[go + j] + b[bo + j];
    }
}
