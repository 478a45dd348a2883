package dev.greenml.nn;

import java.util.List;

/** Architectures by name, for {@code greenml train --model NAME}: the models sized for 28×28 images in 10 classes. */
public final class Presets {

    public static final List<String> NAMES = List.of("mlp", "cnn");

    private Presets() {}

    /**
     * "mlp": Linear 784-256-128-10 with ReLU. "cnn": {@link Cnn.Config#fashionMnist()}.
     */
    public static ModelConfig byName(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "mlp" -> new Mlp.Config(new int[] {784, 256, 128, 10}, Activation.Kind.RELU);
            case "cnn" -> Cnn.Config.fashionMnist();
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "'; choose one of " + NAMES
                    + ", or give --layers for an MLP of your own widths");
        };
    }
}
