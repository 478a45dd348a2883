package dev.greenml.nn;

import dev.greenml.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** Modules applied in order; parameters named by position ("0.weight", "2.bias") as in PyTorch. */
public class Sequential extends Module {

    private final List<Module> layers;

    public Sequential(List<Module> layers) {
        this.layers = new java.util.ArrayList<>(layers);
    }

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    @Override public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }

    public List<Module> layers() { return java.util.Collections.unmodifiableList(layers); }

    /** Replaces layer {@code index} (model compression swaps a Linear for its quantized form; see ModuleTree). */
    void set(int index, Module layer) { layers.set(index, layer); }

    @Override protected Iterable<Module> children() { return layers; }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {
        for (int i = 0; i < layers.size(); i++) layers.get(i).collectParameters(prefix + i + ".", out);
    }

    @Override protected void collectBuffers(String prefix, Map<String, Tensor> out) {
        for (int i = 0; i < layers.size(); i++) layers.get(i).collectBuffers(prefix + i + ".", out);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(\n");
        for (int i = 0; i < layers.size(); i++) sb.append("  (").append(i).append("): ").append(layers.get(i)).append('\n');
        return sb.append(')').toString();
    }
}
