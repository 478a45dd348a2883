package dev.greenml.autograd;

import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Reverse-mode differentiation. Ops record a {@link Node} on their output when grad mode is on and
 * an input requires a gradient; {@link #backward} orders the recorded graph topologically (the
 * tape) and runs each node's backward in reverse.
 *
 * <pre>{@code
 * try (var scope = Autograd.noGrad()) {   // inference: nothing is recorded
 *     Tensor y = model.forward(x);
 * }
 * }</pre>
 */
public final class Autograd {

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** A scope in which ops record nothing (inference mode). Scopes nest. */
    public static Scope noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return () -> NO_GRAD_DEPTH.get()[0]--;
    }

    /** Closes without a checked exception. */
    public interface Scope extends AutoCloseable {
        @Override void close();
    }

    public static boolean gradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /** True when an op over {@code inputs} must record itself. */
    static boolean needsGrad(Tensor... inputs) {
        if (!gradEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /** Records {@code out} as produced by {@code op} from {@code inputs}, if a gradient is needed. */
    static Tensor record(Tensor out, String op, Node.Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.requiresGrad(true);
            out.setNode(new Node(op, inputs, backward));
        }
        return out;
    }

    /** See {@link Tensor#backward()}. */
    public static void backward(Tensor root) {
        backward(root, 1f);
    }

    /**
     * Back-propagates {@code seed}·∂root instead of ∂root: a data-parallel worker whose loss is the
     * mean over its shard of n rows passes n / N, so that the shards' gradients add up to the
     * gradient of the mean over the whole batch of N rows.
     */
    public static void backward(Tensor root, float seed) {
        if (root.size() != 1) {
            throw new IllegalArgumentException("backward() needs a one-element loss, got shape "
                    + Shape.str(root.shape()) + "; reduce it first with sum() or mean()");
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): the loss does not depend on any tensor that requires a gradient"
                    + " (were the parameters created with requiresGrad, and is grad mode on?)");
        }
        List<Tensor> order = topologicalOrder(root);
        float[] g = root.gradStorage();
        g[root.gradOffset()] += seed;
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Node n = t.node();
            if (n != null && t.hasGrad()) {
                n.backward.apply(t);
                // Every consumer of t came later in the order and has already run, so t's gradient
                // is complete and now dead: recycle it for the gradients still to come.
                t.releaseGrad();
            }
        }
        // Free the graph: intermediate tensors drop their producer and gradient.
        for (Tensor t : order) {
            if (t.node() != null) {
                t.setNode(null);
                t.releaseGrad();
            }
        }
    }

    /** Tensors reachable from {@code root}, each after all of its inputs (iterative DFS). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();   // {tensor, next input index}
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Node n = t.node();
            if (n != null && next < n.inputs.length) {
                frame[1] = next + 1;
                Tensor in = n.inputs[next];
                if (in != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
