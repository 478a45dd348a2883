package dev.greenml.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * sgemm C (1024, 1024) = A (1024, 1024) · B (1024, 1024) per backend and thread count.
 * GFLOP/s = 2·1024³ / (ms per op · 1e6) ≈ 2147.5 / ms.
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main GemmJmh -p backend=java,blas -p threads=1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmJmh {

    @Param({"java", "blas"})
    public String backend;

    @Param({"1"})
    public int threads;

    @Param({"1024"})
    public int size;

    private Backend gemm;
    private float[] a, b, c;   // (size, size) each, row-major

    @Setup
    public void setup() {
        gemm = Backends.select(backend, threads).backend();
        var rnd = new SplittableRandom(1);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
    }

    @Benchmark
    public float[] sgemm() {
        gemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }
}
