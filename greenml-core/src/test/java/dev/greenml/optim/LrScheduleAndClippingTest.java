package dev.greenml.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.nn.Linear;
import dev.greenml.nn.Parameters;
import dev.greenml.tensor.Rng;
import org.junit.jupiter.api.Test;

class LrScheduleAndClippingTest {

    @Test void cosineStartsAtLrEndsAtMinAndPassesTheMidpoint() {
        LrSchedule s = LrSchedule.cosine(1f, 0.1f, 100);
        assertThat(s.lr(0)).isCloseTo(1f, within(1e-6f));
        assertThat(s.lr(50)).isCloseTo(0.55f, within(1e-6f));   // 0.1 + 0.45·(1 + cos π/2)
        assertThat(s.lr(100)).isCloseTo(0.1f, within(1e-6f));
        assertThat(s.lr(1000)).isCloseTo(0.1f, within(1e-6f));
    }

    @Test void warmupRisesLinearlyThenHandsOver() {
        LrSchedule s = LrSchedule.warmup(4, LrSchedule.constant(2f));
        assertThat(new float[] {s.lr(0), s.lr(1), s.lr(2), s.lr(3), s.lr(4)}).containsExactly(0.5f, 1f, 1.5f, 2f, 2f);
    }

    @Test void stepDecayHalvesEveryPeriod() {
        LrSchedule s = LrSchedule.stepDecay(1f, 10, 0.5f);
        assertThat(s.lr(9)).isEqualTo(1f);
        assertThat(s.lr(10)).isEqualTo(0.5f);
        assertThat(s.lr(25)).isEqualTo(0.25f);
    }

    @Test void clipGradNormScalesToTheLimitAndReportsTheOriginalNorm() {
        Linear l = new Linear(2, 1, new Rng(1));
        Parameters p = l.parameters();
        float[] g = l.weight.gradStorage();
        g[l.weight.gradOffset()] = 3f;
        g[l.weight.gradOffset() + 1] = 0f;
        l.bias.gradStorage()[l.bias.gradOffset()] = 4f;   // norm 5
        assertThat(p.clipGradNorm(1.0)).isCloseTo(5.0, within(1e-9));
        assertThat(l.weight.grad().get(0)).isCloseTo(0.6f, within(1e-5f));
        assertThat(l.bias.grad().get(0)).isCloseTo(0.8f, within(1e-5f));
        assertThat(p.clipGradNorm(10.0)).isCloseTo(1.0, within(1e-5));   // under the limit: untouched
    }
}
