package dev.greenml.kernels;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Plain-Java sgemm timing (no JMH), for {@code greenml bench gemm} and for a quick look from the
 * command line. Implementations are timed interleaved in one process — repeat 1 of each, then
 * repeat 2 of each, … — so that load from other processes hits them alike and their ratios stay
 * meaningful on a shared machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... \
 *      dev.greenml.kernels.GemmBenchmark --threads 1 --shapes all --repeats 7
 * </pre>
 * prints one JSON object per line, e.g.
 * {@code {"suite":"gemm","impl":"greenml","blas":"java","threads":1,"metric":"sgemm","shape":"1024x1024x1024",...}}
 */
public final class GemmBenchmark {

    private GemmBenchmark() {}

    /** One product C (m, n) = op(A) (m, k) · op(B) (k, n); printed as "m x k x n". */
    public record Shape(String name, boolean transA, boolean transB, int m, int n, int k) {
        public String label() {
            return m + "x" + k + "x" + n;
        }

        public double flops() {
            return 2.0 * m * n * k;
        }

        String op() {
            return (transA ? "T" : "N") + (transB ? "T" : "N");
        }
    }

    /** 1024³, no transposes. */
    public static final Shape SQUARE = new Shape("square", false, false, 1024, 1024, 1024);

    /** Batch-1 inference of the seed model's first layer, 1×1000 · (200×1000)ᵀ: the GEMV route. */
    public static final Shape GEMV = new Shape("infer_b1_layer1", false, true, 1, 200, 1000);

    /**
     * The products of one training step of the seed model (Linear 1000→200→100→1) at batch b:
     * forward Y = X · Wᵀ, backward dW = dYᵀ · X and dX = dY · W.
     */
    public static List<Shape> seedShapes(int b) {
        return List.of(
                new Shape("fwd_l1_b" + b, false, true, b, 200, 1000),    // (b,1000)·(200,1000)ᵀ
                new Shape("fwd_l2_b" + b, false, true, b, 100, 200),     // (b,200)·(100,200)ᵀ
                new Shape("dw_l1_b" + b, true, false, 200, 1000, b),     // (b,200)ᵀ·(b,1000)
                new Shape("dw_l2_b" + b, true, false, 100, 200, b),      // (b,100)ᵀ·(b,200)
                new Shape("dx_l2_b" + b, false, false, b, 200, 100));    // (b,100)·(100,200)
    }

    /** Median, min and max over the repeats, in {@code unit}; {@code values} in measurement order. */
    public record Result(String blas, int threads, Shape shape, String metric, String unit,
                         double median, double min, double max, double[] values) {

        public String toJson() {
            var sb = new StringBuilder();
            sb.append("{\"suite\":\"gemm\",\"impl\":\"greenml\",\"blas\":\"").append(blas)
              .append("\",\"threads\":").append(threads)
              .append(",\"metric\":\"").append(metric)
              .append("\",\"shape\":\"").append(shape.label())
              .append("\",\"name\":\"").append(shape.name())
              .append("\",\"op\":\"").append(shape.op())
              .append("\",\"m\":").append(shape.m())
              .append(",\"k\":").append(shape.k())
              .append(",\"n\":").append(shape.n())
              .append(",\"unit\":\"").append(unit)
              .append("\",\"median\":").append(fmt(median))
              .append(",\"min\":").append(fmt(min))
              .append(",\"max\":").append(fmt(max))
              .append(",\"values\":[");
            for (int i = 0; i < values.length; i++) {
                sb.append(i == 0 ? "" : ",").append(fmt(values[i]));
            }
            return sb.append("]}").toString();
        }
    }

    /** One way of computing a shape's product on operands prepared once. */
    public interface Impl {
        /** "java", "blas" or "openblas-direct". */
        String label();

        void run();
    }

    /** Operands of one shape, filled with uniform values in [-1, 1). */
    public record Operands(Shape shape, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        public static Operands of(Shape s) {
            var rnd = new SplittableRandom(42);
            int lda = s.transA() ? s.m() : s.k();
            int ldb = s.transB() ? s.k() : s.n();
            float[] a = new float[s.m() * s.k()];
            float[] b = new float[s.k() * s.n()];
            for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
            return new Operands(s, a, lda, b, ldb, new float[s.m() * s.n()], s.n());
        }
    }

