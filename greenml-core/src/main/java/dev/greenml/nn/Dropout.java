package dev.greenml.nn;

import dev.greenml.autograd.Ops;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/**
 * Inverted dropout (Srivastava et al., 2014, as PyTorch's nn.Dropout): in training each element is
 * zeroed with probability p and the survivors scaled by 1/(1 − p), so that the expected value is
 * unchanged and eval mode is the identity. y = x ⊙ mask, so dx = dy ⊙ mask through Ops.mul.
 * The mask comes from this layer's own seeded generator, so a run is reproducible.
 */
public final class Dropout extends Module {

    public final float p;
    private final Rng rng;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout(p=" + p + "): p must be in [0, 1)");
        this.p = p;
        this.rng = new Rng(seed);
    }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) return x;
        Tensor mask = Tensor.zeros(x.shape());   // no gradient: a constant of this step
        float keep = 1f / (1f - p);
        for (int i = 0; i < mask.size(); i++) mask.set(i, rng.nextDouble() >= p ? keep : 0f);
        return Ops.mul(x, mask);
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {}

    @Override public Rng randomGenerator() { return rng; }

    @Override public String toString() { return "Dropout(p=" + p + ")"; }
}
