package dev.greenml.train;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Model;
import dev.greenml.parallel.DataParallel;
import dev.greenml.nn.Module;
import dev.greenml.optim.LrSchedule;
import dev.greenml.optim.Optimizer;
import dev.greenml.optim.Optimizers;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;

/**
 * The training loop: for each batch, forward, loss, zero_grad, backward, step.
 * Batches are views into the dataset when rows are in order (no copy), gathered into a reused
 * buffer when shuffled.
 *
 * <p>Resumable bit for bit: epoch e's shuffle order is drawn from a generator seeded by
 * (seed, e) alone, so a run restored at any {@link Position} (with the parameters and the
 * optimizer state, see {@link Checkpoint}) takes exactly the steps the uninterrupted run takes.
 * {@link #requestStop()} (from any thread: Ctrl-C, a budget) ends {@link #fit} between two steps.
 */
public final class Trainer {

    /** Called as training progresses; all methods optional. */
    public interface Listener {
        default void onEpochStart(int epoch, int stepsPerEpoch) {}
        default void onStep(int epoch, int step, int stepsPerEpoch, float loss, int batchRows) {}
        /** The step just taken; by default forwards to {@link #onStep(int, int, int, float, int)}. */
        default void onStep(Step s) { onStep(s.epoch(), s.step(), s.stepsPerEpoch(), s.loss(), s.rows()); }
        /** After the epoch's evaluation; {@link Trainer#position()} is then the start of the next epoch. */
        default void onEpochEnd(int epoch, double meanLoss, Evaluation validation) {}
    }

    /**
     * One step's figures. {@code correct} counts rows whose largest logit is the label
     * (classification), -1 for regression; {@code lr} is the learning rate the step used.
     */
    public record Step(int epoch, int step, int stepsPerEpoch, float loss, int rows, int correct, float lr) {}

    /** Loss (and accuracy for classification, else NaN) of a model on a dataset. */
    public record Evaluation(double loss, double accuracy, int rows) {}

    /**
     * Where training stands between two steps.
     *
     * @param epoch         the epoch in progress or, with {@code step} 0, the next one (1-based)
     * @param step          steps of {@code epoch} already taken
     * @param stepsPerEpoch for checking that a resumed run sees the same data and batch size
     * @param shuffleSeed   seed of {@code epoch}'s row order (derived from the config's seed and the epoch)
     * @param lossSum       Σ loss·rows over the steps of {@code epoch} taken so far (for the epoch's mean)
     * @param correct       Σ rows predicted right over those steps (for the epoch's training accuracy; classification),
     *                      -1 when unknown: a checkpoint written before greenml recorded it
     * @param rng           the trainer's generator ({@link Rng#snapshot()}), for stochastic layers
     */
    public record Position(int epoch, int step, int stepsPerEpoch, long shuffleSeed, double lossSum, long correct, long[] rng) {
        /** Steps taken since the start of the run. */
        public long globalStep() { return (long) (epoch - 1) * stepsPerEpoch + step; }
        /** Epochs fully done. */
        public int epochsDone() { return epoch - 1; }
    }

    /** How {@link #fit} ended. */
    public enum Outcome { COMPLETED, STOPPED }

    private final TrainConfig config;
    private final Module model;
    private final Optimizer optimizer;
    private final Rng rng;
    private LrScheduleConfig schedule = LrScheduleConfig.CONSTANT;
    private Position position;
    private volatile boolean stopRequested;
    private boolean dataParallel = true;

    public Trainer(Module model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.optimizer = Optimizers.create(config.optimizer(), model.parameters(), config.lr(),
                config.weightDecay(), config.momentum());
        this.rng = new Rng(config.seed() ^ 0x5DEECE66DL);
    }

    public Optimizer optimizer() { return optimizer; }
    public Module model() { return model; }
    public TrainConfig config() { return config; }

    /** The learning-rate schedule, applied before every step (default: constant lr). */
    public Trainer schedule(LrScheduleConfig s) {
        this.schedule = s;
        return this;
    }

    public LrScheduleConfig schedule() { return schedule; }

    /** Ends {@link #fit} before its next step (or after the current epoch's end callbacks); safe from any thread. */
    public void requestStop() { stopRequested = true; }

