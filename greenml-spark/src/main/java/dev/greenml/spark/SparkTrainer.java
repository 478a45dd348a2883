package dev.greenml.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.footprint.carbon.EnergyInterval;
import dev.greenml.footprint.carbon.Intensities;
import dev.greenml.footprint.carbon.IntensitySource;
import dev.greenml.footprint.meter.CpuModelMeter;
import dev.greenml.footprint.meter.TdpTable;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.ModelConfigs;
import dev.greenml.optim.Optimizer;
import dev.greenml.optim.Optimizers;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Data-parallel training on Apache Spark by parameter averaging: each round the driver broadcasts
 * the model's parameters and optimizer state, every partition of the training rows takes K
 * optimizer steps on its own rows, and {@code treeAggregate} brings back the states weighted by
 * each partition's row count, which the driver averages for the next round.
 *
 * <pre>{@code
 * SparkTrainer trainer = SparkTrainer.builder(new Mlp.Config(new int[] {4, 16, 1}, Activation.Kind.RELU))
 *         .optimizer("adam", 0.01f).loss("mse").batchSize(32).localSteps(4).rounds(20).seed(42).build();
 * SparkTrainResult r = trainer.fit(rows);            // rows: JavaRDD<TrainingRow>, one shard per partition
 * r.model();  r.lossPerRound();  r.footprint().summary();
 * }</pre>
 *
 * <p>With SGD (with or without momentum and L2 weight decay), K = 1 and one batch per partition
 * covering its rows, a round is exactly one synchronous step on all rows (the row-weighted mean of
 * the partitions' mean-loss gradients is the gradient of the mean loss, and momentum and decay are
 * linear in it); not with Adam, whose second moment is not. With K > 1 the partitions drift apart between averagings: fewer
 * rounds (Spark jobs) for the same number of steps, at some cost in what a step achieves. See
 * docs/spark.md.
 */
public final class SparkTrainer {

    /**
     * How to train; shipped to every task, so it holds names and numbers only.
     *
     * @param optimizer   sgd, adam or adamw
     * @param weightDecay negative: the optimizer's PyTorch default (0, or 0.01 for adamw)
     * @param momentum    SGD only
     * @param loss        mse or cross-entropy (mean over the batch)
     * @param batchSize   rows per local step in each partition
     * @param localSteps  K: optimizer steps each partition takes between two averagings
     * @param rounds      averagings (one Spark job each)
     * @param shuffle     reshuffle each partition's rows every local epoch (seeded)
     * @param backend     the kernels every task computes with, on one thread: blas (OpenBLAS; a task
     *                    fails with the fix where it does not load) or java (Vector API). Named, never
     *                    "auto", so that no executor silently computes with other arithmetic
     */
    public record Options(String optimizer, float lr, float weightDecay, float momentum, String loss, int batchSize,
                          int localSteps, int rounds, long seed, boolean shuffle, String backend) implements Serializable {
        public Options {
            backend = TaskBackend.check(backend);
            Optimizers.checkName(optimizer);
            optimizer = optimizer.toLowerCase(java.util.Locale.ROOT);
            if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
            if (!(momentum >= 0) || Float.isInfinite(momentum)) {
                throw new IllegalArgumentException("momentum must be a number ≥ 0, got " + momentum);
            }
            if (momentum > 0 && !optimizer.equals("sgd")) {
                throw new IllegalArgumentException("momentum applies to sgd only, and " + optimizer
                        + " would ignore it; drop momentum or use the sgd optimizer");
            }
            if (Float.isNaN(weightDecay) || Float.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("weight decay must be a finite number (negative: the optimizer's default), got "
                        + weightDecay);
            }
            if (!loss.equals("mse") && !loss.equals("cross-entropy")) {
                throw new IllegalArgumentException("unknown loss '" + loss + "'; choose mse or cross-entropy");
            }
            if (batchSize < 1) throw new IllegalArgumentException("batch size per partition must be at least 1, got " + batchSize);
            if (localSteps < 1) {
                throw new IllegalArgumentException("local steps K must be at least 1, got " + localSteps
                        + " (K is how many optimizer steps each partition takes between two averagings)");
            }
            if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        }

        /** The options as a JSON-friendly map, for the model file's training record. */
        public java.util.Map<String, Object> toMap() {
            var m = new java.util.LinkedHashMap<String, Object>();
            m.put("optimizer", optimizer);
            m.put("lr", lr);
            if (weightDecay >= 0) m.put("weight_decay", weightDecay);
            if (optimizer.equals("sgd")) m.put("momentum", momentum);
            m.put("loss", loss);
            m.put("batch_size_per_partition", batchSize);
            m.put("local_steps", localSteps);
            m.put("rounds", rounds);
            m.put("seed", seed);
            m.put("shuffle", shuffle);
            m.put("backend", backend);
            return m;
        }
    }

