package dev.greenml.optim;

import dev.greenml.nn.Parameters;

/** Builds an optimizer by name, for configuration files and the CLI. */
public final class Optimizers {
    private Optimizers() {}

    /** The names {@link #create} accepts. */
    public static final java.util.List<String> NAMES = java.util.List.of("sgd", "adam", "adamw");

    /** Fails with a message listing the valid names unless {@code name} is one of them. */
    public static void checkName(String name) {
        if (!NAMES.contains(name.toLowerCase())) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; choose sgd, adam or adamw");
        }
    }

    /**
     * @param name         sgd | adam | adamw
     * @param weightDecay  L2 for sgd/adam, decoupled for adamw; a negative value means "the default"
     *                     (0 for sgd and adam, 0.01 for adamw, as in PyTorch)
     * @param momentum     sgd only
     */
    public static Optimizer create(String name, Parameters params, float lr, float weightDecay, float momentum) {
        return switch (name.toLowerCase()) {
            case "sgd" -> new Sgd(params, lr, momentum, 0f, Math.max(weightDecay, 0f), false);
            case "adam" -> new Adam(params, lr, 0.9f, 0.999f, 1e-8f, Math.max(weightDecay, 0f));
            case "adamw" -> new AdamW(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay < 0 ? 0.01f : weightDecay);
            default -> {
                checkName(name);
                throw new AssertionError(name);
            }
        };
    }
}
