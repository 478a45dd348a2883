package dev.greenml.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor w = Tensor.of(new int[] {2}, 1f, 2f).requiresGrad(true);
        Ops.sum(Ops.mul(w, Tensor.of(new int[] {2}, 3f, 4f))).backward();
        Ops.sum(Ops.mul(w, Tensor.of(new int[] {2}, 3f, 4f))).backward();
        assertThat(w.grad().toArray()).containsExactly(6f, 8f);
        w.zeroGrad();
        assertThat(w.grad()).isNull();
        Ops.sum(w).backward();
        assertThat(w.grad().toArray()).containsExactly(1f, 1f);
    }

    @Test void aTensorUsedTwiceReceivesBothGradients() {
        Tensor x = Tensor.of(new int[] {1}, 3f).requiresGrad(true);
        Ops.sum(Ops.mul(x, x)).backward();   // d(x²)/dx = 2x
        assertThat(x.grad().item()).isEqualTo(6f);
    }

    @Test void noGradRecordsNothing() {
        Tensor w = Tensor.of(new int[] {2}, 1f, 2f).requiresGrad(true);
        Tensor y;
        try (var scope = Autograd.noGrad()) {
            y = Ops.relu(w);
        }
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.node()).isNull();
        assertThat(Autograd.gradEnabled()).isTrue();
    }

    @Test void backwardOnANonScalarSaysHowToFixIt() {
        Tensor w = Tensor.of(new int[] {2}, 1f, 2f).requiresGrad(true);
        assertThatThrownBy(() -> Ops.relu(w).backward())
                .hasMessageContaining("one-element loss").hasMessageContaining("sum() or mean()");
    }

    @Test void shapeErrorsNameBothShapes() {
        assertThatThrownBy(() -> Ops.linear(Tensor.zeros(32, 999), Tensor.zeros(200, 1000), Tensor.zeros(200)))
                .hasMessage("Linear(in=1000, out=200) got input shape [32, 999]; the last dimension must be 1000");
        assertThatThrownBy(() -> Ops.add(Tensor.zeros(2, 3), Tensor.zeros(4)))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Losses.crossEntropy(Tensor.zeros(2, 3), new int[] {0, 3}))
                .hasMessageContaining("target 3 at row 1");
    }

    @Test void theGraphIsFreedAfterBackward() {
        Tensor w = Tensor.of(new int[] {2}, 1f, 2f).requiresGrad(true);
        Tensor h = Ops.relu(w);
        Ops.sum(h).backward();
        assertThat(h.node()).isNull();
    }
}
