package dev.greenml.train;

/**
 * Stops training when the validation loss has not improved for {@code patience} epochs in a
 * row, and remembers the best epoch. An improvement is any strictly lower loss (NaN never
 * improves). Its state is three numbers, carried by checkpoints so that a resumed run stops
 * where the uninterrupted one would.
 */
public final class EarlyStopping {

    private final int patience;      // 0: never stop (the best epoch is still tracked)
    private int bestEpoch;           // 0: none yet
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int epochsWithoutImprovement;

    public EarlyStopping(int patience) {
        if (patience < 0) throw new IllegalArgumentException("--early-stopping must be ≥ 0 epochs (0: off), got " + patience);
        this.patience = patience;
    }

    /** Records epoch {@code epoch}'s validation loss; true when it is the best so far. */
    public boolean record(int epoch, double validationLoss) {
        if (validationLoss < bestLoss) {
            bestLoss = validationLoss;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
            return true;
        }
        epochsWithoutImprovement++;
        return false;
    }

    /** True once {@code patience} epochs in a row brought no improvement (never when patience is 0). */
    public boolean shouldStop() {
        return patience > 0 && epochsWithoutImprovement >= patience;
    }

    public int patience() { return patience; }
    public int bestEpoch() { return bestEpoch; }
    public double bestLoss() { return bestLoss; }
    public int epochsWithoutImprovement() { return epochsWithoutImprovement; }

    /** Continues from a checkpoint's figures. */
    public void restore(int bestEpoch, double bestLoss, int epochsWithoutImprovement) {
        this.bestEpoch = bestEpoch;
        this.bestLoss = bestLoss;
        this.epochsWithoutImprovement = epochsWithoutImprovement;
    }
}
