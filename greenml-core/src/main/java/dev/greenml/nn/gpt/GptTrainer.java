package dev.greenml.nn.gpt;

import dev.greenml.autograd.Autograd;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Parameters;
import dev.greenml.optim.AdamW;
import dev.greenml.optim.LrSchedule;
import dev.greenml.parallel.DataParallel;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.Arrays;

/**
 * Next-token training of a {@link Gpt} on a token stream: each step draws {@code batch} random
 * windows of context + 1 tokens from the training split, and minimises the mean cross-entropy of
 * predicting token t+1 from tokens 0 … t. AdamW (β = 0.9, 0.95 as GPT-2/nanoGPT) with decay on
 * matrices only ({@link Gpt#decays}), gradient-norm clipping at 1, linear warm-up then cosine to
 * lr/10.
 *
 * <p>Resumable bit for bit: {@link #position()} (steps taken, the schedule's length, the window
 * sampler's generator) with the parameters and AdamW's state (see
 * {@link dev.greenml.train.Checkpoint#save(java.nio.file.Path, dev.greenml.nn.Model, GptTrainer, java.util.Map)})
 * is everything the next step depends on; evaluation draws nothing at random.
 */
public final class GptTrainer implements AutoCloseable {

    /** The optimizer's name in checkpoints (greenml.optimizer). */
    public static final String OPTIMIZER = "adamw";

    /** Hyperparameters; {@code steps} is the schedule's length (the cosine reaches minLr there). */
    public record Options(int batch, float lr, long steps, int warmup, float weightDecay, float clip, long seed) {
        public Options {
            if (batch <= 0) throw new IllegalArgumentException("--batch-size must be positive, got " + batch);
            if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
            if (steps <= 0) throw new IllegalArgumentException("--steps must be positive, got " + steps);
            if (weightDecay < 0) throw new IllegalArgumentException("--weight-decay must be ≥ 0, got " + weightDecay);
        }
    }

    /**
     * Where training stands between two steps.
     *
     * @param step         optimisation steps taken since the start of the run
     * @param plannedSteps the schedule's length (the cosine reaches lr/10 there): {@code --steps}, or
     *                     fewer when re-planned to fit a wall-clock budget
     * @param rng          the window sampler's generator ({@link Rng#snapshot()})
     */
    public record Position(long step, long plannedSteps, long[] rng) {}

    /** A loss measured on held-out windows, beside the unigram baseline on the same targets (nats/token). */
    public record Evaluation(double loss, double unigramLoss, int tokens) {}

    private final Gpt model;
    private final int[] train, val;
    private final Options options;
    private final AdamW optimizer;
    private LrSchedule schedule;
    private final Rng rng;
    private final double[] unigramLogProb;   // (vocab) log p(token) from train counts, add-one smoothed
    private final int context;
    private long step, plannedSteps, warmup;
    private DataParallel dp;   // replicas for data-parallel steps; see dataParallel()

    public GptTrainer(Gpt model, int[] train, int[] val, Options options) {
        this.model = model;
        this.context = model.config().context();
        if (train.length < context + 2) {
            throw new IllegalArgumentException("the training split has " + train.length + " tokens; it needs more than the context of "
                    + context + " (use more text or a smaller --context)");
        }
        if (val.length < 2) throw new IllegalArgumentException("the validation split has " + val.length + " tokens; use more text");
        this.train = train;
        this.val = val;
        this.options = options;
        Parameters params = model.parameters();
        this.optimizer = new AdamW(params, options.lr(), 0.9f, 0.95f, 1e-8f, options.weightDecay());
        optimizer.decayOnly(model::decays);
        setTotalSteps(options.steps());
        this.rng = new Rng(options.seed());
        this.unigramLogProb = unigram(train, model.config().vocab());
    }

    /** Re-plans the schedule for {@code total} steps (e.g. to fit a wall-clock budget): warm-up, then cosine to lr/10. */
    public void setTotalSteps(long total) {
        if (total < 1) throw new IllegalArgumentException("a schedule needs at least 1 step, got " + total);
        plannedSteps = total;
        warmup = Math.min(options.warmup(), total / 2);   // a short schedule still spends half its steps at the full lr
        schedule = LrSchedule.warmup(warmup, LrSchedule.cosine(options.lr(), options.lr() / 10, Math.max(1, total - warmup)));
    }

    /** Warm-up steps of the current schedule: {@code Options.warmup}, capped at half of the planned steps. */
    public long warmupSteps() {
        return warmup;
    }

    /** log p(v) = log((count_train(v) + 1) / (n + vocab)): add-one smoothing so unseen tokens stay finite. */
    static double[] unigram(int[] tokens, int vocab) {
        long[] counts = new long[vocab];
        for (int t : tokens) counts[t]++;
        double[] lp = new double[vocab];
        double denom = tokens.length + (double) vocab;
        for (int v = 0; v < vocab; v++) lp[v] = Math.log((counts[v] + 1) / denom);
        return lp;
    }