    /** C = op(A) · op(B) through {@code backend.sgemm}. */
    public static Impl through(Backend backend, Operands o) {
        Shape s = o.shape();
        return new Impl() {
            public String label() {
                return backend.name();
            }

            public void run() {
                backend.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, o.a(), 0, o.lda(),
                        o.b(), 0, o.ldb(), 0f, o.c(), 0, o.ldc());
            }
        };
    }

    /**
     * C = op(A) · op(B) by calling cblas_sgemm's downcall handle directly on segments made once:
     * no argument checks, no GEMV routing. The yardstick for BlasBackend's own overhead.
     */
    public static Impl openblasDirect(BlasBackend blas, Operands o) {
        Shape s = o.shape();
        OpenBlas lib = blas.lib();
        MemorySegment a = MemorySegment.ofArray(o.a()), b = MemorySegment.ofArray(o.b()), c = MemorySegment.ofArray(o.c());
        int ta = s.transA() ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
        int tb = s.transB() ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
        return new Impl() {
            public String label() {
                return "openblas-direct";
            }

            public void run() {
                lib.useThreads(blas.threads());
                try {
                    lib.sgemm().invokeExact(OpenBlas.ROW_MAJOR, ta, tb, s.m(), s.n(), s.k(),
                            1f, a, o.lda(), b, o.ldb(), 0f, c, o.ldc());
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Times one backend alone: see {@link #compare}. */
    public static Result time(Backend backend, Shape shape, int repeats, double warmupSeconds) {
        return compare(List.of(through(backend, Operands.of(shape))), shape, backend.threads(),
                repeats, warmupSeconds, 0.2).getFirst();
    }

    /**
     * Runs every impl for at least {@code warmupSeconds} (interleaved, so the JIT sees them all),
     * longer while their speed still changes by more than 10% between warm-up batches,
     * then {@code repeats} rounds; in each round every impl runs a batch of calls sized to take
     * about {@code repeatSeconds}. One value = GFLOP/s of one batch.
     */
    public static List<Result> compare(List<Impl> impls, Shape shape, int threads,
                                       int repeats, double warmupSeconds, double repeatSeconds) {
        int n = impls.size();
        long[] calls = new long[n];
        double[] secondsPerCall = new double[n];
        Arrays.fill(calls, 1);
        // Warm up, doubling each batch until it is long enough to time, for at least warmupSeconds
        // and then until every impl's speed is steady: on a loaded machine C2 can take seconds to
        // compile the kernels, and Vector API code in C1 runs ~100× slower than in C2.
        long start = System.nanoTime();
        long warmupEnd = start + (long) (warmupSeconds * 1e9);
        long giveUp = start + (long) (Math.max(10 * warmupSeconds, 5) * 1e9);
        boolean steady;
        do {
            steady = true;
            for (int i = 0; i < n; i++) {
                double t = batch(impls.get(i), calls[i]);
                double perCall = t / calls[i];
                steady &= Math.abs(perCall - secondsPerCall[i]) <= 0.1 * perCall;
                secondsPerCall[i] = perCall;
                if (t < repeatSeconds / 2) calls[i] *= 2;
            }
        } while (System.nanoTime() < warmupEnd || (!steady && System.nanoTime() < giveUp));
        for (int i = 0; i < n; i++) {
            calls[i] = Math.max(1, Math.round(repeatSeconds / secondsPerCall[i]));
        }
        double[][] gflops = new double[n][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < n; i++) {
                gflops[i][r] = shape.flops() * calls[i] / batch(impls.get(i), calls[i]) / 1e9;
            }
        }
        var results = new ArrayList<Result>();
        for (int i = 0; i < n; i++) {
            results.add(summary(impls.get(i).label(), threads, shape, "sgemm", "GFLOP/s", gflops[i]));
        }
        return results;
    }

    /** The same measurement expressed as microseconds per call (for the GEMV latency). */
    public static Result asLatency(Result r) {
        double[] us = Arrays.stream(r.values()).map(g -> r.shape().flops() / (g * 1e9) * 1e6).toArray();
        return summary(r.blas(), r.threads(), r.shape(), "sgemm_latency", "us", us);
    }

    /**
     * Median over repeats of the paired ratio x[r] / y[r] of throughputs (above 1: x is faster);
     * values of one round were measured next to each other in time, so they share the load.
     */
    public static double pairedRatio(Result x, Result y) {
        double[] q = new double[x.values().length];
        for (int r = 0; r < q.length; r++) q[r] = x.values()[r] / y.values()[r];
        return median(q);
    }

    private static double batch(Impl impl, long calls) {
        long t0 = System.nanoTime();
        for (long c = 0; c < calls; c++) impl.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Result summary(String label, int threads, Shape shape, String metric, String unit, double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return new Result(label, threads, shape, metric, unit, median(v), sorted[0], sorted[sorted.length - 1], v);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4g", x);
    }

    /**
     * {@code --threads T} (default 1), {@code --shapes square|seed|gemv|all} (default all),
     * {@code --impls java,blas,direct} (default all three), {@code --repeats N} (default 5),
     * {@code --warmup SECONDS} (default 1.5), {@code --batches 1,32,256,1024}.
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * What {@link #main} does, for the {@code greenml bench gemm} command: JSON lines to
     * {@code out}, usage and skipped backends to {@code err}. Returns 0, or 2 for bad arguments.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        int threads = 1, repeats = 5;
        double warmup = 1.5, repeatSeconds = 0.2;
        String shapes = "all", impls = "java,blas,direct", batches = "1,32,256,1024";
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            if (args[i].matches("--(threads|repeats|warmup|repeat-seconds)") && !v.matches("[0-9.]+")) {
                err.println("GemmBenchmark: " + args[i] + " needs a number, got '" + v + "'");
                return 2;
            }
            switch (args[i]) {
                case "--threads" -> { threads = Integer.parseInt(v); i++; }
                case "--repeats" -> { repeats = Integer.parseInt(v); i++; }
                case "--warmup" -> { warmup = Double.parseDouble(v); i++; }
                case "--repeat-seconds" -> { repeatSeconds = Double.parseDouble(v); i++; }
                case "--shapes" -> { shapes = v; i++; }
                case "--impls" -> { impls = v; i++; }
                case "--batches" -> { batches = v; i++; }
                default -> {
                    err.println("usage: GemmBenchmark [--threads T] [--shapes square|seed|gemv|all] "
                            + "[--impls java,blas,direct] [--repeats N] [--warmup S] [--repeat-seconds S] "
                            + "[--batches 1,32,256,1024]; unknown argument " + args[i]);
                    return 2;
                }
            }
        }
        var list = new ArrayList<Shape>();
        if (shapes.equals("square") || shapes.equals("all")) list.add(SQUARE);
        if (shapes.equals("gemv") || shapes.equals("all")) list.add(GEMV);
        if (shapes.equals("seed") || shapes.equals("all")) {
            for (String b : batches.split(",")) list.addAll(seedShapes(Integer.parseInt(b.trim())));
        }
        if (list.isEmpty()) {
            err.println("GemmBenchmark: --shapes must be square, gemv, seed or all, got '" + shapes + "'");
            return 2;
        }
        List<String> wanted = List.of(impls.split(","));
        JavaBackend java = wanted.contains("java") ? new JavaBackend(threads) : null;
        BlasBackend blas = null;
        if (wanted.contains("blas") || wanted.contains("direct")) {
            try {
                blas = new BlasBackend(threads);
            } catch (BlasUnavailableException e) {
                err.println("skipping blas and direct: " + e.getMessage());
            }
        }
        for (Shape s : list) {
            var ops = Operands.of(s);
            var run = new ArrayList<Impl>();
            if (java != null) run.add(through(java, ops));
            if (blas != null && wanted.contains("blas")) run.add(through(blas, ops));
            if (blas != null && wanted.contains("direct")) run.add(openblasDirect(blas, ops));
            List<Result> results = compare(run, s, threads, repeats, warmup, repeatSeconds);
            for (Result r : results) {
                out.println((s == GEMV ? asLatency(r) : r).toJson());
            }
            Result base = results.stream().filter(r -> r.blas().equals("openblas-direct")).findFirst().orElse(null);
            if (base != null) {
                for (Result r : results) {
                    if (r != base) {
                        out.println("{\"suite\":\"gemm\",\"impl\":\"greenml\",\"metric\":\"sgemm_ratio\",\"threads\":"
                                + threads + ",\"shape\":\"" + s.label() + "\",\"name\":\"" + s.name()
                                + "\",\"numerator\":\"" + r.blas() + "\",\"denominator\":\"openblas-direct\",\"unit\":\"GFLOP/s ratio\",\"median\":"
                                + fmt(pairedRatio(r, base)) + "}");
                    }
                }
            }
        }
        return 0;
    }
}
