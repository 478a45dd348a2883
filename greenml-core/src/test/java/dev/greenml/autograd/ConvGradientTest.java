package dev.greenml.autograd;

import static dev.greenml.autograd.GradCheck.check;
import static dev.greenml.autograd.GradCheck.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.OnEveryBackend;
import dev.greenml.nn.BatchNorm2d;
import dev.greenml.nn.Dropout;
import dev.greenml.nn.Flatten;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The convolutional layers' backward against finite differences, on every backend. */
class ConvGradientTest extends OnEveryBackend {


    @ParameterizedTest @MethodSource("backends")
    void conv2dGradientMatchesFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        // padding 1, stride 1: the preset's geometry, two samples, two input channels
        check(in -> ConvOps.conv2d(in[0], in[1], in[2], 1, 1), random(1, 2, 2, 5, 5), random(2, 3, 2, 3, 3), random(3, 3));
        // stride 2, no padding, no bias, non-square input
        check(in -> ConvOps.conv2d(in[0], in[1], null, 2, 0), random(4, 1, 3, 7, 6), random(5, 2, 3, 3, 3));
        // stride 1 (the contiguous im2col/col2im path): no padding, and padding wider than the image
        check(in -> ConvOps.conv2d(in[0], in[1], in[2], 1, 0), random(15, 2, 2, 5, 4), random(16, 2, 2, 3, 2), random(17, 2));
        check(in -> ConvOps.conv2d(in[0], in[1], null, 1, 3), random(18, 1, 1, 2, 3), random(19, 2, 1, 3, 3));
        // stride 2 with padding 2 and a 1×1-channel 5×5 kernel
        check(in -> ConvOps.conv2d(in[0], in[1], in[2], 2, 2), random(6, 2, 1, 4, 4), random(7, 2, 1, 5, 5), random(8, 2));
    }

    @ParameterizedTest @MethodSource("backends")
    void poolingGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        // distinct values at least 0.1 apart, so that a ±h probe never changes which element is the maximum
        check(in -> PoolOps.maxPool2d(in[0], 2, 2), distinct(11, 2, 2, 4, 6));
        check(in -> PoolOps.maxPool2d(in[0], 3, 2), distinct(12, 1, 2, 7, 5));   // overlapping windows
        check(in -> PoolOps.avgPool2d(in[0], 2, 2), random(13, 2, 2, 4, 6));
        check(in -> PoolOps.avgPool2d(in[0], 3, 1), random(14, 1, 2, 5, 5));
    }

    /** Stride-1 convolutions (contiguous im2col rows) against a direct 7-loop convolution, padding 0 to wider than the image. */
    @Test void strideOneConvolutionMatchesADirectComputation() {
        for (int pad = 0; pad <= 3; pad++) {
            Tensor x = random(40 + pad, 2, 2, 4, 5), w = random(50 + pad, 3, 2, 3, 2);
            Tensor y = ConvOps.conv2d(x, w, null, 1, pad);
            int oh = 4 + 2 * pad - 3 + 1, ow = 5 + 2 * pad - 2 + 1;
            assertThat(y.shape()).containsExactly(2, 3, oh, ow);
            for (int n = 0; n < 2; n++) for (int o = 0; o < 3; o++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
                double sum = 0;
                for (int c = 0; c < 2; c++) for (int a = 0; a < 3; a++) for (int b = 0; b < 2; b++) {
                    int ih = i - pad + a, iw = j - pad + b;
                    if (ih >= 0 && ih < 4 && iw >= 0 && iw < 5) sum += (double) x.get(((n * 2 + c) * 4 + ih) * 5 + iw) * w.get(((o * 2 + c) * 3 + a) * 2 + b);
                }
                assertThat((double) y.get(((n * 3 + o) * oh + i) * ow + j)).as("pad %d at (%d,%d,%d,%d)", pad, n, o, i, j)
                        .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    /** The branch-free 2×2 path against a plain reference, ties and odd sizes included (the last row/column is dropped). */
    @Test void maxPoolTwoByTwoMatchesAPlainReferenceWithTies() {
        dev.greenml.tensor.Rng r = new dev.greenml.tensor.Rng(3);
        int n = 2, c = 3, h = 5, w = 7;
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = r.nextInt(4);   // few values: many ties
        Tensor in = Tensor.wrap(x, n, c, h, w).requiresGrad(true);
        Tensor y = PoolOps.maxPool2d(in, 2, 2);
        assertThat(y.shape()).containsExactly(n, c, 2, 3);
        Ops.sum(y).backward();
        float[] grad = in.grad().toArray(), expectGrad = new float[x.length];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    int best = p * h * w + 2 * i * w + 2 * j;   // first maximum in row-major order
                    for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) {
                        int at = p * h * w + (2 * i + a) * w + 2 * j + b;
                        if (x[at] > x[best]) best = at;
                    }
                    assertThat(y.get((p * 2 + i) * 3 + j)).isEqualTo(x[best]);
                    expectGrad[best] += 1f;
                }
            }
        }
        assertThat(grad).containsExactly(expectGrad);
    }

    @ParameterizedTest @MethodSource("backends")
    void batchNormGradientMatchesFiniteDifferencesInTrainingAndEval(Backend b) {
        Backends.setCurrent(b);
        Tensor rm = random(20, 3), rv = Tensor.of(new int[] {3}, 0.5f, 1.5f, 2f);
        check(in -> NormOps.batchNorm2d(in[0], in[1], in[2], Tensor.zeros(3), Tensor.full(1f, 3), true, 0.1f, 1e-5f),
                1e-2, 3e-2, random(21, 2, 3, 3, 2), random(22, 3), random(23, 3));
        check(in -> NormOps.batchNorm2d(in[0], in[1], in[2], rm, rv, false, 0.1f, 1e-5f),
                random(24, 2, 3, 2, 2), random(25, 3), random(26, 3));
    }

    @ParameterizedTest @MethodSource("backends")
    void dropoutAndFlattenGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        // a fresh layer with the same seed in every call: the same mask for every probe
        check(in -> new Dropout(0.5f, 7).forward(in[0]), random(30, 4, 6));
        check(in -> Ops.mul(new Flatten().forward(in[0]), in[1]), random(31, 2, 3, 2, 2), random(32, 2, 12));
    }

    @Test void dropoutScalesSurvivorsInTrainingAndIsTheIdentityInEval() {
        Dropout d = new Dropout(0.25f, 3);
        Tensor x = Tensor.full(2f, 10_000);
        Tensor y = d.forward(x);
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            if (y.get(i) == 0f) zeros++;
            else assertThat(y.get(i)).isEqualTo(2f / 0.75f);
        }
        assertThat(zeros).isBetween(2_300, 2_700);                                        // ≈ p·n
        assertThat(new Dropout(0.25f, 3).forward(x).toArray()).isEqualTo(y.toArray());   // seeded
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
    }

    @Test void batchNormUpdatesRunningStatisticsLikePyTorch() {
        // x holds channel 0 = {1, 2, 3, 4}, channel 1 = {−2, 0, 2, 4}: means 2.5 and 1, biased
        // variances 1.25 and 5, unbiased 5/3 and 20/3. momentum 0.1 from (0, 1):
        //   running_mean = 0.1·μ, running_var = 0.9 + 0.1·unbiased
        BatchNorm2d bn = new BatchNorm2d(2);
        Tensor x = Tensor.of(new int[] {2, 2, 1, 2}, 1, 2, -2, 0, 3, 4, 2, 4);
        Tensor y = bn.forward(x);
        assertThat(bn.runningMean.toArray()).containsExactly(new float[] {0.25f, 0.1f}, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(bn.runningVar.toArray()).containsExactly(new float[] {0.9f + 0.5f / 3, 0.9f + 2f / 3},
                org.assertj.core.data.Offset.offset(1e-6f));
        // normalized output: (1 − 2.5)/√(1.25 + 1e-5)
        assertThat(y.get(0)).isCloseTo((float) (-1.5 / Math.sqrt(1.25 + 1e-5)), org.assertj.core.data.Offset.offset(1e-5f));
        bn.eval();
        Tensor e = bn.forward(x);   // eval: (x − running_mean)/√(running_var + ε)
        assertThat(e.get(0)).isCloseTo((float) ((1 - 0.25) / Math.sqrt(0.9 + 0.5 / 3 + 1e-5)), org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(bn.runningMean.get(0)).isEqualTo(0.25f);   // eval does not update
    }

    @Test void badShapesAreRejectedWithTheShapes() {
        assertThatThrownBy(() -> ConvOps.conv2d(Tensor.zeros(1, 2, 5, 5), Tensor.zeros(3, 1, 3, 3), null, 1, 0))
                .hasMessageContaining("[1, 2, 5, 5]").hasMessageContaining("[3, 1, 3, 3]");
        // a 4×4 kernel overhangs a 3×3 input by less than the stride: still no room for one output
        assertThatThrownBy(() -> ConvOps.conv2d(Tensor.zeros(1, 1, 3, 3), Tensor.zeros(1, 1, 4, 4), null, 2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> ConvOps.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 3, 3), null, 1, 0))
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> PoolOps.maxPool2d(Tensor.zeros(1, 1, 1, 1), 2, 2)).hasMessageContaining("window does not fit");
    }

    /** A random permutation of 0, 0.1, 0.2, … shaped as given: all values distinct by 0.1. */
    private static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        int[] order = new int[t.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(seed).shuffle(order);
        for (int i = 0; i < order.length; i++) t.set(i, order[i] * 0.1f - order.length * 0.05f);
        return t;
    }
}
