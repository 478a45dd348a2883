package dev.greenml.spark;

import java.io.Serializable;

/**
 * One training example as Spark moves it: the input features and the target. For regression
 * (mse) the target holds the model's outputs; for classification (cross-entropy) it holds one
 * value, the class index 0, 1, 2, … as a float.
 *
 * @param features (features)
 * @param target   (outputs) for mse, (1) for cross-entropy
 */
public record TrainingRow(float[] features, float[] target) implements Serializable {

    public TrainingRow {
        if (features == null || target == null) {
            throw new IllegalArgumentException("a training row needs features and a target, got "
                    + (features == null ? "no features" : "no target"));
        }
    }

    /** A row whose target is a single value (a regression target or a class index). */
    public static TrainingRow of(float[] features, float target) {
        return new TrainingRow(features, new float[] {target});
    }
}
