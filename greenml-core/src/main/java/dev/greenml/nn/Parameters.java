package dev.greenml.nn;

import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * All parameters of a model in one flat buffer {@code data} and their gradients in {@code grad},
 * each parameter tensor a view at its offset. Optimizers, checkpoints and all-reduce loop over
 * the buffers directly.
 */
public final class Parameters {

    private final float[] data;    // (total)
    private final float[] grad;    // (total)
    private final List<String> names;
    private final List<Tensor> tensors;
    private final int[] offsets;   // (count) start of each tensor in data/grad

    private Parameters(float[] data, float[] grad, List<String> names, List<Tensor> tensors, int[] offsets) {
        this.data = data;
        this.grad = grad;
        this.names = names;
        this.tensors = tensors;
        this.offsets = offsets;
    }

    static Parameters gather(Map<String, Tensor> named) {
        long total = 0;
        for (Tensor t : named.values()) total += t.size();
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("more than 2^31-1 parameters: " + total);
        float[] data = new float[(int) total], grad = new float[(int) total];
        List<String> names = new ArrayList<>(named.keySet());
        List<Tensor> tensors = new ArrayList<>(named.values());
        int[] offsets = new int[tensors.size()];
        int off = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            offsets[i] = off;
            t.moveTo(data, off, grad, off);
            t.zeroGrad();
            off += t.size();
        }
        return new Parameters(data, grad, Collections.unmodifiableList(names), Collections.unmodifiableList(tensors), offsets);
    }

    /**
     * The parameters {@code named} of a replica (a second instance of the same architecture) made
     * to read {@code master}'s values in place, with gradients of their own: data-parallel workers
     * compute gradients for their shard of a batch on the same weights, and the optimizer updates
     * the master's buffer once. Names and sizes must match the master's, in the same order.
     */
    static Parameters sharing(Parameters master, Map<String, Tensor> named) {
        List<String> names = new ArrayList<>(named.keySet());
        List<Tensor> tensors = new ArrayList<>(named.values());
        if (!names.equals(master.names)) {
            throw new IllegalArgumentException("a replica must have the master's parameters " + master.names + ", got " + names);
        }
        float[] grad = new float[master.data.length];
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.size() != master.tensors.get(i).size()) {
                throw new IllegalArgumentException("replica parameter " + names.get(i) + " has " + t.size()
                        + " values, the master's has " + master.tensors.get(i).size());
            }
            t.bindTo(master.data, master.offsets[i], grad, master.offsets[i]);
        }
        return new Parameters(master.data, grad, Collections.unmodifiableList(names), Collections.unmodifiableList(tensors),
                master.offsets.clone());
    }

    public float[] data() { return data; }
    public float[] grad() { return grad; }
    public int count() { return tensors.size(); }
    public int totalSize() { return data.length; }
    public Tensor tensor(int i) { return tensors.get(i); }
    public String name(int i) { return names.get(i); }
    public int offset(int i) { return offsets[i]; }
    public List<Tensor> tensors() { return tensors; }
    public List<String> names() { return names; }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (PyTorch's
     * clip_grad_norm_: factor maxNorm / (norm + 1e-6) when the norm exceeds maxNorm). Returns the
     * norm before clipping. Parameters without a gradient are ignored.
     */
    public double clipGradNorm(double maxNorm) {
        double sq = 0;
        for (int t = 0; t < tensors.size(); t++) {
            if (!tensors.get(t).hasGrad()) continue;
            int off = offsets[t], n = tensors.get(t).size();
            for (int i = off; i < off + n; i++) sq += (double) grad[i] * grad[i];
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (int t = 0; t < tensors.size(); t++) {
                if (!tensors.get(t).hasGrad()) continue;
                int off = offsets[t], n = tensors.get(t).size();
                for (int i = off; i < off + n; i++) grad[i] *= scale;
            }
        }
        return norm;
    }

    /** Forgets all gradients (PyTorch's zero_grad(set_to_none=True)); storage is re-zeroed lazily on next use. */
    public void zeroGrad() {
        for (Tensor t : tensors) t.zeroGrad();
    }
}
