package dev.greenml.autograd;

import static dev.greenml.autograd.GradCheck.check;
import static dev.greenml.autograd.GradCheck.random;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.OnEveryBackend;
import dev.greenml.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The transformer ops (layer norm, causal attention, embedding, conv1d, gelu_tanh): finite differences, a naive reference, causality. */
class TransformerOpsTest extends OnEveryBackend {


    @ParameterizedTest @MethodSource("backends")
    void layerNormGradientMatchesFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> LayerNormOps.layerNorm(in[0], in[1], in[2], 1e-5f), random(1, 2, 3, 6), random(2, 6), random(3, 6));
        // a row of 37: whole vectors (8 or 16 lanes) and a scalar tail, both checked
        check(in -> LayerNormOps.layerNorm(in[0], in[1], in[2], 1e-5f), random(12, 2, 37), random(13, 37), random(14, 37));
    }

    @ParameterizedTest @MethodSource("backends")
    void attentionGradientMatchesFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> AttentionOps.causalSelfAttention(in[0], 2), random(4, 2, 5, 3 * 8));
        check(in -> AttentionOps.causalSelfAttention(in[0], 1), random(5, 1, 3, 3 * 4));
    }

    @ParameterizedTest @MethodSource("backends")
    void conv1dEmbeddingAndGeluTanhGradientsMatchFiniteDifferences(Backend b) {
        Backends.setCurrent(b);
        check(in -> TransformerOps.conv1d(in[0], in[1], in[2]), random(6, 2, 3, 5), random(7, 5, 4), random(8, 4));
        // x, W and b each feeding two projections: the first contribution overwrites, the second must add
        check(in -> Ops.add(TransformerOps.conv1d(in[0], in[1], in[2]), TransformerOps.geluTanh(TransformerOps.conv1d(in[0], in[1], in[2]))),
                random(15, 2, 3, 5), random(16, 5, 4), random(17, 4));
        int[] ids = {3, 0, 3, 1, 2, 2};   // repeated ids: the scatter-add must accumulate
        check(in -> TransformerOps.embed(in[0], in[1], ids, 2, 3), random(9, 4, 5), random(10, 3, 5));
        check(in -> TransformerOps.geluTanh(in[0]), random(11, 3, 7));
    }

    /**
     * The fused op against the same attention composed from existing ops (matmul, scale, add of a
     * −1e9 mask, softmax), with heads split and merged by 0/1 selection matrices; B = 1.
     */
    @ParameterizedTest @MethodSource("backends")
    void attentionMatchesNaiveCompositionInValueAndGradient(Backend b) {
        Backends.setCurrent(b);
        int t = 5, c = 6, heads = 2, d = c / heads;
        Tensor qkv1 = random(12, 1, t, 3 * c).requiresGrad(true);
        Tensor qkv2 = Tensor.of(qkv1.shape(), qkv1.toArray()).requiresGrad(true);
        Tensor r = random(13, 1, t, c);

        Tensor fused = AttentionOps.causalSelfAttention(qkv1, heads);
        Ops.sum(Ops.mul(fused, r)).backward();

        Tensor x = Ops.reshape(qkv2, t, 3 * c);
        Tensor mask = Tensor.zeros(t, t);
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) mask.set(i * t + j, -1e9f);
        Tensor naive = null;
        for (int h = 0; h < heads; h++) {
            Tensor q = Ops.matmul(x, select(3 * c, h * d, d));
            Tensor k = Ops.matmul(x, select(3 * c, c + h * d, d));
            Tensor v = Ops.matmul(x, select(3 * c, 2 * c + h * d, d));
            Tensor s = Ops.add(Ops.scale(Ops.matmul(q, Ops.transpose(k)), (float) (1 / Math.sqrt(d))), mask);
            Tensor y = Ops.matmul(Ops.matmul(Ops.softmax(s), v), Ops.transpose(select(c, h * d, d)));   // place columns
            naive = naive == null ? y : Ops.add(naive, y);
        }
        naive = Ops.reshape(naive, 1, t, c);
        Ops.sum(Ops.mul(naive, r)).backward();

        for (int i = 0; i < fused.size(); i++) assertThat(fused.get(i)).isCloseTo(naive.get(i), org.assertj.core.data.Offset.offset(1e-5f));
        float[] g1 = qkv1.grad().toArray(), g2 = qkv2.grad().toArray();
        for (int i = 0; i < g1.length; i++) assertThat(g1[i]).as("dqkv[%d]", i).isCloseTo(g2[i], org.assertj.core.data.Offset.offset(1e-5f));
    }

    /** (rows, n) with ones at (from + j, j): x · select picks columns from … from+n. */
    private static Tensor select(int rows, int from, int n) {
        Tensor s = Tensor.zeros(rows, n);
        for (int j = 0; j < n; j++) s.set((from + j) * n + j, 1f);
        return s;
    }

    @ParameterizedTest @MethodSource("backends")
    void attentionIsCausal(Backend b) {
        Backends.setCurrent(b);
        int t = 6, c = 8, future = 4;
        Tensor qkv = random(14, 2, t, 3 * c);
        float[] before = AttentionOps.causalSelfAttention(qkv, 2).toArray();
        for (int bi = 0; bi < 2; bi++) {   // change everything at position `future` (its q, k and v)
            for (int j = 0; j < 3 * c; j++) qkv.set((bi * t + future) * 3 * c + j, 5f + j);
        }
        float[] after = AttentionOps.causalSelfAttention(qkv, 2).toArray();
        for (int bi = 0; bi < 2; bi++) {
            for (int pos = 0; pos < t; pos++) {
                boolean same = true;
                for (int j = 0; j < c; j++) same &= before[(bi * t + pos) * c + j] == after[(bi * t + pos) * c + j];
                assertThat(same).as("batch %d position %d unchanged", bi, pos).isEqualTo(pos < future);
            }
        }
    }
}
