package dev.greenml.nn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.tensor.Rng;

/**
 * A model's architecture: everything needed to build it, and its JSON form, which model files
 * carry in their metadata so that a file alone rebuilds its model. Parse with
 * {@link ModelConfigs#fromJson}.
 */
public interface ModelConfig {

    /** The architecture's name in files and on the command line: "mlp", "cnn", "gpt" … */
    String architecture();

    /** The JSON form, including {@code "architecture"}. */
    ObjectNode toJson();

    /** A new model of this architecture, initialised from {@code rng}. */
    Model build(Rng rng);

    /** Input features per sample (flattened), for models that map a vector to a vector. */
    int inputFeatures();

    /** Outputs per sample (classes, or regression targets). */
    int outputFeatures();

    /**
     * Name → shape of every tensor the model file holds (parameters, then buffers such as
     * running statistics), in that order, computed without allocating
     * the model; null when an architecture cannot say. Loaders check a file against it before
     * building, so a config that claims a huge model fails on shapes, not on memory.
     */
    default java.util.Map<String, int[]> parameterShapes() {
        return null;
    }
}
