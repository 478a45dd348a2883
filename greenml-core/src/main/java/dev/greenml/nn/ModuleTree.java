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
     * Every layer with a weight that int8 quantization applies to (Linear, Conv2d) by its
     * parameter prefix ("0.", "2." …, so that prefix + "weight" is the weight's name in
     * {@link Module#namedParameters()}), in parameter order.
     */
    public static Map<String, Module> quantizable(Module root) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        root.namedParameters().forEach((n, t) -> names.put(t, n));
        Map<String, Module> out = new LinkedHashMap<>();
        for (Module m : modules(root)) {
            Tensor w = m instanceof Linear l ? l.weight : m instanceof Conv2d c ? c.weight : null;
            if (w != null) {
                String n = names.get(w);
                out.put(n.substring(0, n.length() - "weight".length()), m);
            }
        }
        return out;
    }

    /** Every quantized layer of the tree. */
    public static List<QuantizedLayer> quantized(Module root) {
        List<QuantizedLayer> out = new ArrayList<>();
        for (Module m : modules(root)) if (m instanceof QuantizedLayer q) out.add(q);
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

    /** The int8 form of a quantizable layer, from its trained weights or from {@code q} when given. */
    public static Module quantizedForm(String prefix, Module layer, dev.greenml.compress.Int8Quantization.Quantized q) {
        return switch (layer) {
            case Linear l -> q == null ? QuantizedLinear.of(prefix, l) : new QuantizedLinear(prefix, q, l.bias);
            case Conv2d c -> q == null ? QuantizedConv2d.of(prefix, c)
                    : new QuantizedConv2d(prefix, q, c.weight.shape(), c.stride, c.padding, c.bias);
            default -> throw new IllegalArgumentException(layer + " cannot be quantized (only Linear and Conv2d)");
        };
    }

    /** Replaces every Linear and Conv2d with its int8 form; returns how many. */
    public static int quantizeLayers(Module root) {
        Map<String, Module> layers = quantizable(root);
        layers.forEach((prefix, l) -> replace(root, l, quantizedForm(prefix, l, null)));
        return layers.size();
    }

    /** Scalar parameters including int8 weights (which {@link Module#parameterCount()} does not see). */
    public static long parameterCount(Module root) {
        long n = root.parameterCount();
        for (QuantizedLayer q : quantized(root)) n += q.weights().q().length;
        return n;
    }
}
