package dev.greenml.nn;

import dev.greenml.autograd.NormOps;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/**
 * Batch normalization per channel of NCHW input, as PyTorch's nn.BatchNorm2d (ε = 1e-5,
 * momentum 0.1): training normalizes with the batch's statistics and updates the running ones;
 * eval uses the running statistics. Parameters "weight" (γ, init 1) and "bias" (β, init 0);
 * buffers "running_mean" (init 0) and "running_var" (init 1), saved in the model file.
 */
public final class BatchNorm2d extends Module {

    public static final float EPS = 1e-5f, MOMENTUM = 0.1f;

    public final int channels;
    public final Tensor weight;        // (C) γ
    public final Tensor bias;          // (C) β
    public final Tensor runningMean;   // (C) buffer
    public final Tensor runningVar;    // (C) buffer

    public BatchNorm2d(int channels) {
        if (channels <= 0) throw new IllegalArgumentException("BatchNorm2d(" + channels + "): channels must be positive");
        this.channels = channels;
        this.weight = Tensor.full(1f, channels).requiresGrad(true);
        this.bias = Tensor.zeros(channels).requiresGrad(true);
        this.runningMean = Tensor.zeros(channels);
        this.runningVar = Tensor.full(1f, channels);
    }

    @Override public Tensor forward(Tensor x) {
        return NormOps.batchNorm2d(x, weight, bias, runningMean, runningVar, isTraining(), MOMENTUM, EPS);
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        out.put(prefix + "weight", weight);
        out.put(prefix + "bias", bias);
    }

    @Override protected void collectBuffers(String prefix, Map<String, Tensor> out) {
        out.put(prefix + "running_mean", runningMean);
        out.put(prefix + "running_var", runningVar);
    }

    @Override public String toString() { return "BatchNorm2d(" + channels + ")"; }
}