    /** Builds a {@link SparkTrainer}; every setting has a default except the model. */
    public static final class Builder {
        private final ModelConfig model;
        private String optimizer = "adam", loss = "mse";
        private float lr = 1e-3f, weightDecay = -1f, momentum = 0f;
        private int batchSize = 32, localSteps = 1, rounds = 10;
        private long seed = 42;
        private boolean shuffle = true;
        private String backend = "blas";
        private IntensitySource grid = Intensities.worldAverage();
        private Double pue;

        private Builder(ModelConfig model) {
            if (model == null) throw new IllegalArgumentException("SparkTrainer needs a model config, e.g. new Mlp.Config(...)");
            if (model.architecture().equals("gpt")) {
                throw new IllegalArgumentException("Spark training takes models that map a feature vector to outputs (mlp, cnn);"
                        + " train gpt with 'greenml train --model gpt'");
            }
            this.model = model;
        }

        public Builder optimizer(String name, float lr) { this.optimizer = name; this.lr = lr; return this; }
        public Builder weightDecay(float v) { this.weightDecay = v; return this; }
        public Builder momentum(float v) { this.momentum = v; return this; }
        public Builder loss(String v) { this.loss = v; return this; }
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        public Builder localSteps(int v) { this.localSteps = v; return this; }
        public Builder rounds(int v) { this.rounds = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder shuffle(boolean v) { this.shuffle = v; return this; }
        /** The tasks' kernels: blas (default; OpenBLAS, one thread per task) or java (Vector API). */
        public Builder backend(String v) { this.backend = v; return this; }
        /** Grid intensity for the CO2e figure (default: the world average, flagged as a fallback). */
        public Builder grid(IntensitySource v) { this.grid = v; return this; }
        /** PUE for the CO2e figure (default: the carbon tables' default for an unknown data centre). */
        public Builder pue(double v) { this.pue = v; return this; }

        public SparkTrainer build() {
            return new SparkTrainer(model, new Options(optimizer, lr, weightDecay, momentum, loss, batchSize, localSteps, rounds,
                    seed, shuffle, backend), grid, pue != null ? pue : Intensities.defaultPue(null));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelConfig model;
    private final Options options;
    private final IntensitySource grid;
    private final double pue;

    private SparkTrainer(ModelConfig model, Options options, IntensitySource grid, double pue) {
        this.model = model;
        this.options = options;
        this.grid = grid;
        this.pue = pue;
    }

    public static Builder builder(ModelConfig model) {
        return new Builder(model);
    }

    public Options options() { return options; }

    public ModelConfig modelConfig() { return model; }

    /** Trains on {@code data} split into {@code partitions} contiguous, near-equal slices (Spark's parallelize). */
    public SparkTrainResult fit(JavaSparkContext sc, Dataset data, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions + " (one per Spark task)");
        }
        return fit(sc.parallelize(rows(data), partitions));
    }

    /** The rows of a greenml dataset as training rows (class labels become one-value targets). */
    public static List<TrainingRow> rows(Dataset data) {
        List<TrainingRow> out = new ArrayList<>(data.rows());
        int f = data.features(), tw = data.targetWidth();
        for (int r = 0; r < data.rows(); r++) {
            float[] x = java.util.Arrays.copyOfRange(data.x(), r * f, (r + 1) * f);
            float[] y = data.isClassification() ? new float[] {data.labels()[r]}
                    : java.util.Arrays.copyOfRange(data.targets(), r * tw, (r + 1) * tw);
            out.add(new TrainingRow(x, y));
        }
        return out;
    }

