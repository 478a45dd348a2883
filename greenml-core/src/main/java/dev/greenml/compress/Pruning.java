package dev.greenml.compress;

import dev.greenml.nn.Module;
import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Magnitude pruning: the weights of smallest |w| are set to zero, exactly round(s·n) of them.
 * Only weight matrices and kernels (parameters of rank ≥ 2) are pruned; biases are left alone,
 * as is usual (they are few and a zero bias saves nothing).
 *
 * <ul>
 *   <li>per layer: each weight tensor loses round(s·n_l) of its n_l weights;</li>
 *   <li>global: round(s·N) of all N weights together, so layers with many small weights lose
 *       more than others.</li>
 * </ul>
 * Ties are broken deterministically — smaller |w| first, then earlier tensor (parameter order),
 * then smaller row-major index — so the count is exact even when many weights are equal
 * (e.g. already zero).
 *
 * <pre>{@code
 * Pruning.Masks masks = Pruning.magnitude(model, 0.8, true);
 * // fine-tune: after every optimizer step
 * masks.apply();
 * }</pre>
 */
public final class Pruning {

    private Pruning() {}

    /** Which weights survive, per pruned tensor; {@link #apply()} zeroes the others again. */
    public static final class Masks {
        private final Map<String, Tensor> tensors;
        private final Map<String, boolean[]> keep;   // name → (size of the tensor), true = kept

        Masks(Map<String, Tensor> tensors, Map<String, boolean[]> keep) {
            this.tensors = tensors;
            this.keep = keep;
        }

        /** Zeroes every pruned weight (after an optimizer step moved it). */
        public void apply() {
            tensors.forEach((name, t) -> {
                boolean[] k = keep.get(name);
                float[] d = t.data();
                int off = t.offset();
                for (int i = 0; i < k.length; i++) if (!k[i]) d[off + i] = 0f;
            });
        }

        /** Zeroes the gradient of every pruned weight, for optimizers that should not see it. */
        public void maskGradients() {
            tensors.forEach((name, t) -> {
                if (!t.hasGrad()) return;
                boolean[] k = keep.get(name);
                float[] g = t.gradStorage();
                int off = t.gradOffset();
                for (int i = 0; i < k.length; i++) if (!k[i]) g[off + i] = 0f;
            });
        }

        public Map<String, boolean[]> keep() { return keep; }

        /** Pruned (zeroed by the mask) weights in tensor {@code name}. */
        public long pruned(String name) {
            long n = 0;
            for (boolean k : keep.get(name)) if (!k) n++;
            return n;
        }

        public long pruned() {
            long n = 0;
            for (String name : keep.keySet()) n += pruned(name);
            return n;
        }

        public long total() {
            long n = 0;
            for (boolean[] k : keep.values()) n += k.length;
            return n;
        }
    }

    /** The tensors pruning applies to: parameters of rank ≥ 2, in parameter order. */
    public static Map<String, Tensor> prunable(Module model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.namedParameters().forEach((n, t) -> {
            if (t.rank() >= 2) out.put(n, t);
        });
        return out;
    }

    /**
     * Prunes {@code model} in place to {@code sparsity} (0 ≤ s &lt; 1) and returns the masks.
     *
     * @param global one threshold over all weight tensors, else the same fraction of each
     */
    public static Masks magnitude(Module model, double sparsity, boolean global) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("--sparsity must be in [0, 1): the fraction of weights set to zero, got " + sparsity);
        }
        Map<String, Tensor> tensors = prunable(model);
        if (tensors.isEmpty()) throw new IllegalArgumentException("the model has no weight matrices to prune");
        Map<String, boolean[]> keep = new LinkedHashMap<>();
        tensors.forEach((n, t) -> {
            boolean[] k = new boolean[t.size()];
            Arrays.fill(k, true);
            keep.put(n, k);
        });
        List<String> names = new ArrayList<>(tensors.keySet());
        if (global) {
            prune(names, tensors, keep, sparsity);
        } else {
            for (String n : names) prune(List.of(n), tensors, keep, sparsity);
        }
        Masks masks = new Masks(tensors, keep);
        masks.apply();
        return masks;
    }

    /** Marks the round(s·n) smallest of the named tensors' weights as pruned. */
    private static void prune(List<String> names, Map<String, Tensor> tensors, Map<String, boolean[]> keep, double s) {
        long n = 0;
        for (String name : names) n += tensors.get(name).size();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many weights to prune at once (" + n + "); prune per layer");
        long k = Math.round(s * n);
        // Sort keys: |w| as its IEEE bits (ordered like the values for non-negative floats) in the
        // high 32 bits, the position over all named tensors in the low 32: ties by position.
        long[] keys = new long[(int) n];
        int pos = 0;
        for (String name : names) {
            Tensor t = tensors.get(name);
            float[] d = t.data();
            for (int i = 0; i < t.size(); i++, pos++) {
                float a = Math.abs(d[t.offset() + i]);
                if (Float.isNaN(a)) throw new IllegalArgumentException("cannot prune: '" + name + "' holds NaN at index " + i);
                keys[pos] = ((long) Float.floatToIntBits(a + 0f) << 32) | pos;
            }
        }
        Arrays.sort(keys);
        int[] starts = new int[names.size() + 1];
        for (int j = 0; j < names.size(); j++) starts[j + 1] = starts[j] + tensors.get(names.get(j)).size();
        for (int q = 0; q < k; q++) {
            int p = (int) keys[q];   // low 32 bits
            int j = 0;
            while (p >= starts[j + 1]) j++;
            keep.get(names.get(j))[p - starts[j]] = false;
        }
    }
}
