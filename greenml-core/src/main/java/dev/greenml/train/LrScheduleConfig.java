package dev.greenml.train;

import dev.greenml.optim.LrSchedule;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which learning-rate schedule a run uses, in the units a user thinks in (epochs), turned into
 * an {@link LrSchedule} over steps once the steps per epoch are known. Recorded in run.json and
 * in checkpoints.
 *
 * @param kind        constant, step or cosine
 * @param stepEpochs  step: multiply the lr by {@code gamma} every this many epochs
 * @param gamma       step: the factor
 * @param warmupSteps linear warm-up over this many steps before the schedule (0: none)
 * @param minLr       cosine: the lr at the last step
 */
public record LrScheduleConfig(String kind, int stepEpochs, float gamma, long warmupSteps, float minLr) {

    public static final LrScheduleConfig CONSTANT = new LrScheduleConfig("constant", 1, 1f, 0, 0f);

    public LrScheduleConfig {
        kind = kind.toLowerCase(Locale.ROOT);
        if (!kind.equals("constant") && !kind.equals("step") && !kind.equals("cosine")) {
            throw new IllegalArgumentException("unknown --lr-schedule '" + kind + "'; choose constant, step or cosine");
        }
        if (stepEpochs < 1) throw new IllegalArgumentException("--lr-step-epochs must be at least 1, got " + stepEpochs);
        if (!(gamma > 0) || Float.isInfinite(gamma)) throw new IllegalArgumentException("--lr-gamma must be a positive number, got " + gamma);
        if (warmupSteps < 0) throw new IllegalArgumentException("--warmup-steps must be ≥ 0, got " + warmupSteps);
        if (!(minLr >= 0) || Float.isInfinite(minLr)) throw new IllegalArgumentException("--min-lr must be a number ≥ 0, got " + minLr);
    }

    /** The schedule over global steps for a run of {@code epochs} × {@code stepsPerEpoch} steps from {@code lr}. */
    public LrSchedule build(float lr, int stepsPerEpoch, int epochs) {
        long total = (long) stepsPerEpoch * epochs;
        LrSchedule after = switch (kind) {
            case "step" -> LrSchedule.stepDecay(lr, (long) stepEpochs * stepsPerEpoch, gamma);
            // the cosine spans the steps after the warm-up, so it still ends at minLr on the last step
            case "cosine" -> LrSchedule.cosine(lr, minLr, Math.max(1, total - warmupSteps));
            default -> LrSchedule.constant(lr);
        };
        return warmupSteps > 0 ? LrSchedule.warmup(warmupSteps, after) : after;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        if (kind.equals("step")) {
            m.put("step_epochs", stepEpochs);
            m.put("gamma", gamma);
        }
        if (kind.equals("cosine")) m.put("min_lr", minLr);
        m.put("warmup_steps", warmupSteps);
        return m;
    }
}
