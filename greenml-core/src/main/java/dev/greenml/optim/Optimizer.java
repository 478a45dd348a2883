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

    /**
     * {@link #step()} with its element-wise work split over {@code team}'s threads. Same result as
     * {@link #step()}; optimizers without a split version simply run {@link #step()} on the caller.
     */
    public void step(dev.greenml.parallel.Team team) {
        step();
    }

    public void zeroGrad() {
        params.zeroGrad();
    }

    public float lr() { return lr; }

    /** Changes the learning rate (for schedules). */
    public void setLr(float lr) { this.lr = lr; }

    /**
     * Optimizer state as named float arrays, for checkpoints. An array of {@code totalSize()}
     * values holds one value per parameter element (moments, momentum), aligned with
     * {@code params.data()}; an array of {@code count()} values holds one per parameter tensor
     * (step counts). The arrays are the live state, not copies.
     */
    public abstract java.util.Map<String, float[]> state();

    /**
     * Replaces the state with {@code state} (as {@link #state()} returns it, e.g. read from a
     * checkpoint). Checks every key and length before changing anything.
     *
     * @throws IllegalArgumentException naming the missing, unexpected or mis-sized entry
     */
    public void loadState(java.util.Map<String, float[]> state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore its state from a checkpoint");
    }

    /** Checks that {@code given} holds exactly the keys of {@code expected} with the same lengths. */
    protected static void checkStateShape(String optimizer, java.util.Map<String, float[]> expected,
                                          java.util.Map<String, float[]> given) {
        if (!given.keySet().equals(expected.keySet())) {
            throw new IllegalArgumentException(optimizer + " state needs entries " + new java.util.TreeSet<>(expected.keySet())
                    + ", got " + new java.util.TreeSet<>(given.keySet()) + " (was the checkpoint made with another optimizer or momentum?)");
        }
        for (var e : expected.entrySet()) {
            int n = given.get(e.getKey()).length;
            if (n != e.getValue().length) {
                throw new IllegalArgumentException(optimizer + " state '" + e.getKey() + "' needs " + e.getValue().length
                        + " values, got " + n + " (a model of another size?)");
            }
        }
    }

    /** FLOPs of one step per parameter, for the FLOP counter. */
    protected static final int ADAM_FLOPS_PER_PARAM = 12;
}
