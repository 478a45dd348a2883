package dev.greenml.optim;

import dev.greenml.nn.Parameters;

/**
 * Updates parameters from their gradients. As in PyTorch: gradients accumulate across backward
 * calls until {@link #zeroGrad()}, and a parameter that received no gradient since then is
 * skipped by {@link #step()} (zero_grad sets gradients to None).
 */
public abstract class Optimizer {

    protected final Parameters params;
    protected float lr;

    protected Optimizer(Parameters params, float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number ≥ 0, got " + lr);
        }
        this.params = params;
        this.lr = lr;
    }

    /** One update of every parameter that has a gradient. */
    public abstract void step();

    public void zeroGrad() {
        params.zeroGrad();
    }

    public float lr() { return lr; }

    /** Changes the learning rate (for schedules). */
    public void setLr(float lr) { this.lr = lr; }

    /** Optimizer state as named float arrays (moments, step counts), for checkpoints. */
    public abstract java.util.Map<String, float[]> state();

    /** FLOPs of one step per parameter, for the FLOP counter. */
    protected static final int ADAM_FLOPS_PER_PARAM = 12;
}
