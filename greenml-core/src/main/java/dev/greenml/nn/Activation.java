package dev.greenml.nn;

import dev.greenml.autograd.Ops;
import dev.greenml.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A parameter-free elementwise layer: relu, gelu, tanh or sigmoid. */
public final class Activation extends Module {

    /** The activations a spec may name. */
    public enum Kind {
        RELU(Ops::relu), GELU(Ops::gelu), TANH(Ops::tanh), SIGMOID(Ops::sigmoid);

        final UnaryOperator<Tensor> f;
        Kind(UnaryOperator<Tensor> f) { this.f = f; }

        public String id() { return name().toLowerCase(); }

        /** Parses "relu" etc.; the error lists the valid names. */
        public static Kind parse(String s) {
            for (Kind k : values()) if (k.id().equalsIgnoreCase(s.trim())) return k;
            throw new IllegalArgumentException("unknown activation '" + s + "'; choose one of "
                    + Arrays.stream(values()).map(Kind::id).toList());
        }
    }

    public final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    @Override public Tensor forward(Tensor x) {
        return kind.f.apply(x);
    }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {}

    @Override public String toString() {
        return kind.name().charAt(0) + kind.id().substring(1) + "()";
    }
}
