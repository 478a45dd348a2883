package dev.greenml.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.data.Dataset;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The Trainer with two kernel threads trains data-parallel and lands where one thread does. */
class DataParallelTrainingTest {

    private static Dataset classification(int rows, int features, int classes, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(classes);
            for (int f = 0; f < features; f++) x[i * features + f] = (float) r.nextGaussian() + (f % classes == labels[i] ? 1.5f : 0f);
        }
        return Dataset.classification(x, features, labels);
    }

    @Test
    void twoThreadsFollowTheOneThreadRunAndCountAccuracyOverAllShards() {
        Dataset data = classification(203, 6, 3, 1);   // 203 rows, batch 16: the last batch has 11 rows
        TrainConfig config = new TrainConfig("cross-entropy", "adam", 0.01f, 3, 16, 7, -1f, 0f, true);
        Mlp one = new Mlp(new Mlp.Config(new int[] {6, 8, 3}, Activation.Kind.RELU), new Rng(3));
        Mlp two = new Mlp(new Mlp.Config(new int[] {6, 8, 3}, Activation.Kind.RELU), new Rng(3));
        int[][] correct = new int[2][1];
        Trainer.Listener count0 = new Trainer.Listener() {
            @Override public void onStep(Trainer.Step s) { if (s.epoch() == 3) correct[0][0] += s.correct(); }
        };
        Trainer.Listener count1 = new Trainer.Listener() {
            @Override public void onStep(Trainer.Step s) { if (s.epoch() == 3) correct[1][0] += s.correct(); }
        };
        Trainer t1 = new Trainer(one, config);
        Trainer t2 = new Trainer(two, config);
        Backends.runWith(Backends.select("blas", 1).backend(), () -> t1.fit(data, null, count0));
        Backends.runWith(Backends.select("blas", 2).backend(), () -> {
            assertThat(t2.parallelism()).startsWith("data-parallel over 2 threads");
            t2.fit(data, null, count1);
        });
        float[] p1 = one.parameters().data(), p2 = two.parameters().data();
        for (int i = 0; i < p1.length; i++) assertThat(p2[i]).as("parameter %d", i).isCloseTo(p1[i], org.assertj.core.data.Offset.offset(2e-4f));
        assertThat(correct[1][0]).isBetween(correct[0][0] - 2, correct[0][0] + 2).isGreaterThan(203 / 3);
        Trainer.Evaluation e1 = Trainer.evaluate(one, data, "cross-entropy", 64), e2 = Trainer.evaluate(two, data, "cross-entropy", 64);
        assertThat(e2.loss()).isCloseTo(e1.loss(), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void everyModelTrainsDataParallelUnlessTurnedOffAndOneThreadIsOneThread() {
        TrainConfig config = new TrainConfig("cross-entropy", "adam", 0.01f, 1, 16, 7, -1f, 0f, true);
        Trainer cnn = new Trainer(dev.greenml.nn.Cnn.Config.fashionMnist().build(new Rng(1)), config);
        Trainer mlp = new Trainer(new Mlp(new Mlp.Config(new int[] {6, 3}, Activation.Kind.RELU), new Rng(1)), config);
        Backends.runWith(Backends.select("blas", 2).backend(), () -> {
            assertThat(cnn.parallelism()).startsWith("data-parallel over 2 threads");   // BatchNorm and Dropout included
            assertThat(mlp.dataParallel(false).parallelism()).isEqualTo("2 threads inside the matrix products");
        });
        Backends.runWith(Backends.select("blas", 1).backend(), () -> assertThat(mlp.parallelism()).isEqualTo("one thread"));
    }

    /** Evaluation split over threads gives the one-thread figures (BatchNorm in eval mode uses the master's statistics). */
    @Test
    void dataParallelEvaluationMatchesOneThread() {
        Dataset images = classification(150, 64, 3, 9);
        TrainConfig config = new TrainConfig("cross-entropy", "adam", 0.01f, 1, 16, 7, -1f, 0f, true);
        dev.greenml.nn.Model cnn = new dev.greenml.nn.Cnn.Config(new int[] {1, 8, 8}, new int[] {3}, 3, true, 6, 0.25f, 3).build(new Rng(2));
        Backends.runWith(Backends.select("blas", 2).backend(), () -> {
            Trainer t = new Trainer(cnn, config);
            t.fit(images, null, new Trainer.Listener() {});   // trained: running statistics away from their initial values
            Trainer.Evaluation one = Trainer.evaluate(cnn, images, "cross-entropy", 64), two = t.evaluate(images, 64);
            assertThat(two.accuracy()).isEqualTo(one.accuracy());
            assertThat(two.loss()).isCloseTo(one.loss(), org.assertj.core.data.Offset.offset(1e-6 * one.loss()));
            assertThat(cnn.isTraining()).isTrue();   // the mode is restored
        });
    }
}
