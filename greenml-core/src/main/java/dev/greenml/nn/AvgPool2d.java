package dev.greenml.nn;

import dev.greenml.autograd.PoolOps;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/** Mean over K×K windows, stride K (as PyTorch's nn.AvgPool2d(K)). */
public final class AvgPool2d extends Module {

    public final int kernel;

    public AvgPool2d(int kernel) {
        this.kernel = kernel;
    }

    @Override public Tensor forward(Tensor x) { return PoolOps.avgPool2d(x, kernel, kernel); }

    @Override protected void collectParameters(String prefix, Map<String, Tensor> out) {}

    @Override public String toString() { return "AvgPool2d(" + kernel + ")"; }
}