    public boolean stopRequested() { return stopRequested; }

    /** Where training stands: after {@link #fit} returns, or inside {@link Listener#onEpochEnd}. Null before any fit. */
    public Position position() { return position; }

    /** Makes the next {@link #fit} continue from {@code p} (parameters and optimizer state are restored by the caller). */
    public void resumeFrom(Position p) {
        if (p.epoch() < 1 || p.step() < 0 || p.stepsPerEpoch() < 1 || p.step() >= p.stepsPerEpoch()) {
            throw new IllegalArgumentException("invalid training position " + p);
        }
        position = p;
    }

    /** The seed of epoch {@code epoch}'s row order: a function of the config's seed and the epoch only. */
    public long shuffleSeed(int epoch) {
        return new Rng(config.seed() * 0x9E3779B97F4A7C15L + epoch).nextLong();
    }

    /**
     * Trains up to the configured epochs (from the resumed position, if any); evaluates on
     * {@code validation} (may be null) after each. Returns STOPPED when {@link #requestStop()} ended it early.
     */
    public Outcome fit(Dataset train, Dataset validation, Listener listener) {
        checkCompatible(train);
        stopRequested = false;
        int rows = train.rows(), b = config.batchSize();
        int steps = (rows + b - 1) / b;
        Position from = position != null ? position : new Position(1, 0, steps, shuffleSeed(1), 0, 0, rng.snapshot());
        if (from.stepsPerEpoch() != steps) {
            throw new IllegalArgumentException("the run being resumed took " + from.stepsPerEpoch() + " steps per epoch, this one takes "
                    + steps + " (" + rows + " rows, batch " + b + "); resume with the same data and --batch-size");
        }
        rng.restore(from.rng());
        LrSchedule lrAt = schedule.build(config.lr(), steps, config.epochs());
        int[] order = new int[rows];
        Batch batch = new Batch(train, Math.min(b, rows));
        model.train();
        try (DataParallel dp = dataParallel()) {
            return fitEpochs(train, validation, listener, from, steps, lrAt, order, batch, dp);
        }
    }

    /**
     * Data-parallel steps (see {@link DataParallel}) when the kernels have more than one thread and
     * the model can be replicated; null for steps on the calling thread with threaded kernels.
     */
    private DataParallel dataParallel() {
        int threads = dataParallelThreads();
        return threads < 2 ? null : new DataParallel((Model) model, threads);
    }

    /** Threads for data-parallel steps; below 2 when steps run on the calling thread with threaded kernels. */
    private int dataParallelThreads() {
        int threads = Backends.current().threads();
        if (!dataParallel || threads < 2 || !(model instanceof Model m)) return 0;
        return DataParallel.threadsFor(m, threads);
    }

    /** How the last {@link #fit} used its threads, in words, for logs and reports. */
    public String parallelism() {
        int threads = Backends.current().threads(), parallel = dataParallelThreads();
        if (threads < 2) return "one thread";
        if (parallel >= 2) {
            return "data-parallel over " + parallel + " threads (one shard of each batch per thread)"
                    + (parallel < threads ? "; " + threads + " requested, fewer fit the heap's gradient budget" : "");
        }
        return threads + " threads inside the matrix products";
    }

    /** Turns data-parallel steps off ({@code false}: threads are used inside the kernels only). */
    public Trainer dataParallel(boolean enabled) {
        this.dataParallel = enabled;
        return this;
    }

