package dev.greenml.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.autograd.Losses;
import dev.greenml.footprint.meter.TdpTable;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.ModelConfigs;
import dev.greenml.optim.Optimizer;
import dev.greenml.optim.Optimizers;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What one Spark task does in a round, on its executor: rebuild the model from the broadcast,
 * take K optimizer steps over its own shard, and return its state weighted by the shard's rows,
 * with the CPU time it used.
 *
 * <p>Local step t of a partition (t counts from 0 over all rounds) reads rows
 * [j·b, min(n, (j+1)·b)) of the shard's local epoch e = t / s, j = t mod s, s = ⌈n / b⌉; an epoch's
 * row order is drawn from (seed, partition, e) when shuffling. So a run is a function of the
 * partitioning and the seed alone.
 */
final class LocalSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalSteps() {}

    static WeightedSum run(Shard shard, RoundStart start, SparkTrainer.Options o) {
        long cpu0 = HostPower.threadCpuNanos();
        if (shard.rows == 0) return null;   // an empty partition contributes nothing
        ModelConfig config;
        try {
            config = ModelConfigs.fromJson(JSON.readTree(start.configJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the generator only initialises weights that are overwritten at once, and seeds stochastic
        // layers (dropout) per partition and round
        Model model = config.build(new Rng(mix(o.seed(), shard.index, start.round())));
        Optimizer optimizer = Optimizers.create(o.optimizer(), model.parameters(), o.lr(), o.weightDecay(), o.momentum());
        StateLayout.scatter(start.values(), start.counts(), model, optimizer);
        model.train();

        double[] lossSum = new double[1];
        long[] lossRows = new long[1];
        // the chosen kernels, on one thread: Spark runs one task per core in the same JVM
        Backend backend = TaskBackend.get(o.backend());
        Backends.runWith(backend, () -> {
            Batch batch = new Batch(shard, Math.min(o.batchSize(), shard.rows), o.loss().equals("cross-entropy"));
            long first = (long) (start.round() - 1) * o.localSteps();
            for (int k = 0; k < o.localSteps(); k++) {
                batch.load(first + k, o);
                optimizer.zeroGrad();
                Tensor out = model.forward(batch.x);
                Tensor loss = batch.labels != null ? Losses.crossEntropy(out, batch.labels) : Losses.mse(out, batch.y);
                loss.backward();
                optimizer.step();
                lossSum[0] += (double) loss.item() * batch.rows;
                lossRows[0] += batch.rows;
            }
        });

        float[] weighted = StateLayout.gather(model, optimizer);
        for (int i = 0; i < weighted.length; i++) weighted[i] *= shard.rows;
        TdpTable.Match power = HostPower.lookup();
        long cpu = HostPower.threadCpuNanos() - cpu0;
        var task = new WeightedSum.Task(shard.rows, lossSum[0], lossRows[0], cpu, cpu / 1e9 * power.wattsPerCore(),
                TaskBackend.describe(backend));
        return WeightedSum.of(shard.index, weighted, StateLayout.counts(model, optimizer), task, HostPower.describe(power));
    }

    static long mix(long seed, int partition, long n) {
        return new Rng(seed * 0x9E3779B97F4A7C15L + partition * 0xBF58476D1CE4E5B9L + n).nextLong();
    }

    /** The rows of the current local step, gathered into reused arrays. */
    private static final class Batch {
        final Shard shard;
        final float[] xBuf, yBuf;
        final int[] labelBuf;
        int[] order;
        long orderEpoch = -1;
        Tensor x, y;
        int[] labels;
        int rows;

        Batch(Shard shard, int capacity, boolean classes) {
            this.shard = shard;
            xBuf = new float[capacity * shard.features];
            yBuf = new float[capacity * shard.targetWidth];
            labelBuf = classes ? new int[capacity] : null;
        }

        void load(long localStep, SparkTrainer.Options o) {
            int n = shard.rows, b = Math.min(o.batchSize(), n);
            long perEpoch = (n + b - 1) / b;
            long epoch = localStep / perEpoch;
            int j = (int) (localStep % perEpoch);
            if (epoch != orderEpoch) {
                order = new int[n];
                for (int i = 0; i < n; i++) order[i] = i;
                if (o.shuffle()) new Rng(mix(o.seed(), shard.index, -1 - epoch)).shuffle(order);
                orderEpoch = epoch;
            }
            int from = j * b, to = Math.min(n, from + b), f = shard.features, tw = shard.targetWidth;
            rows = to - from;
            for (int r = 0; r < rows; r++) {
                int row = order[from + r];
                System.arraycopy(shard.x, row * f, xBuf, r * f, f);
                System.arraycopy(shard.y, row * tw, yBuf, r * tw, tw);
            }
            x = Tensor.view(xBuf, 0, rows, f);
            if (labelBuf != null) {
                labels = new int[rows];
                for (int r = 0; r < rows; r++) labels[r] = (int) yBuf[r];
            } else {
                y = Tensor.view(yBuf, 0, rows, tw);
            }
        }
    }
}