    /**
     * Trains on {@code rows}, one shard per partition, each weighted by its row count. Partitions
     * without rows take no part. Deterministic for a fixed partitioning and seed on identical
     * executors (same backend, kernel and CPU; {@link SparkTrainResult#taskKernels} says what the
     * tasks computed on).
     *
     * @throws IllegalArgumentException for bad input (no partitions, no rows, a row that does not fit the model)
     */
    public SparkTrainResult fit(JavaRDD<TrainingRow> rows) {
        int partitions = rows.getNumPartitions();
        if (partitions == 0) {
            throw new IllegalArgumentException("the training RDD has no partitions; give it at least one partition of rows");
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime(), driverCpu0 = HostPower.threadCpuNanos(), jvmCpu0 = HostPower.processCpuNanos();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.context());

        Model master = model.build(new Rng(options.seed()));
        Optimizer masterOptimizer = Optimizers.create(options.optimizer(), master.parameters(), options.lr(),
                options.weightDecay(), options.momentum());
        float[] values = StateLayout.gather(master, masterOptimizer);
        TreeMap<String, float[]> counts = StateLayout.counts(master, masterOptimizer);
        String configJson = model.toJson().toString();
        int features = model.inputFeatures(), outputs = model.outputFeatures();
        String loss = options.loss();
        Options o = options;

        JavaRDD<Shard> shards = rows
                .mapPartitionsWithIndex((Integer i, Iterator<TrainingRow> it) -> List.of(Shard.pack(i, it, features, outputs, loss)).iterator(), true)
                .persist(StorageLevel.MEMORY_ONLY());
        List<Double> lossPerRound = new ArrayList<>();
        int tasks = 0;
        long bytes = 0;
        double taskCpu = 0, taskJoules = 0, mergeCpu = 0;
        java.util.TreeSet<String> sources = new java.util.TreeSet<>(), kernels = new java.util.TreeSet<>();
        long total = 0;
        try {
            List<Integer> sizes = shards.map(Shard::rows).collect();
            int training = 0;
            for (int n : sizes) {
                total += n;
                if (n > 0) training++;
            }
            if (total == 0) {
                throw new IllegalArgumentException("the training RDD holds no rows (" + partitions + " empty partitions); give it data");
            }
            for (int round = 1; round <= options.rounds(); round++) {
                RoundStart start = new RoundStart(configJson, values, counts, round);
                Broadcast<RoundStart> b = sc.broadcast(start);
                WeightedSum sum;
                try {
                    // depth 1: every task's sum goes straight to the driver, which merges them as they
                    // arrive. A deeper tree adds a shuffle stage from 6 partitions up (tasks, shuffle
                    // files and bytes the footprint would have to count) to take merges off the driver;
                    // at P vectors a round the driver keeps up. An empty partition reads no broadcast.
                    sum = shards.map(shard -> shard.rows == 0 ? null : LocalSteps.run(shard, b.value(), o))
                            .treeAggregate(null, WeightedSum::merge, WeightedSum::merge, 1);
                } finally {
                    b.destroy();
                }
                if (sum == null || sum.rows() != total) {
                    throw new IllegalStateException("round " + round + " aggregated " + (sum == null ? 0 : sum.rows())
                            + " rows, expected " + total);
                }
                float[] weighted = sum.total();
                values = new float[weighted.length];
                for (int i = 0; i < weighted.length; i++) values[i] = (float) (weighted[i] / (double) total);
                counts = new TreeMap<>(sum.counts());
                lossPerRound.add(sum.meanLoss());
                for (WeightedSum.Task t : sum.tasks().values()) {
                    taskCpu += t.cpuNanos() / 1e9;
                    taskJoules += t.joules();
                    kernels.add(t.kernels());
                }
                sources.addAll(sum.powerSources());
                mergeCpu += sum.mergeCpuNanos() / 1e9;
                tasks += training;
                // the broadcast to every training task, and each task's contribution back (the same floats, no JSON)
                long broadcast = start.payloadBytes();
                long back = broadcast - start.configJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                bytes += training * (broadcast + back);
            }
        } catch (Exception e) {   // Spark's job failures are checked SparkExceptions, thrown undeclared
            throw userError(e);
        } finally {
            shards.unpersist(false);
        }
        StateLayout.scatter(values, counts, master, masterOptimizer);

        double wall = (System.nanoTime() - t0) / 1e9;
        double driverCpu = (HostPower.threadCpuNanos() - driverCpu0) / 1e9;
        long jvmCpu1 = HostPower.processCpuNanos();
        double jvmCpu = jvmCpu0 < 0 || jvmCpu1 < 0 ? -1 : (jvmCpu1 - jvmCpu0) / 1e9;
        TdpTable.Match driverPower = HostPower.lookup();
        // the merges ran on the driver (depth 1; the executors' merges with treeAggregate's empty zero value add nothing)
        double joules = taskJoules + (driverCpu + mergeCpu) * driverPower.wattsPerCore();
        // the energy counts all three CPU times, so the source names all three
        String driverSource = HostPower.describe(driverPower);
        String source = sources.isEmpty() || sources.equals(java.util.Set.of(driverSource))
                ? "thread CPU time (ThreadMXBean) of the training tasks, the driver thread and the merges × " + driverSource
                : "thread CPU time (ThreadMXBean) of the training tasks × " + String.join("; ", sources)
                        + ", and of the driver thread and the merges × " + driverSource;
        double grams = grid.gramsCo2e(List.of(new EnergyInterval(started, Instant.now(), joules / 3.6e6)), pue);
        var footprint = new SparkFootprint(tasks, taskCpu, driverCpu, mergeCpu, jvmCpu, joules, "modelled", source, CpuModelMeter.UNCERTAINTY, grams,
                grid.describe(), pue, bytes,
                "Spark's own work around the tasks (scheduling, (de)serialization, block manager, network, packing the rows "
                        + "once, handling the task results on the driver apart from the merges), JIT and GC threads, JVM start-up, memory, idle power of the machines, the bytes of the training rows "
                        + "themselves reaching the executors, and the network's energy for the bytes moved");
        return new SparkTrainResult(master, options, partitions, total, lossPerRound, wall, List.copyOf(kernels), footprint);
    }

