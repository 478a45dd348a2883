package dev.greenml.nn;

import dev.greenml.autograd.Ops;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/** (N, d1, d2, …) → (N, d1·d2·…): a reshape, so no values are copied. */
public final class Flatten extends Module {

    @Override public Tensor forward(Tensor x) { return Ops.reshape(x, x.dim(0), -1); }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {}

    @Override public String toString() { return "Flatten()"; }
}
