package dev.greenml.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to train: loss, optimizer and schedule. Immutable; recorded in the model file's provenance.
 *
 * @param loss        "mse" or "cross-entropy"
 * @param optimizer   "sgd", "adam" or "adamw"
 * @param weightDecay negative means the optimizer's PyTorch default
 * @param shuffle     reshuffle the rows every epoch (seeded); false keeps file order
 */
public record TrainConfig(String loss, String optimizer, float lr, int epochs, int batchSize, long seed,
                          float weightDecay, float momentum, boolean shuffle) {

    public TrainConfig {
        if (!loss.equals("mse") && !loss.equals("cross-entropy")) {
            throw new IllegalArgumentException("unknown loss '" + loss + "'; choose mse or cross-entropy");
        }
        if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        if (epochs <= 0) throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        if (batchSize <= 0) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("optimizer", optimizer);
        m.put("lr", lr);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("seed", seed);
        if (weightDecay >= 0) m.put("weight_decay", weightDecay);
        if (optimizer.equals("sgd")) m.put("momentum", momentum);
        m.put("shuffle", shuffle);
        return m;
    }
}
