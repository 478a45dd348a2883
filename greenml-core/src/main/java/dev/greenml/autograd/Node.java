package dev.greenml.autograd;

import dev.greenml.tensor.Tensor;

/**
 * One recorded op: the inputs it read and how to push the output's gradient back to them.
 * Each op in {@link Ops} and {@link Losses} writes its backward next to its forward.
 */
public final class Node {

    /** Reads {@code out}'s gradient and accumulates into the gradients of the op's inputs. */
    @FunctionalInterface
    public interface Backward {
        void apply(Tensor out);
    }

    final String op;
    final Tensor[] inputs;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String op() { return op; }
}
