package dev.greenml.bench;

import dev.greenml.Version;
import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.data.SplitMixBenchData;
import dev.greenml.io.ModelFile;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.optim.Adam;
import dev.greenml.parallel.DataParallel;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import dev.greenml.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The peer-baseline protocol for the seed model (bench-protocol.md): BigModel trained with MSE
 * and Adam(1e-3) on "splitmix-bm-v1", measured exactly as PyTorch, DJL and DL4J are, and printed
 * as one JSON object per line so the results merge into one table.
 */
public final class SeedMlpBench {

    /** Steps per timed repeat, per batch size (protocol). */
    static final int[] BATCHES = {1, 32, 256, 1024};
    static final int[] STEPS = {500, 300, 100, 40};
    static final int REPEATS = 5;

    private final Consumer<Map<String, Object>> emit;
    private final int threads;
    private final boolean quick;   // for tests: a fraction of the steps, same code paths
    private SplitMixBenchData data;

    public SeedMlpBench(int threads, boolean quick, Consumer<Map<String, Object>> emit) {
        this.threads = threads;
        this.quick = quick;
        this.emit = emit;
    }

    public void run() throws IOException {
        long t0 = System.nanoTime();
        data = SplitMixBenchData.generate();
        long xCrc = SplitMixBenchData.crc32(data.x), yCrc = SplitMixBenchData.crc32(data.y);
        if (xCrc != SplitMixBenchData.X_CRC32 || yCrc != SplitMixBenchData.Y_CRC32) {
            throw new IllegalStateException("splitmix-bm-v1 fingerprints differ: X " + xCrc + ", y " + yCrc);
        }
        Map<String, Object> info = line("run_info");
        info.put("data", SplitMixBenchData.SPEC);
        info.put("data_gen_s", (System.nanoTime() - t0) / 1e9);
        info.put("x_crc32", xCrc);
        info.put("y_crc32", yCrc);
        info.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        info.put("cpu_count", Runtime.getRuntime().availableProcessors());
        info.put("quick", quick);
        emit.accept(info);

        for (int i = 0; i < BATCHES.length; i++) trainThroughput(BATCHES[i], scaled(STEPS[i]));
        inferLatency();
        inferThroughput();
        quality();
    }

    private int scaled(int steps) {
        return quick ? Math.max(2, steps / 50) : steps;
    }

    private Mlp freshModel() {
        return new Mlp(new Mlp.Config(new int[] {1000, 200, 100, 1}, Activation.Kind.RELU), new Rng(SplitMixBenchData.SEED));
    }

