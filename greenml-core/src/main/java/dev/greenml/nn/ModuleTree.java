package dev.greenml.nn;

import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walking and rewriting a model's module tree, for compression (quantization swaps each Linear
 * for a {@link QuantizedLinear}). Rewrite a model before its first {@link Module#parameters()}
 * call: the flat parameter buffer is gathered once and would not see the new modules.
 */
public final class ModuleTree {

    private ModuleTree() {}

    /** {@code root} and every module below it, depth first, parents before children. */
    public static List<Module> modules(Module root) {
        List<Module> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Module m, List<Module> out) {
        out.add(m);
        for (Module c : m.children()) collect(c, out);
    }

    /**
     * Every Linear by its parameter prefix ("0.", "2." …, so that prefix + "weight" is the
     * weight's name in {@link Module#namedParameters()}), in parameter order.
     */
    public static Map<String, Linear> linears(Module root) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        root.namedParameters().forEach((n, t) -> names.put(t, n));
        Map<String, Linear> out = new LinkedHashMap<>();
        for (Module m : modules(root)) {
            if (m instanceof Linear l) {
                String n = names.get(l.weight);
                out.put(n.substring(0, n.length() - "weight".length()), l);
            }
        }
        return out;
    }

    /** Every QuantizedLinear of the tree. */
    public static List<QuantizedLinear> quantized(Module root) {
        List<QuantizedLinear> out = new ArrayList<>();
        for (Module m : modules(root)) if (m instanceof QuantizedLinear q) out.add(q);
        return out;
    }

    /** Puts {@code replacement} where {@code old} is; only layers held by a {@link Sequential} can be replaced. */
    public static void replace(Module root, Module old, Module replacement) {
        for (Module m : modules(root)) {
            if (m instanceof Sequential s) {
                List<Module> layers = s.layers();
                for (int i = 0; i < layers.size(); i++) {
                    if (layers.get(i) == old) {
                        s.set(i, replacement);
                        return;
                    }
                }
            }
        }
        throw new IllegalArgumentException("cannot replace " + old + ": it is not a layer of a Sequential in this model");
    }

    /** Replaces every Linear with its int8 form (see {@link QuantizedLinear#of}); returns how many. */
    public static int quantizeLinears(Module root) {
        Map<String, Linear> linears = linears(root);
        linears.forEach((prefix, l) -> replace(root, l, QuantizedLinear.of(prefix, l)));
        return linears.size();
    }

    /** Scalar parameters including int8 weights (which {@link Module#parameterCount()} does not see). */
    public static long parameterCount(Module root) {
        long n = root.parameterCount();
        for (QuantizedLinear q : quantized(root)) n += (long) q.in * q.out;
        return n;
    }
}
