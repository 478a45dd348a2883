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
        step(team, (from, to) -> {});
    }

    /** Work on elements [from, to) of the flat parameter buffer. */
    @FunctionalInterface
    public interface RangeAction {
        void run(int from, int to);
    }

    /**
     * {@link #step(dev.greenml.parallel.Team)}, with {@code before} run by each thread on its own
     * element range (part i of {@link dev.greenml.parallel.Team#partStart}) just before that range is
     * updated: data-parallel training sums the replicas' gradients there, so each range is summed
     * and updated by one thread while it is in that thread's cache, with one hand-off instead of two.
     * Optimizers without a split version run all of {@code before} first, then {@link #step()}.
     */
    public void step(dev.greenml.parallel.Team team, RangeAction before) {
        int total = params.totalSize(), parts = team.size();
        team.run(i -> before.run(dev.greenml.parallel.Team.partStart(total, parts, i), dev.greenml.parallel.Team.partStart(total, parts, i + 1)));
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
