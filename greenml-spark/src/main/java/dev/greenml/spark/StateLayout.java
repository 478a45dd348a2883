package dev.greenml.spark;

import dev.greenml.nn.Model;
import dev.greenml.nn.Parameters;
import dev.greenml.optim.Optimizer;
import dev.greenml.tensor.Tensor;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a round averages, laid out as one float vector:
 * <pre>
 *   [ parameters (totalSize) | buffers, in registration order | optimizer state with one value per
 *     parameter element (Adam's exp_avg, exp_avg_sq; SGD's momentum_buffer), keys in sorted order ]
 * </pre>
 * and, apart, the optimizer state with one value per parameter tensor (Adam's step counts, SGD's
 * momentum_started): every partition takes the same K steps a round, so those must agree across
 * partitions rather than be averaged (an averaged count need not be a whole number).
 */
final class StateLayout {

    private StateLayout() {}

    /** The averaged vector of {@code model} and {@code optimizer}, as a new array. */
    static float[] gather(Model model, Optimizer optimizer) {
        Parameters p = model.parameters();
        float[] out = new float[length(model, optimizer)];
        System.arraycopy(p.data(), 0, out, 0, p.totalSize());
        int at = p.totalSize();
        for (Tensor b : model.namedBuffers().values()) {
            System.arraycopy(b.data(), b.offset(), out, at, b.size());
            at += b.size();
        }
        for (float[] s : perElement(model, optimizer).values()) {
            System.arraycopy(s, 0, out, at, s.length);
            at += s.length;
        }
        return out;
    }

    /** Copies of the per-tensor optimizer state (step counts), by key. */
    static TreeMap<String, float[]> counts(Model model, Optimizer optimizer) {
        TreeMap<String, float[]> out = new TreeMap<>();
        int total = model.parameters().totalSize();
        optimizer.state().forEach((k, v) -> {
            if (!perElement(v, total, model.parameters().count(), k)) out.put(k, v.clone());
        });
        return out;
    }

    /** Loads {@code values} (as {@link #gather} lays them out) and {@code counts} into the model and the optimizer. */
    static void scatter(float[] values, Map<String, float[]> counts, Model model, Optimizer optimizer) {
        int n = length(model, optimizer);
        if (values.length != n) {
            throw new IllegalStateException("averaged state has " + values.length + " values, the model and optimizer need " + n);
        }
        Parameters p = model.parameters();
        System.arraycopy(values, 0, p.data(), 0, p.totalSize());
        int at = p.totalSize();
        for (Tensor b : model.namedBuffers().values()) {
            System.arraycopy(values, at, b.data(), b.offset(), b.size());
            at += b.size();
        }
        TreeMap<String, float[]> state = new TreeMap<>(counts);
        for (var e : perElement(model, optimizer).entrySet()) {
            state.put(e.getKey(), java.util.Arrays.copyOfRange(values, at, at + e.getValue().length));
            at += e.getValue().length;
        }
        optimizer.loadState(state);
    }

    /** Floats averaged per round: parameters, buffers and per-element optimizer state. */
    static int length(Model model, Optimizer optimizer) {
        long n = model.parameters().totalSize();
        for (Tensor b : model.namedBuffers().values()) n += b.size();
        for (float[] s : perElement(model, optimizer).values()) n += s.length;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("model and optimizer state exceed 2^31 floats: " + n);
        return (int) n;
    }

    private static TreeMap<String, float[]> perElement(Model model, Optimizer optimizer) {
        TreeMap<String, float[]> out = new TreeMap<>();
        int total = model.parameters().totalSize();
        optimizer.state().forEach((k, v) -> {
            if (perElement(v, total, model.parameters().count(), k)) out.put(k, v);
        });
        return out;
    }

    private static boolean perElement(float[] state, int totalSize, int tensors, String key) {
        if (totalSize == tensors) {
            // every parameter tensor holds one value: a moment and a step count look alike
            throw new IllegalArgumentException("optimizer state '" + key + "' cannot be classified: the model's "
                    + tensors + " parameter tensors hold one value each; give the model at least one tensor with several values");
        }
        if (state.length == totalSize) return true;
        if (state.length == tensors) return false;
        throw new IllegalArgumentException("optimizer state '" + key + "' has " + state.length + " values; expected one per parameter ("
                + totalSize + ") or one per parameter tensor (" + tensors + ")");
    }
}
