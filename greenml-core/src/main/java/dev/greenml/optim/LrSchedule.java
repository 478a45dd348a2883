package dev.greenml.optim;

/**
 * Learning rate as a function of the step (0-based). Apply with
 * {@code optimizer.setLr(schedule.lr(step))} before each {@code step()}.
 */
@FunctionalInterface
public interface LrSchedule {

    float lr(long step);

    static LrSchedule constant(float lr) {
        return step -> lr;
    }

    /** lr · gamma^⌊step / every⌋ (PyTorch's StepLR, counted in steps). */
    static LrSchedule stepDecay(float lr, long every, float gamma) {
        if (every <= 0) throw new IllegalArgumentException("step decay period must be positive, got " + every);
        return step -> (float) (lr * Math.pow(gamma, step / every));
    }

    /** Cosine from lr down to minLr over totalSteps, then minLr: minLr + ½(lr − minLr)(1 + cos(π·t/T)). */
    static LrSchedule cosine(float lr, float minLr, long totalSteps) {
        if (totalSteps <= 0) throw new IllegalArgumentException("cosine schedule needs a positive step count, got " + totalSteps);
        return step -> {
            double t = Math.min(1.0, (double) step / totalSteps);
            return (float) (minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * t)));
        };
    }

    /**
     * Linear warm-up from lr/warmup to the schedule's value over {@code warmupSteps}, then
     * {@code after} shifted so that it starts at step 0 when the warm-up ends.
     */
    static LrSchedule warmup(long warmupSteps, LrSchedule after) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be ≥ 0, got " + warmupSteps);
        return step -> step < warmupSteps
                ? after.lr(0) * (step + 1) / warmupSteps
                : after.lr(step - warmupSteps);
    }
}
