package dev.greenml.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.autograd.Losses;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Linear;
import dev.greenml.nn.Module;
import dev.greenml.nn.Parameters;
import dev.greenml.nn.Sequential;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Optimizers and a tiny MLP against values computed independently.
 *
 * <p>Hand-computed: with a constant gradient g, Adam's bias-corrected moments are exactly
 * m̂ = g and v̂ = g², so each step moves p by lr·g/(|g| + ε) ≈ lr·sign(g). AdamW first shrinks
 * p by (1 − lr·λ).
 *
 * <p>Tiny MLP: Linear(3,4) → ReLU → Linear(4,2) with fixed weights, 3 optimizer steps; the
 * expected numbers were printed by PyTorch 1.13 (Debian python3-torch, float32) running
 * tools/golden/tiny_mlp_golden.py, which sets the same weights and data.
 */
class GoldenValuesTest {

    @Test void adamMatchesHandComputedSteps() {
        Tensor p = Tensor.of(new int[] {2}, 1f, -2f).requiresGrad(true);
        Parameters params = new Single(p).parameters();
        Adam adam = new Adam(params, 0.1f);
        for (int step = 0; step < 3; step++) {
            adam.zeroGrad();
            setGrad(p, 0.5f, -0.1f);
            adam.step();
        }
        // 1 − 3·0.1 and −2 + 3·0.1
        assertThat(p.get(0)).isCloseTo(0.7f, within(1e-6f));
        assertThat(p.get(1)).isCloseTo(-1.7f, within(1e-6f));
    }

    @Test void adamWMatchesHandComputedSteps() {
        Tensor p = Tensor.of(new int[] {1}, 1f).requiresGrad(true);
        AdamW adamw = new AdamW(new Single(p).parameters(), 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f);
        float expected = 1f;
        for (int step = 0; step < 3; step++) {
            adamw.zeroGrad();
            setGrad(p, 0.5f);
            adamw.step();
            expected = expected * (1f - 0.1f * 0.1f) - 0.1f;   // shrink, then a unit Adam step
        }
        assertThat(expected).isCloseTo(0.673289f, within(1e-6f));   // 0.89 → 0.7811 → 0.673289
        assertThat(p.get(0)).isCloseTo(0.673289f, within(1e-6f));
    }

    @Test void aParameterWithoutGradientIsSkippedLikePyTorch() {
        Tensor a = Tensor.of(new int[] {1}, 1f).requiresGrad(true);
        Tensor b = Tensor.of(new int[] {1}, 5f).requiresGrad(true);
        Parameters params = new Single(a, b).parameters();
        AdamW opt = new AdamW(params, 0.1f);
        opt.zeroGrad();
        setGrad(a, 1f);
        opt.step();
        assertThat(b.get(0)).isEqualTo(5f);   // no gradient: no update, not even weight decay
        assertThat(a.get(0)).isLessThan(1f);
    }

    // ---- tiny MLP against PyTorch ----

    static final float[] W1 = {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, -0.7f, 0.8f, 0.9f, 0.05f, -0.15f, 0.25f};
    static final float[] B1 = {0.01f, -0.02f, 0.03f, -0.04f};
    static final float[] W2 = {0.2f, -0.3f, 0.1f, 0.4f, -0.5f, 0.6f, -0.2f, 0.3f};
    static final float[] B2 = {0.05f, -0.05f};
    static final Tensor X = Tensor.of(new int[] {2, 3}, 1f, 2f, -1f, 0.5f, -1.5f, 2f);
    static final Tensor Y = Tensor.of(new int[] {2, 2}, 0.3f, -0.2f, 1f, 0.5f);
    static final int[] LABELS = {1, 0};

    private static Sequential tinyMlp() {
        Rng rng = new Rng(0);
        Linear l1 = new Linear(3, 4, rng), l2 = new Linear(4, 2, rng);
        System.arraycopy(W1, 0, l1.weight.data(), l1.weight.offset(), W1.length);
        System.arraycopy(B1, 0, l1.bias.data(), l1.bias.offset(), B1.length);
        System.arraycopy(W2, 0, l2.weight.data(), l2.weight.offset(), W2.length);
        System.arraycopy(B2, 0, l2.bias.data(), l2.bias.offset(), B2.length);
        return new Sequential(l1, new Activation(Activation.Kind.RELU), l2);
    }

