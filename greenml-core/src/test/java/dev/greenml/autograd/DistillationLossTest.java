package dev.greenml.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused distillation loss against PyTorch 1.13 (float64) — values printed by
 * tools/golden/distillation_golden.py with the same logits, labels, T = 3 and α = 0.7 — and
 * against finite differences.
 */
class DistillationLossTest {

    private static final float[] Z = {1.0f, -0.5f, 2.0f, 0.25f, 0.0f, 3.0f, -1.0f, 0.5f, -2.0f, 0.5f, 0.75f, 1.5f};
    private static final float[] T = {2.0f, 0.0f, 1.0f, -1.0f, 0.5f, 2.5f, 0.0f, 0.0f, -1.0f, -1.0f, 2.0f, 0.5f};
    private static final int[] Y = {2, 1, 3};

    @Test void lossAndGradientMatchPyTorch() {
        Tensor z = Tensor.of(new int[] {3, 4}, Z).requiresGrad(true);
        Tensor loss = DistillationLoss.of(z, Tensor.of(new int[] {3, 4}, T), Y, 3f, 0.7f);
        assertThat(loss.item()).isCloseTo(0.44507509906809717f, within(1e-6f));
        loss.backward();
        double[] expected = {-0.06166060127660261, -0.0209955001746246, 0.026894926864557564, 0.05576117458666976,
                -0.02187076794538445, 0.03195401650636734, -0.036781907637000726, 0.02669865907601783,
                -0.030663396249861315, 0.08842916267739823, -0.07936566074560923, 0.021599894318072223};
        float[] g = z.grad().toArray();
        for (int i = 0; i < g.length; i++) assertThat((double) g[i]).as("dL/dz[%d]", i).isCloseTo(expected[i], within(1e-6));
    }

    @Test void alphaZeroIsCrossEntropyAndAlphaOneIgnoresLabels() {
        Tensor z = Tensor.of(new int[] {3, 4}, Z), t = Tensor.of(new int[] {3, 4}, T);
        assertThat(DistillationLoss.of(z, t, Y, 2f, 0f).item()).isCloseTo(Losses.crossEntropy(z, Y).item(), within(1e-6f));
        assertThat(DistillationLoss.of(z, t, Y, 2f, 1f).item()).isEqualTo(DistillationLoss.of(z, t, new int[] {0, 0, 0}, 2f, 1f).item());
        // the student equal to the teacher at alpha 1: KL = 0
        assertThat(DistillationLoss.of(t, t, Y, 4f, 1f).item()).isCloseTo(0f, within(1e-6f));
    }

    @Test void gradientMatchesFiniteDifferences() {
        Tensor t = GradCheck.random(7, 5, 6);
        int[] y = {0, 5, 2, 3, 1};
        GradCheck.check(in -> DistillationLoss.of(in[0], t, y, 2.5f, 0.4f), 1e-2, 2e-2, GradCheck.random(8, 5, 6));
    }

    @Test void badArgumentsAreNamed() {
        Tensor z = Tensor.of(new int[] {3, 4}, Z), t = Tensor.of(new int[] {3, 4}, T);
        assertThatThrownBy(() -> DistillationLoss.of(z, t, Y, 0f, 0.5f)).hasMessageContaining("--temperature");
        assertThatThrownBy(() -> DistillationLoss.of(z, t, Y, 1f, 1.5f)).hasMessageContaining("--alpha");
        assertThatThrownBy(() -> DistillationLoss.of(z, Tensor.zeros(3, 5), Y, 1f, 0.5f)).hasMessageContaining("(n, classes)");
        assertThatThrownBy(() -> DistillationLoss.of(z, t, new int[] {0, 9, 0}, 1f, 0.5f)).hasMessageContaining("label 9");
    }
}