    private Outcome fitEpochs(Dataset train, Dataset validation, Listener listener, Position from, int steps,
                              LrSchedule lrAt, int[] order, Batch batch, DataParallel dp) {
        int rows = train.rows(), b = config.batchSize();
        int firstStep = from.step();
        double sum = from.lossSum();
        long hits = from.correct();   // kept with the loss sum, so an epoch resumed mid-way still has its accuracy
        for (int epoch = from.epoch(); epoch <= config.epochs(); epoch++) {
            long seed = shuffleSeed(epoch);
            for (int i = 0; i < rows; i++) order[i] = i;
            if (config.shuffle()) new Rng(seed).shuffle(order);
            listener.onEpochStart(epoch, steps);
            for (int s = firstStep; s < steps; s++) {
                if (stopRequested) {
                    position = new Position(epoch, s, steps, seed, sum, hits, rng.snapshot());
                    return Outcome.STOPPED;
                }
                int lo = s * b, hi = Math.min(rows, lo + b);
                float lr = lrAt.lr((long) (epoch - 1) * steps + s);
                optimizer.setLr(lr);
                batch.load(order, lo, hi, config.shuffle());
                float l;
                int correct;
                optimizer.zeroGrad();
                if (dp == null) {
                    Tensor out = model.forward(batch.x);
                    Tensor loss = loss(config.loss(), out, batch, 0, hi - lo);
                    loss.backward();
                    optimizer.step();
                    l = loss.item();
                    correct = batch.labels == null ? -1 : correct(out, batch.labels, 0);
                } else {
                    int[] correctPerShard = new int[dp.threads()];
                    l = dp.trainStep(hi - lo, (replica, shard, r0, r1) -> {
                        Tensor out = replica.forward(batch.rows(r0, r1));
                        if (batch.labels != null) correctPerShard[shard] = correct(out, batch.labels, r0);
                        return loss(config.loss(), out, batch, r0, r1);
                    }, optimizer);
                    correct = batch.labels == null ? -1 : java.util.Arrays.stream(correctPerShard).sum();
                }
                sum += (double) l * (hi - lo);
                if (hits >= 0 && correct >= 0) hits += correct;
                listener.onStep(new Step(epoch, s + 1, steps, l, hi - lo, correct, lr));
            }
            firstStep = 0;
            double mean = sum / rows;
            sum = 0;
            hits = 0;
            Evaluation val = validation == null ? null : evaluate(model, validation, config.loss(), 1024, dp);
            position = new Position(epoch + 1, 0, steps, shuffleSeed(epoch + 1), 0, 0, rng.snapshot());
            listener.onEpochEnd(epoch, mean, val);
            if (stopRequested && epoch < config.epochs()) return Outcome.STOPPED;
        }
        return Outcome.COMPLETED;
    }

    /** Rows of a (rows, classes) output whose largest logit is at the label; row r's label is labels[first + r]. */
    private static int correct(Tensor out, int[] labels, int first) {
        int classes = out.dim(1), n = 0;
        for (int r = 0; r < out.dim(0); r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (out.get(r, c) > out.get(r, best)) best = c;
            if (best == labels[first + r]) n++;
        }
        return n;
    }

    /** The mean loss ({@code lossName}: mse or cross-entropy) of rows [from, to) of the batch, whose outputs are {@code out}. */
    private static Tensor loss(String lossName, Tensor out, Batch batch, int from, int to) {
        if (lossName.equals("mse")) {
            int tw = batch.y.dim(1);
            return Losses.mse(out, Tensor.view(batch.y.data(), batch.y.offset() + from * tw, to - from, tw));
        }
        int[] labels = from == 0 && to == batch.labels.length ? batch.labels : java.util.Arrays.copyOfRange(batch.labels, from, to);
        return Losses.crossEntropy(out, labels);
    }

    private void checkCompatible(Dataset d) {
        if (config.loss().equals("cross-entropy") && !d.isClassification()) {
            throw new IllegalArgumentException("--loss cross-entropy needs integer class labels in the target column");
        }
        if (config.loss().equals("mse") && d.isClassification()) {
            throw new IllegalArgumentException("--loss mse needs numeric targets, the dataset has class labels");
        }
    }

    /**
     * True when both models give bit-identical outputs on every row of {@code data} (inference
     * mode, one batch): how a reloaded model file is checked against the model that wrote it.
     */
    public static boolean sameOutputs(Module a, Module b, Dataset data) {
        try (var scope = Autograd.noGrad()) {
            Tensor x = Tensor.view(data.x(), 0, data.rows(), data.features());
            return java.util.Arrays.equals(a.forward(x).toArray(), b.forward(x).toArray());
        }
    }

    /**
     * Mean loss (and accuracy) of this trainer's model on {@code data}, using the threads as
     * {@link #fit} does: each batch split over data-parallel threads when it trains that way.
     */
    public Evaluation evaluate(Dataset data, int batchSize) {
        int threads = dataParallelThreads();
        if (threads < 2) return evaluate(model, data, config.loss(), batchSize);
        try (DataParallel dp = new DataParallel((Model) model, threads)) {
            return evaluate(model, data, config.loss(), batchSize, dp);
        }
    }

