package dev.greenml.nn;

import dev.greenml.autograd.ConvOps;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/** 2-D convolution over NCHW input, as PyTorch's nn.Conv2d (square kernel, one stride and padding). */
public final class Conv2d extends Module {

    public final int inChannels, outChannels, kernel, stride, padding;
    public final Tensor weight;   // (outChannels, inChannels, kernel, kernel)
    public final Tensor bias;     // (outChannels)

    /** Initialised as PyTorch's default: W and b ~ U(±1/√fan_in), fan_in = inChannels·kernel². */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Rng rng) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + ", " + outChannels + ", kernel=" + kernel
                    + ", stride=" + stride + ", padding=" + padding + "): sizes must be positive, padding ≥ 0");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        float bound = (float) (1.0 / Math.sqrt(inChannels * kernel * kernel));
        this.weight = Tensor.zeros(outChannels, inChannels, kernel, kernel).requiresGrad(true);
        rng.fillUniform(weight, -bound, bound);
        this.bias = Tensor.zeros(outChannels).requiresGrad(true);
        rng.fillUniform(bias, -bound, bound);
    }

    @Override public Tensor forward(Tensor x) {
        return ConvOps.conv2d(x, weight, bias, stride, padding);
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        out.put(prefix + "weight", weight);
        out.put(prefix + "bias", bias);
    }

    @Override public String toString() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ")";
    }
}