    private static float[] train(Sequential m, Function<Parameters, Optimizer> make, boolean mse, float[] lossesOut) {
        Optimizer opt = make.apply(m.parameters());
        float[] firstOutput = null;
        for (int step = 0; step < 3; step++) {
            Tensor out = m.forward(X);
            if (step == 0) firstOutput = out.toArray();
            Tensor loss = mse ? Losses.mse(out, Y) : Losses.crossEntropy(out, LABELS);
            lossesOut[step] = loss.item();
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        return firstOutput;
    }

    @Test void tinyMlpWithAdamMatchesPyTorch() {
        Sequential m = tinyMlp();
        float[] losses = new float[3];
        float[] out0 = train(m, p -> new Adam(p, 0.01f), true, losses);
        assertClose(out0, -0.541000009f, 1.13200009f, 0.55400002f, -0.373000026f);
        assertClose(losses, 0.860637605f, 0.765224874f, 0.67718029f);
        assertClose(m.namedParameters().get("0.weight").toArray(), 0.0701331422f, -0.170133144f, 0.270133138f,
                0.370099545f, 0.470099539f, -0.570099592f, -0.670059443f, 0.829880416f, 0.870153725f,
                0.0799475238f, -0.17994754f, 0.279947519f);
        assertClose(m.namedParameters().get("0.bias").toArray(), -0.0198668633f, -0.0499004722f, 0.0599779375f, -0.010052477f);
        assertClose(m.namedParameters().get("2.weight").toArray(), 0.229769409f, -0.270120054f, 0.130049065f,
                0.429974943f, -0.470176488f, 0.570103765f, -0.172513366f, 0.33000201f);
        assertClose(m.namedParameters().get("2.bias").toArray(), 0.0799076632f, -0.079963617f);
    }

    @Test void tinyMlpWithAdamWMatchesPyTorch() {
        Sequential m = tinyMlp();
        float[] losses = new float[3];
        train(m, p -> new AdamW(p, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f), true, losses);
        assertClose(losses, 0.860637605f, 0.763334394f, 0.673855424f);
        assertClose(m.namedParameters().get("0.weight").toArray(), 0.069868505f, -0.169568807f, 0.269269109f,
                0.368935198f, 0.468635499f, -0.568335891f, -0.667995155f, 0.827447772f, 0.867492318f,
                0.0797673464f, -0.179467678f, 0.27916795f);
        assertClose(m.namedParameters().get("2.bias").toArray(), 0.0797279626f, -0.0797790363f);
    }

    @Test void tinyMlpWithAdamL2MatchesPyTorch() {
        Sequential m = tinyMlp();
        float[] losses = new float[3];
        train(m, p -> new Adam(p, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f), true, losses);
        assertClose(losses, 0.860637605f, 0.765224874f, 0.6771788f);
        assertClose(m.namedParameters().get("2.weight").toArray(), 0.229714245f, -0.270116627f, 0.130048782f,
                0.429953545f, -0.470154434f, 0.570099056f, -0.171746373f, 0.329998821f);
    }

    @Test void tinyMlpWithSgdMomentumAndCrossEntropyMatchesPyTorch() {
        Sequential m = tinyMlp();
        float[] losses = new float[3];
        train(m, p -> new Sgd(p, 0.1f, 0.9f, 0f, 0.01f, false), false, losses);
        assertClose(losses, 0.252714276f, 0.228633106f, 0.188757092f);
        assertClose(m.namedParameters().get("0.bias").toArray(), 0.0631364733f, 0.0182994325f, 0.0459891632f, -0.0312804356f);
        assertClose(m.namedParameters().get("2.weight").toArray(), 0.27387619f, -0.38173449f, 0.121609569f,
                0.450773478f, -0.572194695f, 0.680052936f, -0.22104907f, 0.245302901f);
    }

    @Test void tinyMlpWithNesterovMatchesPyTorch() {
        Sequential m = tinyMlp();
        float[] losses = new float[3];
        train(m, p -> new Sgd(p, 0.1f, 0.9f, 0f, 0f, true), false, losses);
        assertClose(losses, 0.252714276f, 0.207678914f, 0.156251103f);
        assertClose(m.namedParameters().get("2.bias").toArray(), 0.0927912965f, -0.0927913189f);
    }

    private static void assertClose(float[] actual, float... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(2e-6f + 2e-5f * Math.abs(expected[i])));
        }
    }

    private static void setGrad(Tensor p, float... g) {
        float[] storage = p.gradStorage();
        System.arraycopy(g, 0, storage, p.gradOffset(), g.length);
    }

    /** A module holding bare tensors as parameters. */
    private static final class Single extends Module {
        private final Tensor[] ts;
        Single(Tensor... ts) { this.ts = ts; }
        @Override public Tensor forward(Tensor x) { return x; }
        @Override protected void collectParameters(String prefix, java.util.Map<String, Tensor> out) {
            for (int i = 0; i < ts.length; i++) out.put(prefix + "p" + i, ts[i]);
        }
    }
}
