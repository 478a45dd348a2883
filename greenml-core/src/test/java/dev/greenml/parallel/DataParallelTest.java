package dev.greenml.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.autograd.Losses;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.BackendsUnderTest;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Cnn;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.optim.Adam;
import dev.greenml.optim.AdamW;
import dev.greenml.optim.Optimizer;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training must compute what one thread computes over the whole batch: the same mean
 * loss and the same gradient (the shards' sums differ from the one-thread sums only in rounding).
 */
class DataParallelTest {

    static Stream<Backend> backends() {
        return BackendsUnderTest.all().stream();
    }

    private static Mlp mlp(long seed) {
        return new Mlp(new Mlp.Config(new int[] {12, 9, 5, 1}, Activation.Kind.RELU), new Rng(seed));
    }

    private static float[] random(int n, long seed) {
        Rng r = new Rng(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static Tensor rows(float[] a, int cols, int from, int to) {
        return Tensor.view(a, from * cols, to - from, cols);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gradientOfTheWholeBatchFromShardsOfUnequalSize(Backend backend) {
        Backends.runWith(backend, () -> {
            int n = 7;                                   // 3 threads: shards of 2, 2 and 3 rows
            float[] x = random(n * 12, 1), y = random(n, 2);
            Mlp single = mlp(5), parallel = mlp(5);
            Tensor loss = Losses.mse(single.forward(rows(x, 12, 0, n)), rows(y, 1, 0, n));
            loss.backward();
            float dpLoss;
            try (DataParallel dp = new DataParallel(parallel, 3)) {
                dpLoss = dp.forwardBackward(n, (replica, shard, from, to) ->
                        Losses.mse(replica.forward(rows(x, 12, from, to)), rows(y, 1, from, to)));
            }
            assertThat(dpLoss).isCloseTo(loss.item(), org.assertj.core.data.Offset.offset(1e-6f * Math.abs(loss.item()) + 1e-7f));
            float[] g1 = single.parameters().grad(), g2 = parallel.parameters().grad();
            assertThat(g2).hasSameSizeAs(g1);
            double maxAbs = 0;
            for (float v : g1) maxAbs = Math.max(maxAbs, Math.abs(v));
            assertThat(maxAbs).isGreaterThan(1e-3);      // the gradient is not trivially zero
            for (int i = 0; i < g1.length; i++) {
                assertThat(Math.abs(g2[i] - g1[i])).as("gradient %d", i).isLessThan((float) (1e-5 * maxAbs));
            }
            for (Tensor t : parallel.parameters().tensors()) assertThat(t.hasGrad()).isTrue();
        });
    }

    @Test
    void gradientsAccumulateUntilZeroGradAndTinyBatchesUseFewerShards() {
        float[] x = random(2 * 12, 3), y = random(2, 4);
        Mlp single = mlp(6), parallel = mlp(6);
        for (int rep = 0; rep < 2; rep++) {
            Losses.mse(single.forward(rows(x, 12, 0, 2)), rows(y, 1, 0, 2)).backward();
        }
        int[] shardsSeen = new int[4];
        try (DataParallel dp = new DataParallel(parallel, 4)) {   // 2 rows, 4 threads: 2 shards
            for (int rep = 0; rep < 2; rep++) {
                dp.forwardBackward(2, (replica, shard, from, to) -> {
                    synchronized (shardsSeen) { shardsSeen[shard] += to - from; }
                    return Losses.mse(replica.forward(rows(x, 12, from, to)), rows(y, 1, from, to));
                });
            }
        }
        assertThat(shardsSeen).containsExactly(2, 2, 0, 0);
        float[] g1 = single.parameters().grad(), g2 = parallel.parameters().grad();
        for (int i = 0; i < g1.length; i++) assertThat(g2[i]).isCloseTo(g1[i], org.assertj.core.data.Offset.offset(1e-5f));
    }

    /** Ten Adam steps: replicas must see the master's updated weights at every step. */
    @ParameterizedTest
    @MethodSource("backends")
    void trainingFollowsTheOneThreadTrajectory(Backend backend) {
        Backends.runWith(backend, () -> {
            int n = 16;
            float[] x = random(n * 12, 7), y = random(n, 8);
            Mlp single = mlp(9), parallel = mlp(9);
            Adam a1 = new Adam(single.parameters(), 0.01f), a2 = new Adam(parallel.parameters(), 0.01f);
            float last1 = 0, last2 = 0;
            try (DataParallel dp = new DataParallel(parallel, 2)) {
                for (int step = 0; step < 10; step++) {
                    Tensor loss = Losses.mse(single.forward(rows(x, 12, 0, n)), rows(y, 1, 0, n));
                    loss.backward();
                    a1.step();
                    a1.zeroGrad();
                    last1 = loss.item();
                    last2 = dp.forwardBackward(n, (replica, shard, from, to) ->
                            Losses.mse(replica.forward(rows(x, 12, from, to)), rows(y, 1, from, to)));
                    dp.step(a2);
                    a2.zeroGrad();
                }
            }
            assertThat(last2).isCloseTo(last1, org.assertj.core.data.Offset.offset(1e-4f));
            float[] p1 = single.parameters().data(), p2 = parallel.parameters().data();
            for (int i = 0; i < p1.length; i++) assertThat(p2[i]).isCloseTo(p1[i], org.assertj.core.data.Offset.offset(1e-4f));
        });
    }

    /** Element-wise updates cut at arbitrary element boundaries give exactly the one-thread result. */
    @Test
    void adamSplitOverATeamIsBitIdentical() {
        for (boolean decoupled : new boolean[] {false, true}) {
            Mlp m1 = mlp(11), m2 = mlp(11);
            Optimizer o1 = decoupled ? new AdamW(m1.parameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f)
                    : new Adam(m1.parameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 0.05f);
            Optimizer o2 = decoupled ? new AdamW(m2.parameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f)
                    : new Adam(m2.parameters(), 0.01f, 0.9f, 0.999f, 1e-8f, 0.05f);
            float[] x = random(5 * 12, 12), y = random(5, 13);
            try (Team team = new Team(3)) {            // 3 parts: cuts fall inside tensors
                for (int step = 0; step < 4; step++) {
                    Losses.mse(m1.forward(rows(x, 12, 0, 5)), rows(y, 1, 0, 5)).backward();
                    Losses.mse(m2.forward(rows(x, 12, 0, 5)), rows(y, 1, 0, 5)).backward();
                    o1.step();
                    o2.step(team);
                    o1.zeroGrad();
                    o2.zeroGrad();
                }
            }
            assertThat(m2.parameters().data()).containsExactly(m1.parameters().data());
            assertThat(o2.state().get("exp_avg_sq")).containsExactly(o1.state().get("exp_avg_sq"));
        }
    }

    @Test
    void transformerShardsAgreeWithOneThread() {
        Gpt.Config cfg = new Gpt.Config(11, 6, 1, 2, 8, "gelu_tanh");
        Gpt single = cfg.build(new Rng(3)), parallel = cfg.build(new Rng(3));
        int b = 3, t = 6;
        int[] ids = new int[b * t], targets = new int[b * t];
        Rng r = new Rng(4);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(11);
            targets[i] = r.nextInt(11);
        }
        Tensor loss = single.loss(ids, targets, b, t);
        loss.backward();
        float dp;
        try (DataParallel par = new DataParallel(parallel, 2)) {
            dp = par.forwardBackward(b, (replica, shard, from, to) -> ((Gpt) replica).loss(
                    java.util.Arrays.copyOfRange(ids, from * t, to * t), java.util.Arrays.copyOfRange(targets, from * t, to * t), to - from, t));
        }
        assertThat(dp).isCloseTo(loss.item(), org.assertj.core.data.Offset.offset(1e-5f));
        float[] g1 = single.parameters().grad(), g2 = parallel.parameters().grad();
        for (int i = 0; i < g1.length; i++) assertThat(g2[i]).isCloseTo(g1[i], org.assertj.core.data.Offset.offset(1e-5f));
    }

    /** BatchNorm: each shard normalises with its own statistics; the master ends with their row-weighted mean. */
    @Test
    void batchNormRunningStatisticsAreTheMeanOfTheShards() {
        Cnn.Config cfg = new Cnn.Config(new int[] {1, 8, 8}, new int[] {2}, 3, true, 4, 0f, 3);
        Model parallel = cfg.build(new Rng(1)), half0 = cfg.build(new Rng(1)), half1 = cfg.build(new Rng(1));
        float[] x = random(7 * 64, 21);
        int[] labels = {0, 1, 2, 0, 1, 2, 0};
        try (DataParallel dp = new DataParallel(parallel, 2)) {   // shards: rows 0-2 and 3-6
            dp.forwardBackward(7, (replica, shard, from, to) -> Losses.crossEntropy(
                    replica.forward(rows(x, 64, from, to)), java.util.Arrays.copyOfRange(labels, from, to)));
        }
        half0.forward(rows(x, 64, 0, 3));
        half1.forward(rows(x, 64, 3, 7));
        var got = parallel.namedBuffers();
        assertThat(got).isNotEmpty();
        for (String name : got.keySet()) {
            float[] a = half0.namedBuffers().get(name).toArray(), b = half1.namedBuffers().get(name).toArray(), m = got.get(name).toArray();
            assertThat(a).isNotEqualTo(b);   // the shards saw different statistics
            for (int e = 0; e < m.length; e++) {
                // weighted by rows: for the running mean that is exactly the 7-row batch's update
                assertThat(m[e]).as("%s[%d]", name, e).isCloseTo(3f / 7 * a[e] + 4f / 7 * b[e], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    /** Dropout: replicas draw from generators seeded by the master's, so two runs are identical. */
    @Test
    void dropoutStepsAreDeterministic() {
        Cnn.Config cfg = new Cnn.Config(new int[] {1, 8, 8}, new int[] {2}, 3, true, 6, 0.5f, 3);
        float[][] finals = new float[2][];
        long[][] masterRng = new long[2][];
        for (int run = 0; run < 2; run++) {
            Model m = cfg.build(new Rng(4));
            Adam adam = new Adam(m.parameters(), 0.01f);
            float[] x = random(6 * 64, 22);
            int[] labels = {0, 1, 2, 2, 1, 0};
            try (DataParallel dp = new DataParallel(m, 2)) {
                for (int step = 0; step < 3; step++) {
                    dp.trainStep(6, (replica, shard, from, to) -> Losses.crossEntropy(
                            replica.forward(rows(x, 64, from, to)), java.util.Arrays.copyOfRange(labels, from, to)), adam);
                    adam.zeroGrad();
                }
            }
            finals[run] = m.parameters().data().clone();
            masterRng[run] = dev.greenml.nn.ModuleTree.modules(m).stream().map(dev.greenml.nn.Module::randomGenerator)
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow().snapshot();
        }
        assertThat(finals[1]).containsExactly(finals[0]);
        assertThat(masterRng[1]).containsExactly(masterRng[0]);
    }

    /** A step that failed after the shards' backward leaves nothing behind for the next one. */
    @Test
    void aStepThatFailedBeforeTheSumLeavesNoStaleGradient() {
        float[] x = random(6 * 12, 31), y = random(6, 32);
        Mlp single = mlp(8), parallel = mlp(8);
        DataParallel.ShardLoss lossOf = (replica, shard, from, to) -> Losses.mse(replica.forward(rows(x, 12, from, to)), rows(y, 1, from, to));
        Optimizer failing = new Adam(parallel.parameters(), 0.01f) {
            @Override public void step(Team team, RangeAction before) { throw new IllegalStateException("optimizer failed"); }
        };
        try (DataParallel dp = new DataParallel(parallel, 2)) {
            assertThatThrownBy(() -> dp.trainStep(6, lossOf, failing)).hasMessage("optimizer failed");
            parallel.parameters().zeroGrad();
            dp.forwardBackward(6, lossOf);
        }
        Losses.mse(single.forward(rows(x, 12, 0, 6)), rows(y, 1, 0, 6)).backward();
        float[] g1 = single.parameters().grad(), g2 = parallel.parameters().grad();
        for (int i = 0; i < g1.length; i++) assertThat(g2[i]).as("gradient %d", i).isCloseTo(g1[i], org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void threadCountIsCappedByTheGradientBuffersTheHeapCanHold() {
        Mlp small = mlp(1);
        assertThat(DataParallel.threadsFor(small, 2)).isEqualTo(2);
        assertThat(DataParallel.threadsFor(small, 1)).isEqualTo(1);
        long budgetBytes = Runtime.getRuntime().maxMemory() / 4;
        long perThread = small.parameterCount() * Float.BYTES;
        int many = (int) Math.min(Integer.MAX_VALUE, budgetBytes / perThread + 10);   // more threads than buffers fit
        assertThat(DataParallel.threadsFor(small, many)).isEqualTo((int) (1 + budgetBytes / perThread));
    }
}
