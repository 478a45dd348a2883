package dev.greenml.autograd;

import static dev.greenml.autograd.GradCheck.check;
import static dev.greenml.autograd.GradCheck.random;
import static dev.greenml.autograd.GradCheck.randomAwayFromZero;

import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.OnEveryBackend;
import dev.greenml.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every op's backward against finite differences, on every backend. */
class OpsGradientTest extends OnEveryBackend {


    @ParameterizedTest @MethodSource("backends")
    void matmulGradientMatchesFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> Ops.matmul(in[0], in[1]), random(1, 3, 5), random(2, 5, 4));
        check(in -> Ops.matmul(in[0], in[1]), random(3, 2, 3, 5), random(4, 5, 2));   // batched A
        check(in -> Ops.matmul(in[0], in[1]), random(5, 1, 7), random(6, 7, 3));      // a single row
    }

    @ParameterizedTest @MethodSource("backends")
    void linearGradientMatchesFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> Ops.linear(in[0], in[1], in[2]), random(1, 4, 6), random(2, 3, 6), random(3, 3));
        check(in -> Ops.linear(in[0], in[1], null), random(4, 1, 6), random(5, 3, 6));
        check(in -> Ops.linear(in[0], in[1], in[2]), random(6, 2, 3, 5), random(7, 4, 5), random(8, 4));
    }

    @ParameterizedTest @MethodSource("backends")
    void broadcastingBinaryOpsGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        for (var op : java.util.List.<java.util.function.BinaryOperator<Tensor>>of(Ops::add, Ops::sub, Ops::mul)) {
            check(in -> op.apply(in[0], in[1]), random(1, 3, 4), random(2, 3, 4));      // same shape
            check(in -> op.apply(in[0], in[1]), random(3, 3, 4), random(4, 4));         // row broadcast
            check(in -> op.apply(in[0], in[1]), random(5, 3, 4), random(6, 3, 1));      // column broadcast
            check(in -> op.apply(in[0], in[1]), random(7, 2, 3, 4), random(8, 1));      // scalar-like
            check(in -> op.apply(in[0], in[1]), random(9, 2, 1, 4), random(10, 3, 1));  // both broadcast
        }
    }

    @ParameterizedTest @MethodSource("backends")
    void activationGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> Ops.relu(in[0]), randomAwayFromZero(1, 0.05f, 4, 5));
        check(in -> Ops.gelu(in[0]), random(2, 4, 5));
        check(in -> Ops.tanh(in[0]), random(3, 4, 5));
        check(in -> Ops.sigmoid(in[0]), random(4, 4, 5));
        check(in -> Ops.scale(in[0], -2.5f), random(5, 3, 3));
    }

    @ParameterizedTest @MethodSource("backends")
    void softmaxGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> Ops.softmax(in[0]), random(1, 3, 5));
        check(in -> Ops.logSoftmax(in[0]), random(2, 3, 5));
        check(in -> Ops.softmax(in[0]), random(3, 2, 2, 4));
    }

    @ParameterizedTest @MethodSource("backends")
    void reductionGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> Ops.sum(in[0]), random(1, 3, 4));
        check(in -> Ops.mean(in[0]), random(2, 3, 4));
        check(in -> Ops.sum(in[0], 0), random(3, 3, 4));
        check(in -> Ops.sum(in[0], 1), random(4, 2, 3, 4));
        check(in -> Ops.mean(in[0], -1), random(5, 2, 3, 4));
    }

    @ParameterizedTest @MethodSource("backends")
    void shapeOpGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> Ops.reshape(in[0], 4, -1), random(1, 2, 6));
        check(in -> Ops.transpose(in[0]), random(2, 3, 5));
        check(in -> Ops.transpose(in[0]), random(3, 2, 3, 4));
        // a composite: reshape feeding a matmul and a transpose
        check(in -> Ops.matmul(Ops.transpose(Ops.reshape(in[0], 3, 2)), in[1]), random(4, 6), random(5, 3, 2));
    }

    @ParameterizedTest @MethodSource("backends")
    void lossGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        Tensor target = random(9, 4, 3);
        check(in -> Losses.mse(in[0], target), random(1, 4, 3));
        int[] labels = {2, 0, 1, 2};
        check(in -> Losses.crossEntropy(in[0], labels), random(2, 4, 3));
        // a whole MLP: loss of linear → tanh → linear against a target
        Tensor y = random(10, 5, 2);
        check(in -> Losses.mse(Ops.linear(Ops.tanh(Ops.linear(in[0], in[1], in[2])), in[3], in[4]), y),
                random(3, 5, 4), random(4, 6, 4), random(5, 6), random(6, 2, 6), random(7, 2));
    }
}
