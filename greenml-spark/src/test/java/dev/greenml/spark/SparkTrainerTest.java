package dev.greenml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.optim.Sgd;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import dev.greenml.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SparkTrainer on real Spark in local mode (two task threads). */
class SparkTrainerTest {

    static final Mlp.Config MLP = new Mlp.Config(new int[] {4, 8, 1}, Activation.Kind.TANH);

    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = LocalSpark.context();
    }

    /** One synchronous SGD step on all rows of {@code data}, in one process: the reference. */
    static float[] oneFullBatchSgdStep(Dataset data, float lr, long seed) {
        Model model = MLP.build(new Rng(seed));
        Sgd sgd = new Sgd(model.parameters(), lr);
        sgd.zeroGrad();
        Tensor loss = Losses.mse(model.forward(Tensor.view(data.x(), 0, data.rows(), data.features())),
                Tensor.view(data.targets(), 0, data.rows(), 1));
        loss.backward();
        sgd.step();
        return model.parameters().data().clone();
    }

    static float[] initial(long seed) {
        return MLP.build(new Rng(seed)).parameters().data().clone();
    }

    static SparkTrainer plainSgd(float lr, int batchSize) {
        return SparkTrainer.builder(MLP).optimizer("sgd", lr).loss("mse").batchSize(batchSize).localSteps(1).rounds(1).seed(7).build();
    }

    /** |a − b| ≤ 1e-6 relative, with the largest parameter as the floor for values near zero. */
    static void assertClose(float[] actual, float[] expected) {
        float max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i]))
                    .as("parameter %d: %s vs %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(1e-6 * Math.max(Math.abs(expected[i]), 0.1 * max));
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void oneRoundOfPlainSgdWithOneLocalStepIsOneSynchronousStepOnTheWholeBatch() {
        Dataset data = TestData.regression(64, 1);
        SparkTrainResult r = plainSgd(0.5f, 32).fit(sc, data, 2);   // two shards of 32 rows, one batch each

        float[] expected = oneFullBatchSgdStep(data, 0.5f, 7);
        assertClose(r.model().parameters().data(), expected);
        // the step moved the parameters far more than the tolerance, so the comparison means something
        assertThat(maxAbsDiff(expected, initial(7))).isGreaterThan(1e-2);
        // and averaging mattered: one shard's own step lands elsewhere
        float[] firstShardOnly = oneFullBatchSgdStep(data.slice(0, 32), 0.5f, 7);
        assertThat(maxAbsDiff(r.model().parameters().data(), firstShardOnly)).isGreaterThan(1e-3);
        assertThat(r.rounds()).isEqualTo(1);
        assertThat(r.rows()).isEqualTo(64);
    }

    @Test
    void partitionsOfUnequalSizeAreWeightedByTheirRows() {
        Dataset data = TestData.regression(70, 2);
        // three partitions of 6, 20 and 44 rows, in row order
        List<TrainingRow> rows = SparkTrainer.rows(data);
        JavaRDD<TrainingRow> rdd = sc.parallelize(rows.subList(0, 6), 1)
                .union(sc.parallelize(rows.subList(6, 26), 1))
                .union(sc.parallelize(rows.subList(26, 70), 1));
        assertThat(rdd.getNumPartitions()).isEqualTo(3);

        SparkTrainResult r = plainSgd(0.5f, 64).fit(rdd);

        float[] expected = oneFullBatchSgdStep(data, 0.5f, 7);
        assertClose(r.model().parameters().data(), expected);
        // an unweighted mean of the three shards' steps is measurably different
        float[] a = oneFullBatchSgdStep(data.slice(0, 6), 0.5f, 7), b = oneFullBatchSgdStep(data.slice(6, 26), 0.5f, 7),
                c = oneFullBatchSgdStep(data.slice(26, 70), 0.5f, 7);
        float[] unweighted = new float[a.length];
        for (int i = 0; i < a.length; i++) unweighted[i] = (a[i] + b[i] + c[i]) / 3;
        assertThat(maxAbsDiff(expected, unweighted)).isGreaterThan(1e-3);
    }

    @Test
    void adamWithSeveralLocalStepsLearnsARegressionFarBelowTheMeanPredictor() {
        Dataset data = TestData.regression(512, 3);
        double baseline = SparkTrain.meanPredictorMse(data);   // ≈ 0.55 for this data
        JavaRDD<TrainingRow> rdd = sc.parallelize(SparkTrainer.rows(data), 2).cache();
        SparkTrainResult r = SparkTrainer.builder(new Mlp.Config(new int[] {4, 32, 1}, Activation.Kind.TANH))
                .optimizer("adam", 0.02f).loss("mse").batchSize(32).localSteps(8).rounds(25).seed(11).build()
                .fit(rdd);

        double loss = SparkTrainer.evaluate(r.model(), rdd, "mse");
        rdd.unpersist(false);
        assertThat(baseline).isGreaterThan(0.3);
        assertThat(loss).as("mse %s against the mean predictor's %s", loss, baseline).isLessThan(0.1 * baseline);
        // the distributed evaluation agrees with greenml's own on the driver
        assertThat(loss).isCloseTo(Trainer.evaluate(r.model(), data, "mse", 1024).loss(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.lossPerRound()).hasSize(25);
        assertThat(r.lossPerRound().getLast()).isLessThan(r.lossPerRound().getFirst() / 5);
    }

    @Test
    void aFixedPartitioningAndSeedGiveBitIdenticalModels() {
        Dataset data = TestData.regression(90, 4);
        SparkTrainer t = SparkTrainer.builder(MLP).optimizer("adamw", 0.01f).batchSize(8).localSteps(3).rounds(3).seed(5).build();
        float[] first = t.fit(sc, data, 5).model().parameters().data();
        float[] second = t.fit(sc, data, 5).model().parameters().data();
        assertThat(second).containsExactly(first);
        float[] otherSeed = SparkTrainer.builder(MLP).optimizer("adamw", 0.01f).batchSize(8).localSteps(3).rounds(3).seed(6).build()
                .fit(sc, data, 5).model().parameters().data();
        assertThat(maxAbsDiff(first, otherSeed)).isGreaterThan(1e-3);
    }

    @Test
    void theFootprintIsModelledAndCountsTheBytesOfEveryRound() {
        Dataset data = TestData.regression(40, 5);
        SparkTrainResult r = SparkTrainer.builder(MLP).optimizer("adam", 0.01f).batchSize(10).localSteps(2).rounds(3).build()
                .fit(sc, data, 2);
        SparkFootprint f = r.footprint();
        assertThat(f.energyMethod()).isEqualTo("modelled");
        assertThat(f.uncertainty()).isEqualTo(0.5);
        assertThat(f.tasks()).isEqualTo(6);
        assertThat(f.taskCpuSeconds()).isPositive();
        // local mode: the tasks are threads of this JVM, so the JVM's CPU time contains theirs (/proc ticks are 10 ms)
        assertThat(f.driverJvmCpuSeconds()).isGreaterThan(f.taskCpuSeconds() + f.driverCpuSeconds() - 0.05);
        assertThat(f.energyJoules()).isPositive();
        assertThat(f.energySource()).contains("W/core").contains("ThreadMXBean")
                // the energy is (task + driver + merge) CPU × W/core: the source names all three (one machine here)
                .startsWith("thread CPU time (ThreadMXBean) of the training tasks, the driver thread and the merges × ");
        assertThat(f.co2eGrams()).isPositive();
        // 4·8 + 8 + 8·1 + 1 = 49 parameters; Adam adds exp_avg and exp_avg_sq (49 each) and 4 step counts:
        // each round sends the config and 151 floats to 2 tasks, and gets 151 floats back from each
        long config = MLP.toJson().toString().getBytes(StandardCharsets.UTF_8).length;
        long floats = 3 * 49 + 4;
        assertThat(f.transferBytes()).isEqualTo(3 * 2 * (config + 4 * floats + 4 * floats));
        assertThat(f.toMap()).containsEntry("energy_method", "modelled").containsEntry("co2e_method", "modelled");
    }

    @Test
    void theSavedModelRoundTripsThroughModelFileAndPredictsTheSame(@TempDir Path dir) throws Exception {
        Dataset data = TestData.regression(64, 6);
        SparkTrainResult r = SparkTrainer.builder(MLP).optimizer("adam", 0.01f).batchSize(16).localSteps(2).rounds(2).build()
                .fit(sc, data, 2);
        Path file = dir.resolve("m.safetensors");
        long bytes = r.save(file, Map.of("data", "test"));
        ModelFile.Loaded loaded = ModelFile.load(file);

        assertThat(bytes).isEqualTo(java.nio.file.Files.size(file));
        r.model().eval();
        assertThat(Trainer.sameOutputs(r.model(), loaded.model(), data)).isTrue();
        assertThat(loaded.metadata().get(ModelFile.TRAINING)).contains("\"trainer\":\"spark-parameter-averaging\"")
                .contains("\"local_steps\":2").contains("\"partitions\":2").contains("\"data\":\"test\"");
        assertThat(loaded.metadata().get(ModelFile.FOOTPRINT)).contains("\"energy_method\":\"modelled\"");
    }

    @Test
    void classificationWithCrossEntropyTrains() {
        // two classes split by the sign of x0 + x1
        Dataset reg = TestData.regression(200, 8);
        int[] labels = new int[reg.rows()];
        for (int i = 0; i < labels.length; i++) labels[i] = reg.x()[i * 4] + reg.x()[i * 4 + 1] > 0 ? 1 : 0;
        Dataset data = Dataset.classification(reg.x(), 4, labels);
        Mlp.Config config = new Mlp.Config(new int[] {4, 8, 2}, Activation.Kind.TANH);
        SparkTrainResult r = SparkTrainer.builder(config).optimizer("adam", 0.05f).loss("cross-entropy").batchSize(25)
                .localSteps(4).rounds(8).build().fit(sc, data, 2);
        var eval = Trainer.evaluate(r.model(), data, "cross-entropy", 1024);
        assertThat(eval.accuracy()).isGreaterThan(0.9);
    }

    @Test
    void badInputGivesOneClearMessage() {
        Dataset data = TestData.regression(10, 9);
        SparkTrainer ok = plainSgd(0.1f, 4);
        assertThatThrownBy(() -> ok.fit(sc, data, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("partitions must be at least 1, got 0 (one per Spark task)");
        assertThatThrownBy(() -> SparkTrainer.builder(MLP).localSteps(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("local steps K must be at least 1, got 0");
        assertThatThrownBy(() -> SparkTrainer.builder(MLP).rounds(0).build()).hasMessage("rounds must be at least 1, got 0");
        assertThatThrownBy(() -> SparkTrainer.builder(MLP).optimizer("lbfgs", 0.1f).build())
                .hasMessageContaining("unknown optimizer 'lbfgs'");
        assertThatThrownBy(() -> ok.fit(sc.<TrainingRow>emptyRDD()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no partitions");
        assertThatThrownBy(() -> ok.fit(sc.parallelize(List.<TrainingRow>of(), 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no rows");
        JavaRDD<TrainingRow> narrow = sc.parallelize(List.of(TrainingRow.of(new float[] {1, 2, 3}, 1f)), 1);
        assertThatThrownBy(() -> ok.fit(narrow))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("partition 0, row 0: 3 features but the model takes 4");
        JavaRDD<TrainingRow> nan = sc.parallelize(List.of(TrainingRow.of(new float[] {1, 2, 3, 4}, Float.NaN)), 1);
        assertThatThrownBy(() -> ok.fit(nan)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the target is NaN");
    }
}
