package dev.greenml.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.function.Function;

/**
 * Finite-difference gradient check: compares the gradient that backward() accumulates with the
 * central difference (L(x+h) − L(x−h)) / 2h of a scalar L = Σ f(inputs) ⊙ R, where R is a fixed
 * random tensor (so every output element influences L differently).
 */
final class GradCheck {

    private GradCheck() {}

    static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, 1e-2, 2e-2, inputs);
    }

    static void check(Function<Tensor[], Tensor> f, double h, double tolerance, Tensor... inputs) {
        for (Tensor t : inputs) t.requiresGrad(true);
        Tensor probe = f.apply(inputs);
        Tensor r = Tensor.zeros(probe.shape());
        new Rng(99).fillUniform(r, -1f, 1f);

        Tensor loss = Ops.sum(Ops.mul(f.apply(inputs), r));
        loss.backward();

        for (int which = 0; which < inputs.length; which++) {
            Tensor x = inputs[which];
            float[] analytic = x.grad().toArray();
            for (int i = 0; i < x.size(); i++) {
                float saved = x.get(i);
                x.set(i, (float) (saved + h));
                double plus = lossValue(f, inputs, r);
                x.set(i, (float) (saved - h));
                double minus = lossValue(f, inputs, r);
                x.set(i, saved);
                double numeric = (plus - minus) / (2 * h);
                double scale = Math.max(1.0, Math.abs(numeric));
                assertThat(Math.abs(analytic[i] - numeric) / scale)
                        .as("input %d element %d: analytic %s vs numeric %s", which, i, analytic[i], numeric)
                        .isLessThan(tolerance);
            }
        }
    }

    private static double lossValue(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor r) {
        try (var scope = Autograd.noGrad()) {
            Tensor out = f.apply(inputs);
            double s = 0;
            for (int i = 0; i < out.size(); i++) s += (double) out.get(i) * r.get(i);
            return s;
        }
    }

    static Tensor random(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        new Rng(seed).fillUniform(t, -1f, 1f);
        return t;
    }

    /** Random values kept at least {@code margin} away from 0 (for relu's kink). */
    static Tensor randomAwayFromZero(long seed, float margin, int... shape) {
        Tensor t = random(seed, shape);
        for (int i = 0; i < t.size(); i++) {
            float v = t.get(i);
            if (Math.abs(v) < margin) t.set(i, v < 0 ? v - margin : v + margin);
        }
        return t;
    }
}
