package dev.greenml.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.nn.Model;
import dev.greenml.optim.Optimizer;
import dev.greenml.optim.Optimizers;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.junit.jupiter.api.Test;

/**
 * The averaging against single-process references over several rounds (momentum, Adam's moments
 * and step counts), odd partitionings, and what a fit leaves behind and charges. Runs once (not
 * again under Kryo: SparkTrainerTest covers the serializer).
 */
class AveragingTest {

    static final JavaSparkContext sc = LocalSpark.context();

    /**
     * {@code steps} optimizer steps in one process; step t uses rows [j·b, (j+1)·b) with j = t mod
     * ⌈n/b⌉, in row order — what one unshuffled partition does, and with b = n the synchronous step.
     */
    static float[] reference(Dataset data, String optimizer, float lr, float weightDecay, float momentum, int steps, int batch, long seed) {
        Model model = SparkTrainerTest.MLP.build(new Rng(seed));
        Optimizer opt = Optimizers.create(optimizer, model.parameters(), lr, weightDecay, momentum);
        int n = data.rows(), perEpoch = (n + batch - 1) / batch;
        for (int t = 0; t < steps; t++) {
            int from = (t % perEpoch) * batch, rows = Math.min(n, from + batch) - from;
            opt.zeroGrad();
            Tensor loss = Losses.mse(model.forward(Tensor.view(data.x(), from * 4, rows, 4)), Tensor.view(data.targets(), from, rows, 1));
            loss.backward();
            opt.step();
        }
        return model.parameters().data().clone();
    }

    /**
     * |a − b| ≤ 1e-6 × the largest |parameter|: over several rounds the float rounding of summing by
     * partition (instead of over all rows at once) accumulates to a few 1e-8 on small parameters,
     * past SparkTrainerTest's per-parameter floor; one step's worth of error is 1e-3 or more.
     */
    static void assertClose(float[] actual, float[] expected) {
        float max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        double worst = SparkTrainerTest.maxAbsDiff(actual, expected) / max;
        assertThat(worst).as("largest |difference| / largest |parameter|").isLessThanOrEqualTo(1e-6);
    }

    static SparkTrainer.Builder sgd(float lr, int batch, int rounds) {
        return SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("sgd", lr).loss("mse").batchSize(batch).localSteps(1).rounds(rounds).seed(7);
    }

    @Test
    void momentumSgdWithWeightDecayAndOneLocalStepOverSeveralRoundsIsSynchronousMomentumSgd() {
        Dataset data = TestData.regression(64, 41);
        SparkTrainResult r = sgd(0.1f, 32, 4).momentum(0.9f).weightDecay(0.05f).build().fit(sc, data, 2);   // one batch per partition

        float[] expected = reference(data, "sgd", 0.1f, 0.05f, 0.9f, 4, 64, 7);
        assertClose(r.model().parameters().data(), expected);
        // the momentum buffers and momentum_started carried across rounds matter: plain SGD lands elsewhere
        assertThat(SparkTrainerTest.maxAbsDiff(expected, reference(data, "sgd", 0.1f, 0.05f, 0f, 4, 64, 7))).isGreaterThan(1e-3);
    }

    @Test
    void adamOnOnePartitionEqualsLocalAdamOverAllItsSteps() {
        Dataset data = TestData.regression(48, 42);
        SparkTrainResult r = SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("adam", 0.01f).loss("mse").batchSize(16)
                .localSteps(2).rounds(3).seed(7).shuffle(false).build().fit(sc, data, 1);

        float[] expected = reference(data, "adam", 0.01f, -1f, 0f, 6, 16, 7);   // R·K = 6 steps, batches 0,1,2,0,1,2
        assertClose(r.model().parameters().data(), expected);
        // the step counts and moments crossed the rounds: restarting Adam every 2 steps would differ
        assertThat(SparkTrainerTest.maxAbsDiff(expected, reference(data, "adam", 0.01f, -1f, 0f, 2, 16, 7))).isGreaterThan(1e-3);
    }

    @Test
    void anEmptyMiddlePartitionTakesNoPartAndNoTask() {
        Dataset data = TestData.regression(64, 43);
        List<TrainingRow> rows = SparkTrainer.rows(data);
        JavaRDD<TrainingRow> rdd = sc.parallelize(rows.subList(0, 32), 1)
                .union(sc.parallelize(List.<TrainingRow>of(), 1))
                .union(sc.parallelize(rows.subList(32, 64), 1));
        SparkTrainResult r = sgd(0.3f, 32, 2).build().fit(rdd);

        assertClose(r.model().parameters().data(), reference(data, "sgd", 0.3f, -1f, 0f, 2, 64, 7));
        assertThat(r.partitions()).isEqualTo(3);
        assertThat(r.footprint().tasks()).isEqualTo(2 * 2);
    }

    /** Counts the stages and tasks of the jobs Spark runs. */
    static final class Stages extends SparkListener {
        final AtomicInteger jobs = new AtomicInteger(), stages = new AtomicInteger(), tasks = new AtomicInteger();

        @Override public void onJobStart(SparkListenerJobStart e) { jobs.incrementAndGet(); }

        @Override public void onStageCompleted(SparkListenerStageCompleted e) {
            stages.incrementAndGet();
            tasks.addAndGet(e.stageInfo().numTasks());
        }
    }

    @Test
    void twentyPartitionsAreExactRunNoShuffleLevelAndChargeTheMerges() throws Exception {
        Dataset data = TestData.regression(160, 44);
        Stages seen = new Stages();
        sc.sc().addSparkListener(seen);
        SparkTrainResult r;
        try {
            r = sgd(0.3f, 8, 2).build().fit(sc, data, 20);   // 8 rows a partition, one batch each
            sc.sc().listenerBus().waitUntilEmpty(10_000);
        } finally {
            sc.sc().removeSparkListener(seen);
        }
        assertClose(r.model().parameters().data(), reference(data, "sgd", 0.3f, -1f, 0f, 2, 160, 7));

        // one job to count the rows, one per round; a tree level would add a shuffle stage to a round's job
        assertThat(seen.jobs).hasValue(1 + 2);
        assertThat(seen.stages).as("stages: one per job, none for a shuffle").hasValue(1 + 2);
        SparkFootprint f = r.footprint();
        assertThat(seen.tasks.get()).as("Spark's tasks: the count, then the training tasks the footprint charges")
                .isEqualTo(20 + f.tasks());
        assertThat(f.tasks()).isEqualTo(20 * 2);
        // the merges of the partial sums run on Spark's result thread, not on fit's: charged apart
        assertThat(f.mergeCpuSeconds()).isPositive();
        double watts = HostPower.lookup().wattsPerCore();   // one machine: tasks and driver alike
        assertThat(f.energyJoules()).isCloseTo((f.taskCpuSeconds() + f.driverCpuSeconds() + f.mergeCpuSeconds()) * watts,
                org.assertj.core.data.Offset.offset(1e-9 * f.energyJoules()));
        assertThat(f.toMap()).containsKey("merge_cpu_seconds");
        assertThat(f.notCounted()).contains("results on the driver apart from the merges");
        // nothing cached outlives the fit
        assertThat(sc.getPersistentRDDs()).isEmpty();
    }
}
