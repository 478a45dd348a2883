package dev.greenml.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * What the driver broadcasts at the start of a round: the architecture (as JSON, so an executor
 * rebuilds the model with {@code ModelConfigs.fromJson}), the averaged state as {@link StateLayout}
 * lays it out, and the optimizer's step counts. Executors must not modify it: in local mode every
 * task sees the driver's own object.
 *
 * @param round 1-based
 */
record RoundStart(String configJson, float[] values, TreeMap<String, float[]> counts, int round) implements Serializable {

    /** Payload bytes: the JSON's UTF-8 bytes and 4 per float (Java serialization's framing not counted). */
    long payloadBytes() {
        long floats = values.length;
        for (float[] c : counts.values()) floats += c.length;
        return configJson.getBytes(StandardCharsets.UTF_8).length + 4 * floats;
    }
}