    /**
     * One step = forward, loss, backward, optimizer step, zero the gradients. With more than one
     * thread, the step is data-parallel (as {@code greenml train} runs it): each thread takes a shard
     * of the batch, the gradients are summed, and Adam's update is split by element range.
     */
    private void trainThroughput(int batch, int steps) {
        Mlp model = freshModel();
        Adam adam = new Adam(model.parameters(), 1e-3f);
        DataParallel dp = threads > 1 ? new DataParallel(model, threads) : null;
        int rows = SplitMixBenchData.TRAIN_ROWS;
        int[] cursor = {0};
        Runnable step = () -> {
            int from = cursor[0];
            if (from + batch > rows) from = 0;
            cursor[0] = from + batch;
            trainStep(model, adam, dp, from, batch);
        };
        warmUp(step, Math.max(5, steps / 10));
        double[] values = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < steps; i++) step.run();
            values[r] = (double) steps * batch / ((System.nanoTime() - s) / 1e9);
        }
        if (dp != null) dp.close();
        Map<String, Object> m = stats("train_throughput", "samples/s", values);
        m.put("batch", batch);
        m.put("steps", steps);
        m.put("parallelism", dp != null ? "data-parallel" : "single thread");
        emit.accept(m);
    }

    /** forward, MSE, backward, Adam step, zero_grad on rows [from, from + n) of the training data. */
    private void trainStep(Mlp model, Adam adam, DataParallel dp, int from, int n) {
        if (dp == null) {
            Tensor loss = Losses.mse(model.forward(Tensor.view(data.x, from * 1000, n, 1000)), Tensor.view(data.y, from, n, 1));
            loss.backward();
            adam.step();
        } else {
            dp.trainStep(n, (replica, shard, lo, hi) -> Losses.mse(
                    replica.forward(Tensor.view(data.x, (from + lo) * 1000, hi - lo, 1000)), Tensor.view(data.y, from + lo, hi - lo, 1)), adam);
        }
        adam.zeroGrad();
    }

    private void inferLatency() {
        Mlp model = freshModel();
        Tensor x = Tensor.view(data.x, SplitMixBenchData.TRAIN_ROWS * 1000, 1, 1000);
        int calls = quick ? 100 : 3000;
        float[] sink = new float[1];
        Runnable call = () -> {
            try (var scope = Autograd.noGrad()) {
                sink[0] += model.forward(x).item();
            }
        };
        warmUp(call, 300);
        double[] values = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < calls; i++) call.run();
            values[r] = (System.nanoTime() - s) / 1e3 / calls;
        }
        Map<String, Object> m = stats("infer_latency", "us", values);
        m.put("batch", 1);
        m.put("calls", calls);
        emit.accept(m);
    }

    /**
     * Batch-1024 inference as {@code greenml predict} runs it: threads inside the products. (A shard
     * of the rows per thread measured no better here: 325k against 336k samples/s at T=2 in two runs;
     * two independent single-thread products each pack the whole weight matrix, where OpenBLAS's
     * threads share one packing.)
     */
    private void inferThroughput() {
        Mlp model = freshModel();
        Tensor x = Tensor.view(data.x, 0, 1024, 1000);
        int calls = quick ? 3 : 60;
        Runnable call = () -> {
            try (var scope = Autograd.noGrad()) {
                model.forward(x);
            }
        };
        warmUp(call, 6);
        double[] values = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < calls; i++) call.run();
            values[r] = 1024.0 * calls / ((System.nanoTime() - s) / 1e9);
        }
        Map<String, Object> m = stats("infer_throughput", "samples/s", values);
        m.put("batch", 1024);
        m.put("calls", calls);
        emit.accept(m);
    }

    /** 5 epochs at batch 256, batches in order; test and train MSE; epoch time; file size, save, load. */
    private void quality() throws IOException {
        Mlp model = freshModel();
        Adam adam = new Adam(model.parameters(), 1e-3f);
        DataParallel dp = threads > 1 ? new DataParallel(model, threads) : null;
        int rows = quick ? 4096 : SplitMixBenchData.TRAIN_ROWS, epochs = 5, b = 256;
        double[] epochTimes = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            long s = System.nanoTime();
            for (int from = 0; from < rows; from += b) {
                trainStep(model, adam, dp, from, Math.min(b, rows - from));
            }
            epochTimes[e] = (System.nanoTime() - s) / 1e9;
        }
        if (dp != null) dp.close();
        Map<String, Object> et = stats("epoch_time", "s", epochTimes);
        et.put("batch", b);
        emit.accept(et);
        Dataset train = Dataset.regression(data.trainX(), 1000, data.trainY(), 1);
        Dataset test = Dataset.regression(data.testX(), 1000, data.testY(), 1);
        Map<String, Object> q = line("final_mse");
        q.put("epochs", epochs);
        q.put("batch", b);
        q.put("test_mse", Trainer.evaluate(model, test, "mse", 1024).loss());
        q.put("train_mse", Trainer.evaluate(model, train, "mse", 1024).loss());
        emit.accept(q);

        Path dir = Files.createTempDirectory("greenml-bench");
        Path file = dir.resolve("bigmodel.safetensors");
        double[] save = new double[REPEATS], load = new double[REPEATS];
        boolean identical = true;
        for (int r = 0; r < REPEATS; r++) {
            long s = System.nanoTime();
            ModelFile.save(file, model, Map.of());
            save[r] = (System.nanoTime() - s) / 1e3;
            s = System.nanoTime();
            ModelFile.Loaded loaded = ModelFile.load(file);
            load[r] = (System.nanoTime() - s) / 1e3;
            identical &= Trainer.sameOutputs(model, loaded.model(), test);
        }
        Map<String, Object> size = line("model_file_size");
        size.put("unit", "bytes");
        size.put("value", Files.size(file));
        size.put("reload_identical", identical);
        emit.accept(size);
        emit.accept(stats("save_time", "us", save));
        emit.accept(stats("load_time", "us", load));
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }


    /** Runs {@code work} in chunks of {@code chunk} until at least one second has passed (JIT warm-up). */
    private void warmUp(Runnable work, int chunk) {
        long deadline = System.nanoTime() + (quick ? 50_000_000L : 1_000_000_000L);
        do {
            for (int i = 0; i < chunk; i++) work.run();
        } while (System.nanoTime() < deadline);
    }

    private Map<String, Object> line(String metric) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suite", "peer-baseline");
        m.put("impl", "greenml");
        m.put("impl_version", Version.STRING);
        m.put("blas", Backends.current().name());
        m.put("threads", threads);
        m.put("metric", metric);
        return m;
    }

    private Map<String, Object> stats(String metric, String unit, double[] values) {
        Map<String, Object> m = line(metric);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        m.put("unit", unit);
        m.put("median", sorted[sorted.length / 2]);
        m.put("min", sorted[0]);
        m.put("max", sorted[sorted.length - 1]);
        List<Double> list = new ArrayList<>();
        for (double v : values) list.add(v);
        m.put("values", list);
        return m;
    }
}
