package dev.greenml.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.BackendsUnderTest;
import dev.greenml.tensor.Tensor;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first backward contribution to a gradient since zeroGrad is written (beta 0, no zero-fill)
 * and later ones are added: so a second backward without zeroGrad must double every gradient (up
 * to the order of the bias's row sums), a tensor feeding two ops must receive both contributions,
 * and zeroGrad must leave no stale value behind — on every route of the linear op (batch 1 with
 * its outer-product dW, a small batch with the transposed forward, a larger one).
 */
class FirstContributionTest {

    static Iterable<Backend> backends() {
        return BackendsUnderTest.all();
    }

    private record Net(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        static Net random() {
            return new Net(GradCheck.random(1, 16, 40).requiresGrad(true), GradCheck.random(2, 16).requiresGrad(true),
                    GradCheck.random(3, 3, 16).requiresGrad(true), GradCheck.random(4, 3).requiresGrad(true));
        }

        Tensor loss(Tensor x, Tensor y) {
            Tensor h = Ops.relu(Ops.linear(x, w1, b1));
            return Losses.mse(Ops.linear(h, w2, b2), y);
        }

        Tensor[] all() {
            return new Tensor[] {w1, b1, w2, b2};
        }
    }

    private static float[][] grads(Net n) {
        Tensor[] p = n.all();
        float[][] g = new float[p.length][];
        for (int i = 0; i < p.length; i++) g[i] = p[i].grad().toArray();
        return g;
    }

    private static void zero(Net n) {
        for (Tensor t : n.all()) t.zeroGrad();
    }

    private static <T> T on(Backend backend, Supplier<T> work) {
        Backend before = Backends.current();
        Backends.setCurrent(backend);
        try {
            return work.get();
        } finally {
            Backends.setCurrent(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void secondBackwardDoublesAndZeroGradForgets(Backend backend) {
        on(backend, () -> {
            for (int batch : new int[] {1, 5, 70}) {
                Net n = Net.random();
                Tensor x = GradCheck.random(10 + batch, batch, 40), y = GradCheck.random(20 + batch, batch, 3);
                n.loss(x, y).backward();
                float[][] once = grads(n);
                n.loss(x, y).backward();
                float[][] twice = grads(n);
                for (int i = 0; i < once.length; i++) {
                    float[] doubled = once[i].clone();
                    for (int j = 0; j < doubled.length; j++) doubled[j] *= 2f;
                    for (int j = 0; j < doubled.length; j++) {
                        assertThat(twice[i][j]).as("batch %d parameter %d [%d]", batch, i, j)
                                .isCloseTo(doubled[j], org.assertj.core.data.Offset.offset(1e-6f + 1e-6f * Math.abs(doubled[j])));
                    }
                }
                zero(n);
                n.loss(x, y).backward();
                float[][] again = grads(n);
                for (int i = 0; i < once.length; i++) {
                    assertThat(again[i]).as("batch %d parameter %d after zeroGrad", batch, i).containsExactly(once[i]);
                }
            }
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aWeightSharedByTwoLayersGetsTheSumOfBoth(Backend backend) {
        on(backend, () -> {
            Tensor w = GradCheck.random(5, 8, 8).requiresGrad(true);
            Tensor x = GradCheck.random(6, 3, 8), y = GradCheck.random(7, 3, 8);
            // loss(w) = mse(relu(x·wᵀ)·wᵀ, y): w receives a contribution from each linear
            Losses.mse(Ops.linear(Ops.relu(Ops.linear(x, w, null)), w, null), y).backward();
            float[] shared = w.grad().toArray();
            // the same function with the two uses split into separate tensors holding the same values
            Tensor w1 = Tensor.of(new int[] {8, 8}, w.toArray()).requiresGrad(true);
            Tensor w2 = Tensor.of(new int[] {8, 8}, w.toArray()).requiresGrad(true);
            Losses.mse(Ops.linear(Ops.relu(Ops.linear(x, w1, null)), w2, null), y).backward();
            float[] g1 = w1.grad().toArray(), g2 = w2.grad().toArray();
            for (int i = 0; i < shared.length; i++) {
                assertThat(shared[i]).as("dW[%d]", i).isCloseTo(g1[i] + g2[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
            return null;
        });
    }
}
