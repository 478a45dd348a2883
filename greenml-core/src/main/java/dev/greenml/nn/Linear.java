package dev.greenml.nn;

import dev.greenml.autograd.Ops;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/** y = x·Wᵀ + b, with W (out, in) and b (out) as in PyTorch's nn.Linear. */
public final class Linear extends Module {

    public final int in, out;
    public final Tensor weight;   // (out, in)
    public final Tensor bias;     // (out) or null

    /**
     * Initialised as PyTorch's default: W ~ U(±1/√in) (Kaiming-uniform with a = √5, which
     * reduces to that bound) and b ~ U(±1/√in).
     */
    public Linear(int in, int out, boolean withBias, Rng rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear(in=" + in + ", out=" + out + "): sizes must be positive");
        this.in = in;
        this.out = out;
        float bound = (float) (1.0 / Math.sqrt(in));
        this.weight = Tensor.zeros(out, in).requiresGrad(true);
        rng.fillUniform(weight, -bound, bound);
        if (withBias) {
            this.bias = Tensor.zeros(out).requiresGrad(true);
            rng.fillUniform(bias, -bound, bound);
        } else {
            this.bias = null;
        }
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    @Override public Tensor forward(Tensor x) {
        return Ops.linear(x, weight, bias);
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        out.put(prefix + "weight", weight);
        if (bias != null) out.put(prefix + "bias", bias);
    }

    @Override public String toString() {
        return "Linear(in=" + in + ", out=" + out + (bias == null ? ", bias=false" : "") + ")";
    }
}