    /**
     * Mean loss ({@code loss}: mse or cross-entropy) of {@code model} over {@code rows}, computed
     * partition by partition on the executors and summed in partition order. Each task computes on
     * one thread of this process's kernels (in local mode; an executor's own default elsewhere).
     */
    public static double evaluate(Model model, JavaRDD<TrainingRow> rows, String loss) {
        return evaluate(model, rows, loss, null);
    }

    /** As {@link #evaluate(Model, JavaRDD, String)}, with the tasks on {@code backend} (java or blas). */
    public static double evaluate(Model model, JavaRDD<TrainingRow> rows, String loss, String backend) {
        if (backend != null) TaskBackend.check(backend);
        if (!loss.equals("mse") && !loss.equals("cross-entropy")) {
            throw new IllegalArgumentException("unknown loss '" + loss + "'; choose mse or cross-entropy");
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.context());
        Optimizer none = new dev.greenml.optim.Sgd(model.parameters(), 1f);
        RoundStart state = new RoundStart(model.config().toJson().toString(), StateLayout.gather(model, none), new TreeMap<>(), 0);
        int features = model.config().inputFeatures(), outputs = model.config().outputFeatures();
        Broadcast<RoundStart> b = sc.broadcast(state);
        List<double[]> parts;
        try {
            parts = rows.mapPartitionsWithIndex((Integer i, Iterator<TrainingRow> it) -> {
                Shard shard = Shard.pack(i, it, features, outputs, loss);
                return List.of(new double[] {i, lossSum(shard, b.value(), loss, backend), shard.rows}).iterator();
            }, true).collect();
        } catch (Exception e) {
            throw userError(e);
        } finally {
            b.destroy();
        }
        double sum = 0, n = 0;
        for (double[] p : parts) {   // collect() keeps partition order
            sum += p[1];
            n += p[2];
        }
        if (n == 0) throw new IllegalArgumentException("cannot evaluate on an RDD without rows");
        return sum / n;
    }

    private static double lossSum(Shard shard, RoundStart state, String loss, String backend) {
        if (shard.rows == 0) return 0;
        Model m;
        try {
            m = ModelConfigs.fromJson(JSON.readTree(state.configJson())).build(new Rng(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StateLayout.scatter(state.values(), state.counts(), m, new dev.greenml.optim.Sgd(m.parameters(), 1f));
        m.eval();
        double[] sum = {0};
        // Spark runs one task per core in the same JVM: like training, each task computes on one
        // thread (the process-wide backend may be multi-threaded, and OpenBLAS must not be resized
        // from several threads while calls run)
        Backends.runWith(backend != null ? TaskBackend.get(backend) : Backends.current().singleThreaded(), () -> {
            try (var scope = Autograd.noGrad()) {
                for (int from = 0; from < shard.rows; from += 1024) {
                    int to = Math.min(shard.rows, from + 1024), n = to - from;
                    Tensor x = Tensor.view(shard.x, from * shard.features, n, shard.features);
                    Tensor out = m.forward(x);
                    Tensor l;
                    if (loss.equals("mse")) {
                        l = Losses.mse(out, Tensor.view(shard.y, from * shard.targetWidth, n, shard.targetWidth));
                    } else {
                        int[] labels = new int[n];
                        for (int r = 0; r < n; r++) labels[r] = (int) shard.y[from + r];
                        l = Losses.crossEntropy(out, labels);
                    }
                    sum[0] += (double) l.item() * n;
                }
            }
        });
        return sum[0];
    }

    /**
     * A task's IllegalArgumentException (bad input) reaches the driver wrapped in Spark's job
     * failure; the user gets its message alone.
     */
    private static RuntimeException userError(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException bad) return new IllegalArgumentException(bad.getMessage(), e);
        }
        // an aborted job's message goes on with the executor's stack trace as text: keep its first line
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip().lines().findFirst().orElse("");
        return e instanceof RuntimeException r ? r : new IllegalStateException("Spark job failed: " + message, e);
    }
}
