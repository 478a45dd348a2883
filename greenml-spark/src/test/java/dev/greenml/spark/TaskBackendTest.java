package dev.greenml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.data.Dataset;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.JavaBackend;
import dev.greenml.nn.Model;
import dev.greenml.tensor.Rng;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/** Which kernels Spark tasks compute with. */
class TaskBackendTest {

    /** A backend that counts its calls and delegates to the Java kernels. */
    static final class Counting implements Backend {
        final AtomicInteger calls = new AtomicInteger();
        final int threads;
        final Backend one;
        final JavaBackend kernels = new JavaBackend(1);

        Counting(int threads, Backend one) {
            this.threads = threads;
            this.one = one;
        }

        @Override public String name() { return "java"; }
        @Override public int threads() { return threads; }
        @Override public Backend singleThreaded() { return one == null ? this : one; }
        @Override public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            calls.incrementAndGet();
            kernels.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    @Test
    void evaluationTasksComputeOnOneThreadNotOnTheProcessWideBackend() {
        Dataset data = TestData.regression(64, 31);
        JavaRDD<TrainingRow> rdd = LocalSpark.context().parallelize(SparkTrainer.rows(data), 2);
        Model model = SparkTrainerTest.MLP.build(new Rng(3));
        Counting single = new Counting(1, null), multi = new Counting(4, single);
        Backend before = Backends.current();
        Backends.setCurrent(multi);
        try {
            SparkTrainer.evaluate(model, rdd, "mse");
        } finally {
            Backends.setCurrent(before);
        }
        // local mode: the tasks run in this JVM, so the process-wide backend is the one installed above
        assertThat(multi.calls).as("calls on the multi-threaded process-wide backend").hasValue(0);
        assertThat(single.calls.get()).isPositive();
    }

    @Test
    void theTasksComputeOnTheNamedBackendAndTheRunRecordsWhichKernelsAndCpu() {
        Dataset data = TestData.regression(48, 32);
        SparkTrainer.Builder b = SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("sgd", 0.1f).batchSize(24).localSteps(1).rounds(1);
        SparkTrainResult onJava = b.backend("java").build().fit(LocalSpark.context(), data, 2);
        assertThat(onJava.taskKernels()).singleElement().asString().startsWith("java: Vector API ").contains("-bit on ");
        assertThat(onJava.trainingRecord()).containsEntry("backend", "java").doesNotContainKey("warning");
        assertThat(onJava.kernelWarning()).isNull();

        SparkTrainResult blas = SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("sgd", 0.1f).batchSize(24).localSteps(1).rounds(1)
                .build().fit(LocalSpark.context(), data, 2);
        assertThat(blas.options().backend()).as("the default").isEqualTo("blas");
        assertThat(blas.taskKernels()).singleElement().asString().startsWith("blas: OpenBLAS ");

        var mixed = new SparkTrainResult(blas.model(), blas.options(), 2, 48, blas.lossPerRound(), 0,
                java.util.List.of("blas: OpenBLAS x on A", "blas: OpenBLAS y on B"), blas.footprint());
        assertThat(mixed.kernelWarning()).contains("2 different kernels or CPUs").contains("only on identical executors");
        assertThat(mixed.trainingRecord()).containsKey("warning");
    }

    @Test
    void autoOrAnUnknownBackendIsRefused() {
        assertThatThrownBy(() -> SparkTrainer.builder(SparkTrainerTest.MLP).backend("auto").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown backend 'auto' for Spark tasks; choose java, blas");
    }

    @Test
    void optionsAnOptimizerWouldIgnoreOrCannotUseAreRefused() {
        // (in this class rather than SparkTrainerTest, which runs twice: these need no Spark)
        assertThatThrownBy(() -> SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("adam", 0.01f).momentum(0.9f).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("momentum applies to sgd only, and adam would ignore it");
        assertThatThrownBy(() -> SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("sgd", 0.01f).momentum(Float.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("momentum must be a number ≥ 0, got NaN");
        assertThatThrownBy(() -> SparkTrainer.builder(SparkTrainerTest.MLP).optimizer("sgd", 0.01f).momentum(Float.POSITIVE_INFINITY).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("momentum must be a number ≥ 0");
        assertThatThrownBy(() -> SparkTrainer.builder(SparkTrainerTest.MLP).weightDecay(Float.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("weight decay must be a finite number");
        assertThatThrownBy(() -> SparkTrainer.builder(SparkTrainerTest.MLP).weightDecay(Float.NEGATIVE_INFINITY).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("weight decay must be a finite number");
    }
}
