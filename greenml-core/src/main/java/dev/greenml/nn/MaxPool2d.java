package dev.greenml.nn;

import dev.greenml.autograd.PoolOps;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/** Max over K×K windows, stride K (as PyTorch's nn.MaxPool2d(K)). */
public final class MaxPool2d extends Module {

    public final int kernel;

    public MaxPool2d(int kernel) {
        this.kernel = kernel;
    }

    @Override public Tensor forward(Tensor x) { return PoolOps.maxPool2d(x, kernel, kernel); }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {}

    @Override public String toString() { return "MaxPool2d(" + kernel + ")"; }
}
