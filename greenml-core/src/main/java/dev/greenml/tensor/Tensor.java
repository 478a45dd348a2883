package dev.greenml.tensor;

import dev.greenml.autograd.Node;
import java.util.Arrays;

/**
 * A float32 tensor: contiguous row-major storage {@code data[offset .. offset+size)} and a shape.
 * Optionally tracks a gradient of the same shape (see {@link dev.greenml.autograd}).
 *
 * <p>Storage may be shared: a reshape is a view, and parameters are views into one flat buffer
 * (see {@link dev.greenml.nn.Parameters}). Everything else allocates a new tensor.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);   // (2, 3)
 * Tensor y = Ops.relu(x);
 * }</pre>
 */
public final class Tensor {

    private final int[] shape;
    private float[] data;          // storage; this tensor is data[offset .. offset+size)
    private int offset;
    private final int size;

    private boolean requiresGrad;
    private float[] grad;          // same layout as data: grad[gradOffset .. gradOffset+size)
    private int gradOffset;
    private boolean hasGrad;       // false after zeroGrad: "grad is None" in PyTorch terms

    private Node node;             // the op that produced this tensor, while the graph lives
    private String name;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        this.size = Shape.size(shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " at offset " + offset
                    + " needs " + size + " floats but the storage holds " + data.length);
        }
        this.data = data;
        this.offset = offset;
    }

    // ---- construction ----

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.size(shape)], 0, shape);
    }

    /** A tensor over {@code values} (not copied) with the given shape. */
    public static Tensor wrap(float[] values, int... shape) {
        int n = Shape.size(shape);
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + n
                    + " values, got " + values.length);
        }
        return new Tensor(values, 0, shape);
    }

    /** A tensor over {@code values[offset ..]} (not copied). */
    public static Tensor view(float[] values, int offset, int... shape) {
        return new Tensor(values, offset, shape);
    }

    /** A tensor holding a copy of {@code values}. */
    public static Tensor of(int[] shape, float... values) {
        return wrap(values.clone(), shape);
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, 0, new int[0]);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    // ---- shape and storage ----

    public int[] shape() { return shape.clone(); }
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    public int rank() { return shape.length; }
    public int size() { return size; }
    public float[] data() { return data; }
    public int offset() { return offset; }

    /** Element at a flat row-major index. */
    public float get(int flatIndex) {
        return data[offset + flatIndex];
    }

    public void set(int flatIndex, float value) {
        data[offset + flatIndex] = value;
    }

    /** Element at (row, col) of a 2-D tensor. */
    public float get(int row, int col) {
        return data[offset + row * shape[1] + col];
    }

    /** A copy of the values as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** The only scalar value; fails for tensors with more than one element. */
    public float item() {
        if (size != 1) throw new IllegalStateException("item() needs a one-element tensor, shape is " + Shape.str(shape));
        return data[offset];
    }

    /**
     * Points this tensor at other storage (used once, when parameters are gathered into a flat
     * buffer). The values are copied across so nothing changes for the reader.
     */
    public void moveTo(float[] newData, int newOffset, float[] newGrad, int newGradOffset) {
        System.arraycopy(data, offset, newData, newOffset, size);
        if (grad != null) System.arraycopy(grad, gradOffset, newGrad, newGradOffset, size);
        data = newData;
        offset = newOffset;
        grad = newGrad;
        gradOffset = newGradOffset;
    }

    /**
     * Points this tensor at other storage WITHOUT copying: {@code newData} already holds its values
     * (a data-parallel replica reads the master's parameters) and {@code newGrad} is its own
     * gradient storage. The gradient is marked absent.
     */
    public void bindTo(float[] newData, int newOffset, float[] newGrad, int newGradOffset) {
        if (newOffset < 0 || newOffset + size > newData.length || newGradOffset < 0 || newGradOffset + size > newGrad.length) {
            throw new IllegalArgumentException("bindTo: " + size + " floats at offsets " + newOffset + "/" + newGradOffset
                    + " do not fit storage of " + newData.length + "/" + newGrad.length);
        }
        data = newData;
        offset = newOffset;
        grad = newGrad;
        gradOffset = newGradOffset;
        hasGrad = false;
    }

    // ---- gradient ----

    public boolean requiresGrad() { return requiresGrad; }

    public Tensor requiresGrad(boolean value) {
        this.requiresGrad = value;
        return this;
    }

    /** The gradient accumulated since the last zeroGrad, or null when there is none (as in PyTorch). */
    public Tensor grad() {
        if (!hasGrad) return null;
        return new Tensor(grad, gradOffset, shape);
    }

    /** Gradient storage for kernels that accumulate into it; allocates zeros on first use and marks it present. */
    public float[] gradStorage() {
        if (grad == null) {
            grad = FloatPool.acquire(size);
            gradOffset = 0;
            Arrays.fill(grad, 0f);
        } else if (!hasGrad) {
            Arrays.fill(grad, gradOffset, gradOffset + size, 0f);
        }
        hasGrad = true;
        return grad;
    }

    /**
     * Gradient storage for a kernel that OVERWRITES every element of this tensor's gradient: the
     * first contribution since zeroGrad (check {@link #hasGrad()} first). Skips the zero-fill that
     * {@link #gradStorage()} does, so dW = dYᵀ·X can be one product with beta = 0 instead of a
     * fill followed by an accumulating product. Marks the gradient present.
     */
    public float[] gradStorageToOverwrite() {
        if (grad == null) {
            grad = FloatPool.acquire(size);
            gradOffset = 0;
        }
        hasGrad = true;
        return grad;
    }

    public int gradOffset() { return gradOffset; }

    /** True when a gradient has been accumulated since the last zeroGrad. */
    public boolean hasGrad() { return hasGrad; }

    /** Forgets the gradient (storage is kept and refilled with zeros on next use). */
    public void zeroGrad() {
        hasGrad = false;
    }

    /**
     * Gives the gradient storage back to {@link FloatPool} and forgets it. Only for intermediate
     * tensors whose storage this tensor alone owns (autograd calls it once a node's backward has
     * consumed the gradient); never for parameters, whose gradients are views into a flat buffer.
     */
    public void releaseGrad() {
        FloatPool.release(grad);
        grad = null;
        gradOffset = 0;
        hasGrad = false;
    }


    public Node node() { return node; }
    public void setNode(Node n) { this.node = n; }

    public String name() { return name; }
    public Tensor named(String n) {
        this.name = n;
        return this;
    }

    /**
     * Back-propagates from this scalar through the graph that produced it, accumulating into the
     * {@code grad} of every tensor that requires it. The graph is freed afterwards (as PyTorch does
     * without retain_graph).
     */
    public void backward() {
        dev.greenml.autograd.Autograd.backward(this);
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ');
        int n = Math.min(size, 8);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            sb.append(data[offset + i]);
        }
        if (size > n) sb.append(", ...");
        return sb.append(']').toString();
    }
}
