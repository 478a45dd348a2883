package dev.greenml.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.autograd.Ops;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A small LeNet-style convolutional classifier. For each entry of {@code conv}:
 * Conv2d(k, padding k/2) → [BatchNorm2d] → ReLU → MaxPool2d(2); then Flatten → Linear(→hidden) →
 * ReLU → Dropout → Linear(→classes). The Fashion-MNIST preset ({@link Config#fashionMnist}):
 * <pre>
 *   (N, 784) → view (N, 1, 28, 28)
 *   0 Conv2d(1→16, 3, pad 1)  1 BatchNorm2d(16)  2 ReLU  3 MaxPool2d(2)   → (N, 16, 14, 14)
 *   4 Conv2d(16→32, 3, pad 1) 5 BatchNorm2d(32)  6 ReLU  7 MaxPool2d(2)   → (N, 32, 7, 7)
 *   8 Flatten  9 Linear(1568→128)  10 ReLU  11 Dropout(0.25)  12 Linear(128→10)
 * </pre>
 * Names follow PyTorch's nn.Sequential ("0.weight", "1.running_mean", "12.bias"), so the same
 * network built in PyTorch has the same state_dict keys (without num_batches_tracked).
 * Flat (N, C·H·W) input is viewed as (N, C, H, W), so the trainer's flat datasets work unchanged.
 */
public final class Cnn extends Model {

    /**
     * @param input     (channels, height, width) of one sample
     * @param conv      output channels of each conv block
     * @param kernel    square kernel size of every conv (odd, so padding k/2 keeps the size)
     * @param batchNorm a BatchNorm2d after each conv
     * @param hidden    width of the hidden fully connected layer
     * @param dropout   dropout probability before the last layer
     * @param classes   outputs
     */
    public record Config(int[] input, int[] conv, int kernel, boolean batchNorm, int hidden, float dropout, int classes)
            implements ModelConfig {

        public Config {
            if (input == null || input.length != 3 || Arrays.stream(input).anyMatch(v -> v <= 0)) {
                throw new IllegalArgumentException("a cnn config needs \"input\": [channels, height, width], all positive, got "
                        + (input == null ? "none" : Arrays.toString(input)));
            }
            if (conv == null || conv.length == 0 || Arrays.stream(conv).anyMatch(v -> v <= 0)) {
                throw new IllegalArgumentException("a cnn config needs \"conv\": output channels of each block, all positive, got "
                        + (conv == null ? "none" : Arrays.toString(conv)));
            }
            if (kernel <= 0 || kernel % 2 == 0) throw new IllegalArgumentException("cnn kernel must be odd and positive, got " + kernel);
            if (hidden <= 0 || classes <= 0) throw new IllegalArgumentException("cnn hidden and classes must be positive, got " + hidden + ", " + classes);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("cnn dropout must be in [0, 1), got " + dropout);
            input = input.clone();
            conv = conv.clone();
            int h = input[1], w = input[2];
            for (int i = 0; i < conv.length; i++) {
                h /= 2;
                w /= 2;
                if (h == 0 || w == 0) {
                    throw new IllegalArgumentException("cnn: " + conv.length + " pooling stages shrink the "
                            + input[1] + "×" + input[2] + " input to nothing; use fewer conv blocks");
                }
            }
        }

        /** The preset for 28×28 grey images in 10 classes (Fashion-MNIST, MNIST). */
        public static Config fashionMnist() {
            return new Config(new int[] {1, 28, 28}, new int[] {16, 32}, 3, true, 128, 0.25f, 10);
        }

        /** Features after the last pooling stage: C·H·W. */
        public int flatFeatures() {
            int h = input[1], w = input[2];
            for (int i = 0; i < conv.length; i++) {
                h /= 2;
                w /= 2;
            }
            return conv[conv.length - 1] * h * w;
        }

        static Config fromJson(JsonNode o) {
            return new Config(ints(o, "input"), ints(o, "conv"), ModelConfigs.positiveInt(o, "kernel"),
                    o.path("batch_norm").asBoolean(true), ModelConfigs.positiveInt(o, "hidden"),
                    (float) o.path("dropout").asDouble(0), ModelConfigs.positiveInt(o, "classes"));
        }

        private static int[] ints(JsonNode o, String field) {
            JsonNode a = o.path(field);
            if (!a.isArray()) throw new IllegalArgumentException("cnn config field '" + field + "' must be an array of integers");
            int[] v = new int[a.size()];
            for (int i = 0; i < v.length; i++) {
                if (!a.get(i).isIntegralNumber()) throw new IllegalArgumentException("cnn config field '" + field + "' holds " + a.get(i) + ", not an integer");
                v[i] = a.get(i).asInt();
            }
            return v;
        }

        @Override public String architecture() { return "cnn"; }

        @Override public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("architecture", "cnn");
            var in = o.putArray("input");
            for (int v : input) in.add(v);
            var c = o.putArray("conv");
            for (int v : conv) c.add(v);
            o.put("kernel", kernel);
            o.put("batch_norm", batchNorm);
            o.put("hidden", hidden);
            o.put("dropout", dropout);
            o.put("classes", classes);
            return o;
        }

        @Override public Cnn build(Rng rng) { return new Cnn(this, rng); }

        @Override public int inputFeatures() { return input[0] * input[1] * input[2]; }
        @Override public int outputFeatures() { return classes; }

        @Override public boolean equals(Object o) {
            return o instanceof Config c && Arrays.equals(input, c.input) && Arrays.equals(conv, c.conv) && kernel == c.kernel
                    && batchNorm == c.batchNorm && hidden == c.hidden && dropout == c.dropout && classes == c.classes;
        }

        @Override public int hashCode() { return Arrays.hashCode(conv) * 31 + Arrays.hashCode(input) + hidden; }

        @Override public String toString() {
            return "cnn input " + Arrays.toString(input) + " conv " + Arrays.toString(conv) + " k" + kernel
                    + (batchNorm ? " bn" : "") + " hidden " + hidden + " dropout " + dropout + " classes " + classes;
        }
    }

    private final Config config;
    private final Sequential layers;

    public Cnn(Config config, Rng rng) {
        this.config = config;
        List<Module> l = new ArrayList<>();
        int in = config.input()[0];
        for (int out : config.conv()) {
            l.add(new Conv2d(in, out, config.kernel(), 1, config.kernel() / 2, rng));
            if (config.batchNorm()) l.add(new BatchNorm2d(out));
            l.add(new Activation(Activation.Kind.RELU));
            l.add(new MaxPool2d(2));
            in = out;
        }
        l.add(new Flatten());
        l.add(new Linear(config.flatFeatures(), config.hidden(), rng));
        l.add(new Activation(Activation.Kind.RELU));
        l.add(new Dropout(config.dropout(), rng.nextLong()));
        l.add(new Linear(config.hidden(), config.classes(), rng));
        this.layers = new Sequential(l);
    }

    @Override public Config config() { return config; }

    public List<Module> layers() { return layers.layers(); }

    /** x (N, C·H·W) or (N, C, H, W) → logits (N, classes). */
    @Override public Tensor forward(Tensor x) {
        int[] in = config.input();
        if (x.rank() == 2 && x.dim(1) == config.inputFeatures()) {
            x = Ops.reshape(x, x.dim(0), in[0], in[1], in[2]);
        } else if (x.rank() != 4 || x.dim(1) != in[0] || x.dim(2) != in[1] || x.dim(3) != in[2]) {
            throw new IllegalArgumentException("Cnn(input " + Arrays.toString(in) + ") got input shape " + Shape.str(x.shape())
                    + "; pass (N, " + config.inputFeatures() + ") or (N, " + in[0] + ", " + in[1] + ", " + in[2] + ")");
        }
        return layers.forward(x);
    }

    @Override protected Iterable<Module> children() { return List.of(layers); }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        layers.collectParameters(prefix, out);
    }

    @Override protected void collectBuffers(String prefix, Map<String, Tensor> out) {
        layers.collectBuffers(prefix, out);
    }

    @Override public String toString() { return "Cnn" + layers.toString().substring("Sequential".length()); }
}