    /** Mean loss (and accuracy) over {@code data} in inference mode, in batches. */
    public static Evaluation evaluate(Module model, Dataset data, String lossName, int batchSize) {
        return evaluate(model, data, lossName, batchSize, null);
    }

    /**
     * {@link #evaluate(Module, Dataset, String, int)} with each batch split over {@code dp}'s threads
     * (null: on this thread). The sums are added shard by shard in a fixed order, so the result does
     * not depend on timing.
     */
    public static Evaluation evaluate(Module model, Dataset data, String lossName, int batchSize, DataParallel dp) {
        if (dp != null && dp.master() != model) throw new IllegalArgumentException("evaluate: the DataParallel given replicates another model");
        boolean wasTraining = model.isTraining();
        model.eval();
        boolean mse = lossName.equals("mse");
        Batch batch = new Batch(data, Math.min(batchSize, data.rows()));
        int shards = dp == null ? 1 : dp.threads();
        double[] shardLoss = new double[shards];   // Σ loss·rows of each shard of the current batch
        long[] shardCorrect = new long[shards];
        DataParallel.ShardWork work = (replica, shard, r0, r1) -> {
            Tensor out = replica.forward(batch.rows(r0, r1));
            shardLoss[shard] = (double) loss(lossName, out, batch, r0, r1).item() * (r1 - r0);
            if (!mse) shardCorrect[shard] = correct(out, batch.labels, r0);
        };
        double lossSum = 0;
        long correct = 0;
        try {
            for (int from = 0; from < data.rows(); from += batchSize) {
                int to = Math.min(data.rows(), from + batchSize);
                batch.load(null, from, to, false);
                java.util.Arrays.fill(shardLoss, 0);
                java.util.Arrays.fill(shardCorrect, 0);
                if (dp != null) {
                    dp.forEachShard(to - from, work);
                } else {
                    try (var scope = Autograd.noGrad()) {
                        work.run(model, 0, 0, to - from);
                    }
                }
                for (int i = 0; i < shards; i++) {
                    lossSum += shardLoss[i];
                    correct += shardCorrect[i];
                }
            }
        } finally {
            if (wasTraining) model.train();
        }
        double acc = mse ? Double.NaN : (double) correct / data.rows();
        return new Evaluation(lossSum / data.rows(), acc, data.rows());
    }

    /** The current batch: views into the dataset, or gathered copies when shuffled. */
    private static final class Batch {
        final Dataset data;
        final int capacity;
        float[] xBuf, yBuf;   // allocated on the first gathered batch only
        Tensor x, y;
        int[] labels;

        Batch(Dataset data, int capacity) {
            this.data = data;
            this.capacity = capacity;
        }

        /** Rows [from, to) of the loaded batch's inputs, as a view. */
        Tensor rows(int from, int to) {
            int f = x.dim(1);
            return Tensor.view(x.data(), x.offset() + from * f, to - from, f);
        }

        void load(int[] order, int from, int to, boolean gather) {
            int n = to - from, f = data.features(), tw = data.targetWidth();
            if (!gather) {
                x = Tensor.view(data.x(), from * f, n, f);
                if (data.targets() != null) y = Tensor.view(data.targets(), from * tw, n, tw);
                if (data.labels() != null) labels = java.util.Arrays.copyOfRange(data.labels(), from, to);
                return;
            }
            if (xBuf == null) {
                xBuf = new float[capacity * f];
                yBuf = data.targets() == null ? null : new float[capacity * tw];
            }
            labels = data.labels() == null ? null : new int[n];
            for (int r = 0; r < n; r++) {
                int row = order[from + r];
                System.arraycopy(data.x(), row * f, xBuf, r * f, f);
                if (yBuf != null) System.arraycopy(data.targets(), row * tw, yBuf, r * tw, tw);
                if (labels != null) labels[r] = data.labels()[row];
            }
            x = Tensor.view(xBuf, 0, n, f);
            if (yBuf != null) y = Tensor.view(yBuf, 0, n, tw);
        }
    }
}
