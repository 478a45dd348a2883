package dev.greenml.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruningTest {

    private static Mlp model() {
        return new Mlp(new Mlp.Config(new int[] {13, 7, 5, 3}, Activation.Kind.RELU), new Rng(5));   // 91 + 35 + 15 weights
    }

    private static long zeros(Tensor t) {
        long z = 0;
        for (int i = 0; i < t.size(); i++) if (t.get(i) == 0f) z++;
        return z;
    }

    @Test void perLayerPruningZeroesExactlyRoundedFractionOfEachLayer() {
        for (double s : new double[] {0, 0.1, 0.5, 0.8, 0.95}) {
            Mlp m = model();
            Pruning.Masks masks = Pruning.magnitude(m, s, false);
            for (Map.Entry<String, Tensor> e : Pruning.prunable(m).entrySet()) {
                long expected = Math.round(s * e.getValue().size());
                assertThat(zeros(e.getValue())).as("%s at sparsity %s", e.getKey(), s).isEqualTo(expected);
                assertThat(masks.pruned(e.getKey())).isEqualTo(expected);
            }
            assertThat(zeros(m.namedParameters().get("0.bias"))).as("biases untouched").isZero();
        }
    }

    @Test void globalPruningZeroesExactlyRoundedFractionOfAllWeightsSmallestFirst() {
        Mlp m = model();
        float[] before = new float[141];
        int k = 0;
        for (Tensor t : Pruning.prunable(m).values()) for (int i = 0; i < t.size(); i++) before[k++] = Math.abs(t.get(i));
        Pruning.magnitude(m, 0.6, true);
        long total = 0, z = 0;
        float maxPruned = 0, minKept = Float.MAX_VALUE;
        k = 0;
        for (Tensor t : Pruning.prunable(m).values()) {
            total += t.size();
            z += zeros(t);
            for (int i = 0; i < t.size(); i++, k++) {
                if (t.get(i) == 0f) maxPruned = Math.max(maxPruned, before[k]);
                else minKept = Math.min(minKept, before[k]);
            }
        }
        assertThat(total).isEqualTo(141);
        assertThat(z).isEqualTo(Math.round(0.6 * 141));   // 85
        assertThat(maxPruned).isLessThanOrEqualTo(minKept);
    }

    @Test void tiesAreBrokenByPositionSoTheCountStaysExact() {
        Mlp m = model();
        for (Tensor t : Pruning.prunable(m).values()) for (int i = 0; i < t.size(); i++) t.set(i, 0.25f);   // all equal
        Pruning.magnitude(m, 0.5, true);
        Tensor first = m.namedParameters().get("0.weight");
        assertThat(zeros(first) + zeros(m.namedParameters().get("2.weight")) + zeros(m.namedParameters().get("4.weight")))
                .isEqualTo(Math.round(0.5 * 141));   // 71 = round(70.5): the first 71 positions, all in 0.weight
        assertThat(zeros(first)).isEqualTo(71);
        for (int i = 0; i < 71; i++) assertThat(first.get(i)).isZero();
    }

    @Test void maskIsReappliedAfterUpdates() {
        Mlp m = model();
        Pruning.Masks masks = Pruning.magnitude(m, 0.5, false);
        Tensor w = m.namedParameters().get("0.weight");
        for (int i = 0; i < w.size(); i++) w.set(i, w.get(i) + 0.01f);   // as an optimizer step would
        masks.apply();
        assertThat(zeros(w)).isEqualTo(Math.round(0.5 * 91));
    }

    @Test void fineTuningWithTheMaskReappliedKeepsTheExactSparsity() {
        Mlp m = model();
        Pruning.Masks masks = Pruning.magnitude(m, 0.7, true);
        Rng rng = new Rng(9);
        float[] x = new float[64 * 13];
        int[] y = new int[64];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(3);
        var config = new dev.greenml.train.TrainConfig("cross-entropy", "adam", 0.01f, 3, 8, 1, -1, 0, true);
        Map<String, float[]> before = new java.util.HashMap<>();
        Pruning.prunable(m).forEach((n, t) -> before.put(n, t.toArray()));
        new dev.greenml.train.Trainer(m, config).fit(dev.greenml.data.Dataset.classification(x, 13, y), null,
                new dev.greenml.train.Trainer.Listener() {
                    @Override public void onStep(int epoch, int step, int steps, float loss, int rows) { masks.apply(); }
                });
        long zeros = 0, changed = 0;
        for (Map.Entry<String, Tensor> e : Pruning.prunable(m).entrySet()) {
            zeros += zeros(e.getValue());
            float[] b = before.get(e.getKey());
            for (int i = 0; i < b.length; i++) if (b[i] != 0f && e.getValue().get(i) != b[i]) changed++;
        }
        assertThat(zeros).isEqualTo(Math.round(0.7 * 141));
        assertThat(changed).as("the surviving weights were trained").isPositive();
    }

    @Test void badSparsityIsRefused() {
        assertThatThrownBy(() -> Pruning.magnitude(model(), 1.0, true)).hasMessageContaining("--sparsity must be in [0, 1)");
        assertThatThrownBy(() -> Pruning.magnitude(model(), -0.1, true)).hasMessageContaining("--sparsity");
    }
}
