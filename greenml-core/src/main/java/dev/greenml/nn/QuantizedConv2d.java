package dev.greenml.nn;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.ConvOps;
import dev.greenml.compress.Int8Quantization;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/**
 * A {@link Conv2d} with int8 weights, one scale per output channel (the (OC, C·KH·KW) matrix is
 * quantized row by row). Inference only. The forward widens the weights to float32 into a
 * reused buffer and runs the float convolution: the kernels are small (4,608 weights in the
 * Fashion-MNIST CNN) against the im2col product they feed, so widening costs little, and the
 * convolution stays on the backend's GEMM.
 */
public final class QuantizedConv2d extends Module implements QuantizedLayer {

    private final String name;
    private final Int8Quantization.Quantized weights;   // q (OC, C·KH·KW), scales (OC)
    private final int[] shape;                          // (OC, C, KH, KW)
    private final int stride, padding;
    public final Tensor bias;                           // (OC) or null
    private final Tensor widened;                       // (OC, C, KH, KW) float32, refilled per call

    public QuantizedConv2d(String name, Int8Quantization.Quantized weights, int[] shape, int stride, int padding, Tensor bias) {
        if (shape.length != 4 || shape[0] != weights.rows() || shape[1] * shape[2] * shape[3] != weights.cols()) {
            throw new IllegalArgumentException("QuantizedConv2d: weight shape " + java.util.Arrays.toString(shape)
                    + " does not match " + weights.rows() + " channels of " + weights.cols() + " weights");
        }
        this.name = name;
        this.weights = weights;
        this.shape = shape.clone();
        this.stride = stride;
        this.padding = padding;
        this.bias = bias;
        this.widened = Tensor.zeros(shape);
    }

    /** Quantizes a trained Conv2d named {@code name} ("0."); the bias stays float32 and shared. */
    public static QuantizedConv2d of(String name, Conv2d conv) {
        Tensor w = conv.weight;
        var q = Int8Quantization.quantize(w.data(), w.offset(), conv.outChannels, w.size() / conv.outChannels);
        return new QuantizedConv2d(name, q, w.shape(), conv.stride, conv.padding, conv.bias);
    }

    @Override public String name() { return name; }
    @Override public Int8Quantization.Quantized weights() { return weights; }
    @Override public int[] weightShape() { return shape.clone(); }

    @Override public Tensor forward(Tensor x) {
        if (Autograd.gradEnabled()) {
            throw new IllegalStateException("QuantizedConv2d runs in inference mode only: call the model inside"
                    + " try (var s = Autograd.noGrad()) { ... } (quantized models cannot be trained; fine-tune the float model)");
        }
        synchronized (widened) {
            dev.greenml.kernels.Int8Gemm.dequantize(weights.q(), weights.scales(), 0, weights.rows(), weights.cols(), widened.data());
            return ConvOps.conv2d(x, widened, bias, stride, padding);
        }
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        if (bias != null) out.put(prefix + "bias", bias);
    }

    @Override public String toString() {
        return "QuantizedConv2d(" + shape[1] + ", " + shape[0] + ", kernel=" + shape[2] + ", stride=" + stride
                + ", padding=" + padding + ", int8 per-channel)";
    }
}