    /** One optimisation step; returns the training loss of its batch. */
    public float step() {
        int b = options.batch(), t = Math.min(context, train.length - 1);
        int[] ids = new int[b * t], targets = new int[b * t];
        for (int r = 0; r < b; r++) {
            int start = rng.nextInt(train.length - t);
            System.arraycopy(train, start, ids, r * t, t);
            System.arraycopy(train, start + 1, targets, r * t, t);
        }
        optimizer.zeroGrad();
        float loss;
        DataParallel dp = dataParallel();
        if (dp == null) {
            Tensor l = model.loss(ids, targets, b, t);
            l.backward();
            loss = l.item();
        } else {   // a shard of the batch's rows per thread (see DataParallel)
            loss = dp.forwardBackward(b, (replica, shard, from, to) -> ((Gpt) replica).loss(
                    Arrays.copyOfRange(ids, from * t, to * t), Arrays.copyOfRange(targets, from * t, to * t), to - from, t));
        }
        if (options.clip() > 0) model.parameters().clipGradNorm(options.clip());
        optimizer.setLr(schedule.lr(step));
        if (dp == null) optimizer.step(); else dp.step(optimizer);
        step++;
        return loss;
    }

    /**
     * With more than one kernel thread, steps are data-parallel: measured on the 2-vCPU machine,
     * one shard of the batch per thread beat threads inside each product (which split products
     * of a few MFLOP and leave the element-wise ops on one thread). Created on the first step for
     * the thread count then current; daemon threads, so an abandoned trainer does not keep the JVM alive.
     */
    private DataParallel dataParallel() {
        int threads = DataParallel.threadsFor(model, Backends.current().threads());
        if (threads < 2) {
            close();
            return null;
        }
        if (dp == null || dp.threads() != threads) {
            if (dp != null) dp.close();
            dp = new DataParallel(model, threads);
        }
        return dp;
    }

    /** Stops the data-parallel threads, if any (the trainer still works afterwards: they restart on the next step). */
    @Override public void close() {
        if (dp != null) {
            dp.close();
            dp = null;
        }
    }

    /** How steps use the threads, in words. */
    public String parallelism() {
        int requested = Backends.current().threads(), threads = DataParallel.threadsFor(model, requested);
        if (requested < 2) return "one thread";
        if (threads < 2) return requested + " threads inside the matrix products (one more gradient buffer does not fit the heap's budget)";
        return "data-parallel over " + threads + " threads (one shard of each batch per thread)"
                + (threads < requested ? "; " + requested + " requested, fewer fit the heap's gradient budget" : "");
    }

    public long stepsDone() { return step; }

    /** The schedule's length in steps. */
    public long plannedSteps() { return plannedSteps; }

    public AdamW optimizer() { return optimizer; }

    public Position position() { return new Position(step, plannedSteps, rng.snapshot()); }

    /** Continues from {@code p} (the parameters and AdamW's state are restored by the caller). */
    public void resumeFrom(Position p) {
        if (p.step() < 0 || p.plannedSteps() < 1) throw new IllegalArgumentException("invalid gpt training position " + p.step()
                + " of " + p.plannedSteps() + " steps");
        rng.restore(p.rng());
        step = p.step();
        setTotalSteps(p.plannedSteps());
    }

    public float lr() { return optimizer.lr(); }

    /** Validation loss on up to {@code maxWindows} evenly spaced, non-overlapping windows of the validation split. */
    public Evaluation evaluate(int maxWindows) {
        return evaluate(val, maxWindows);
    }

    public Evaluation evaluate(int[] tokens, int maxWindows) {
        int t = Math.min(context, tokens.length - 1);
        int windows = Math.max(1, Math.min(maxWindows, (tokens.length - 1) / t));
        long stride = windows == 1 ? 0 : (long) (tokens.length - 1 - t) / (windows - 1);
        double total = 0, unigram = 0;
        int perBatch = Math.max(1, options.batch());
        try (var scope = Autograd.noGrad()) {
            for (int w0 = 0; w0 < windows; w0 += perBatch) {
                int b = Math.min(perBatch, windows - w0);
                int[] ids = new int[b * t], targets = new int[b * t];
                for (int r = 0; r < b; r++) {
                    int start = (int) ((w0 + r) * stride);
                    System.arraycopy(tokens, start, ids, r * t, t);
                    System.arraycopy(tokens, start + 1, targets, r * t, t);
                }
                total += model.loss(ids, targets, b, t).item() * (double) (b * t);
                for (int y : targets) unigram -= unigramLogProb[y];
            }
        }
        int n = windows * t;
        return new Evaluation(total / n, unigram / n, n);
    }
}
