package dev.greenml.nn;

import dev.greenml.autograd.Autograd;
import dev.greenml.compress.Int8Quantization;
import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.Int8Gemm;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/**
 * A {@link Linear} whose weight is stored as int8 with one scale per output channel
 * (see {@link Int8Quantization}): y = x · (diag(scale) · Wq)ᵀ + b, computed by {@link Int8Gemm}.
 * Inference only: it has no gradient, and calling it with grad mode on is refused, so that a
 * quantized model is never trained by mistake.
 *
 * <p>Only the float bias is a parameter (in {@link #namedParameters()}); the int8 weight and its
 * scales are reached through {@link #weights()}, and model files store them as
 * {@code <name>.weight} (I8, (out, in)) and {@code <name>.weight_scale} (F32, (out)).
 */
public final class QuantizedLinear extends Module implements QuantizedLayer {

    public final int in, out;
    /** Parameter-name prefix in model files, e.g. "0." for weights "0.weight" and "0.weight_scale". */
    public final String name;
    private final Int8Quantization.Quantized weights;   // q (out, in), scales (out)
    public final Tensor bias;                           // (out) or null

    public QuantizedLinear(String name, Int8Quantization.Quantized weights, Tensor bias) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weights.rows())) {
            throw new IllegalArgumentException("QuantizedLinear: bias must be (" + weights.rows() + "), got " + Shape.str(bias.shape()));
        }
        this.name = name;
        this.in = weights.cols();
        this.out = weights.rows();
        this.weights = weights;
        this.bias = bias;
    }

    /** Quantizes a trained Linear named {@code name} ("0."); its bias is kept as float32 and shared, not copied. */
    public static QuantizedLinear of(String name, Linear linear) {
        Tensor w = linear.weight;
        return new QuantizedLinear(name, Int8Quantization.quantize(w.data(), w.offset(), linear.out, linear.in), linear.bias);
    }

    @Override public String name() { return name; }
    @Override public Int8Quantization.Quantized weights() { return weights; }
    @Override public int[] weightShape() { return new int[] {out, in}; }

    @Override public Tensor forward(Tensor x) {
        if (Autograd.gradEnabled()) {
            throw new IllegalStateException("QuantizedLinear runs in inference mode only: call the model inside"
                    + " try (var s = Autograd.noGrad()) { ... } (quantized models cannot be trained; fine-tune the float model)");
        }
        if (x.rank() < 1 || x.dim(-1) != in) {
            throw new IllegalArgumentException("QuantizedLinear(in=" + in + ", out=" + out + ") got input shape "
                    + Shape.str(x.shape()) + "; the last dimension must be " + in);
        }
        int m = x.size() / in;
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        Tensor y = Tensor.zeros(shape);
        Int8Gemm.linear(m, in, out, x.data(), x.offset(), weights.q(), weights.scales(),
                bias == null ? null : bias.data(), bias == null ? 0 : bias.offset(), y.data(), 0, Backends.current().threads());
        FlopCounter.add(2L * m * out * in + (bias != null ? (long) m * out : 0));
        return y;
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        if (bias != null) out.put(prefix + "bias", bias);
    }

    @Override public String toString() {
        return "QuantizedLinear(in=" + in + ", out=" + out + ", int8 per-channel" + (bias == null ? ", bias=false" : "") + ")";
    }
}
