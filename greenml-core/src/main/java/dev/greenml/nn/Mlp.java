package dev.greenml.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A multilayer perceptron: Linear → act → Linear → act → … → Linear (no activation after the
 * last layer). The seed's BigModel is {@code new Mlp(new Mlp.Config(new int[] {1000, 200, 100, 1}, RELU), rng)}:
 * parameters "0.weight" (200, 1000), "0.bias" (200), "2.weight" (100, 200), "2.bias" (100),
 * "4.weight" (1, 100), "4.bias" (1) — the names PyTorch's nn.Sequential gives.
 */
public final class Mlp extends Model {

    /** Architecture of an MLP: layer widths from input to output, and the hidden activation. */
    public record Config(int[] layers, Activation.Kind activation) implements ModelConfig {
        public Config {
            if (layers == null || layers.length < 2) {
                throw new IllegalArgumentException("an MLP needs at least 2 layer sizes (input and output), got "
                        + (layers == null ? "none" : Arrays.toString(layers)));
            }
            for (int w : layers) {
                if (w <= 0) throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(layers));
            }
            layers = layers.clone();
        }

        /** Parses a spec such as "1000,200,100,1". */
        public static Config parse(String layerSpec, String activation) {
            String[] parts = layerSpec.split(",");
            int[] sizes = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    sizes[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--layers '" + layerSpec + "': '" + parts[i]
                            + "' is not a whole number; write the widths like 1000,200,100,1");
                }
            }
            return new Config(sizes, Activation.Kind.parse(activation));
        }

        static Config fromJson(JsonNode o) {
            JsonNode layers = o.path("layers");
            if (!layers.isArray() || layers.size() < 2) {
                throw new IllegalArgumentException("an mlp config needs \"layers\": an array of at least 2 widths");
            }
            int[] widths = new int[layers.size()];
            for (int i = 0; i < widths.length; i++) {
                JsonNode w = layers.get(i);
                if (!w.isIntegralNumber() || w.asInt() <= 0) {
                    throw new IllegalArgumentException("layer width " + w + " is not a positive integer");
                }
                widths[i] = w.asInt();
            }
            return new Config(widths, Activation.Kind.parse(o.path("activation").asText("relu")));
        }

        @Override public String architecture() { return "mlp"; }

        @Override public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("architecture", "mlp");
            var a = o.putArray("layers");
            for (int w : layers) a.add(w);
            o.put("activation", activation.id());
            return o;
        }

        @Override public Mlp build(Rng rng) { return new Mlp(this, rng); }

        @Override public int inputFeatures() { return layers[0]; }
        @Override public int outputFeatures() { return layers[layers.length - 1]; }

        /**
         * The name and shape of every parameter, in {@link Mlp#namedParameters()} order, without
         * allocating them: "0.weight" (layers[1], layers[0]), "0.bias" (layers[1]), "2.weight", …
         * (the activations sit at the odd indices). Loaders check a file against this first.
         */
        @Override public java.util.Map<String, int[]> parameterShapes() {
            java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
            for (int i = 0; i + 1 < layers.length; i++) {
                shapes.put(2 * i + ".weight", new int[] {layers[i + 1], layers[i]});
                shapes.put(2 * i + ".bias", new int[] {layers[i + 1]});
            }
            return shapes;
        }

        public int inputs() { return layers[0]; }
        public int outputs() { return layers[layers.length - 1]; }

        @Override public int[] layers() { return layers.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Config c && Arrays.equals(layers, c.layers) && activation == c.activation;
        }

        @Override public int hashCode() { return Arrays.hashCode(layers) * 31 + activation.hashCode(); }

        @Override public String toString() {
            return "mlp " + Arrays.toString(layers) + " " + activation.id();
        }
    }

    private final Config config;
    private final Sequential layers;

    public Mlp(Config config, Rng rng) {
        this.config = config;
        this.layers = new Sequential(build(config, rng));
    }

    private static List<Module> build(Config config, Rng rng) {
        int[] w = config.layers();
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < w.length; i++) {
            layers.add(new Linear(w[i], w[i + 1], rng));
            if (i + 2 < w.length) layers.add(new Activation(config.activation()));
        }
        return layers;
    }

    @Override public Config config() { return config; }

    public List<Module> layers() { return layers.layers(); }

    @Override public Tensor forward(Tensor x) { return layers.forward(x); }

    @Override protected Iterable<Module> children() { return List.of(layers); }

    /** Same names as the inner Sequential ("0.weight" …): the MLP adds no prefix. */
    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        layers.collectParameters(prefix, out);
    }

    @Override public String toString() { return "Mlp" + layers.toString().substring("Sequential".length()); }
}
