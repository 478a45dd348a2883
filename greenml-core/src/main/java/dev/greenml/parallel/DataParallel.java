package dev.greenml.parallel;

import dev.greenml.autograd.Autograd;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.kernels.VectorOps;
import dev.greenml.nn.Model;
import dev.greenml.nn.Module;
import dev.greenml.nn.ModuleTree;
import dev.greenml.nn.Parameters;
import dev.greenml.optim.Optimizer;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Data-parallel training on the threads of one machine: a batch of N rows is cut into one shard
 * per thread; each thread runs forward and backward of its shard on its own replica of the model
 * with one-thread kernels; the replicas' gradients are summed into the master's; the optimizer
 * then updates the master's parameters once, split by element range over the same threads.
 *
 * <pre>
 *   shard i = rows [Nᵢ₀, Nᵢ₁), nᵢ rows         loss = Σᵢ (nᵢ/N) · lossᵢ   (lossᵢ a mean over shard i)
 *   gᵢ = (nᵢ/N) · ∂lossᵢ/∂θ  (backward seeded with nᵢ/N)     g = Σᵢ gᵢ = ∂loss/∂θ
 * </pre>
 *
 * So a step computes the same mean-loss gradient as one thread does over the whole batch (up to
 * float rounding in the order of the sums).
 *
 * <p>Why this and not only threaded kernels: the seed model's products at batch 32 are too small
 * to split profitably (a thread hand-off per product, 6 products a step, plus the optimizer and the
 * elementwise ops running on one thread); here the threads meet three times a step, and everything
 * between — products, activations, losses — runs in parallel.
 *
 * <p>The replicas read the master's parameter storage in place (no copies, no broadcast); their
 * gradients are their own. State that a forward pass changes is kept per replica and reconciled:
 * <ul>
 *   <li>buffers (BatchNorm's running statistics): each shard normalises with its own batch
 *       statistics and updates its replica's running statistics (as PyTorch's DistributedDataParallel
 *       does without SyncBatchNorm); before a step every replica starts from the master's values, and
 *       after it the master holds their mean (for equal shards the running mean is then exactly the
 *       full batch's update; the running variance is the mean of the shards' variances);</li>
 *   <li>random generators (Dropout's masks): before each step, every replica's generator is reseeded
 *       from the master's generator of the same layer, so a run is deterministic and a checkpoint,
 *       which saves the master's generators, resumes it exactly.</li>
 * </ul>
 *
 * <pre>{@code
 * try (DataParallel dp = new DataParallel(model, 2)) {
 *     float loss = dp.forwardBackward(batch, (replica, shard, from, to) ->
 *             Losses.mse(replica.forward(rowsOf(x, from, to)), rowsOf(y, from, to)));
 *     dp.step(adam);
 *     adam.zeroGrad();
 * }
 * }</pre>
 */
public final class DataParallel implements AutoCloseable {

    /** The mean loss of rows [from, to) of the batch, computed on {@code replica} (shard {@code shard}). */
    @FunctionalInterface
    public interface ShardLoss {
        Tensor loss(Model replica, int shard, int from, int to);
    }

    private final Model master;
    private final Team team;
    private final Model[] replicas;          // (threads) replicas[0] is the master
    private final Parameters[] params;       // (threads) their parameters; params[0] the master's
    private final Backend[] backends;        // (threads) one-thread kernels per worker
    private final float[] shardLoss;         // (threads) weighted loss of each shard of the last step
    private int lastShards;                  // shards of the last forwardBackward
    private final float[][][] buffers;       // (threads, buffers) data of each replica's buffers, in namedBuffers order
    private final int[][] bufferOffsets;     // (threads, buffers) where each buffer starts in its array
    private final Rng[][] generators;        // (threads, layers) each replica's layer generators, in module order

    /** A data-parallel wrapper of {@code master} over {@code threads} threads (the caller is one of them). */
    public DataParallel(Model master, int threads) {
        if (threads < 1) throw new IllegalArgumentException("data-parallel training needs at least 1 thread, got " + threads);
        this.master = master;
        this.team = new Team(threads);
        this.replicas = new Model[threads];
        this.params = new Parameters[threads];
        this.backends = new Backend[threads];
        this.shardLoss = new float[threads];
        replicas[0] = master;
        params[0] = master.parameters();
        this.buffers = new float[threads][][];
        this.bufferOffsets = new int[threads][];
        this.generators = new Rng[threads][];
        Backend single = Backends.current().singleThreaded();
        for (int i = 0; i < threads; i++) {
            if (i > 0) {
                replicas[i] = master.config().build(new Rng(i));   // initial values are replaced by the master's
                params[i] = replicas[i].shareParametersOf(master);
            }
            backends[i] = single;
            List<Tensor> b = new ArrayList<>(replicas[i].namedBuffers().values());
            buffers[i] = new float[b.size()][];
            bufferOffsets[i] = new int[b.size()];
            for (int k = 0; k < b.size(); k++) {
                buffers[i][k] = b.get(k).data();
                bufferOffsets[i][k] = b.get(k).offset();
            }
            generators[i] = ModuleTree.modules(replicas[i]).stream().map(Module::randomGenerator)
                    .filter(java.util.Objects::nonNull).toArray(Rng[]::new);
        }
        bufferSizes = new ArrayList<>(master.namedBuffers().values()).stream().mapToInt(Tensor::size).toArray();
    }

    private final int[] bufferSizes;   // (buffers)

    /** Every replica starts the step from the master's buffers and from generators seeded by the master's. */
    private void prepareReplicas(int shards) {
        copyBuffersToReplicas(shards);
        for (int r = 1; r < shards; r++) {
            for (int g = 0; g < generators[0].length; g++) {
                generators[r][g].restore(new Rng(generators[0][g].nextLong()).snapshot());
            }
        }
    }

    private void copyBuffersToReplicas(int shards) {
        for (int r = 1; r < shards; r++) {
            for (int k = 0; k < bufferSizes.length; k++) {
                System.arraycopy(buffers[0][k], bufferOffsets[0][k], buffers[r][k], bufferOffsets[r][k], bufferSizes[k]);
            }
        }
    }

    /** Work on rows [from, to) of a batch, done on {@code replica} (shard {@code shard}). */
    @FunctionalInterface
    public interface ShardWork {
        void run(Module replica, int shard, int from, int to);
    }

    /**
     * Inference over a batch of {@code rows} rows, a shard per thread, with no gradient recorded:
     * {@code work} runs each shard's forward on its replica and keeps what it needs (outputs, a loss
     * sum, correct counts) in per-shard or per-row places. Replicas use the master's buffers (BatchNorm's
     * running statistics in eval mode) and its train/eval mode; no random generator is touched, so
     * evaluating between steps changes nothing that training reads.
     */
    public void forEachShard(int rows, ShardWork work) {
        if (rows < 1) return;
        int shards = Math.min(rows, team.size());
        boolean training = master.isTraining();
        copyBuffersToReplicas(shards);
        onShards(rows, shards, training, (replica, shard, from, to) -> {
            try (var scope = Autograd.noGrad()) {
                work.run(replica, shard, from, to);
            }
        });
    }

    /**
     * Runs {@code work} for each of the first {@code shards} shards of a batch of {@code rows} rows,
     * shard i on thread i with replica i in the master's mode ({@code training}) and one-thread kernels.
     */
    private void onShards(int rows, int shards, boolean training, ShardWork work) {
        team.run(i -> {
            if (i >= shards) return;
            int from = Team.partStart(rows, shards, i), to = Team.partStart(rows, shards, i + 1);
            if (training) replicas[i].train(); else replicas[i].eval();
            Backends.runWith(backends[i], () -> work.run(replicas[i], i, from, to));
        });
    }

    /**
     * The master's buffers become the shards' mean weighted by rows (nᵢ/N), each shard having
     * updated its replica's: for the running mean that is exactly the whole batch's update, however
     * the rows were split.
     */
    private void averageBuffers(int rows, int shards) {
        for (int k = 0; k < bufferSizes.length; k++) {
            float[] into = buffers[0][k];
            int o = bufferOffsets[0][k];
            for (int e = 0; e < bufferSizes[k]; e++) {
                double sum = 0;
                for (int r = 0; r < shards; r++) {
                    double weight = (double) (Team.partStart(rows, shards, r + 1) - Team.partStart(rows, shards, r)) / rows;
                    sum += weight * buffers[r][k][bufferOffsets[r][k] + e];
                }
                into[o + e] = (float) sum;
            }
        }
    }

    public int threads() {
        return team.size();
    }

    /** The model whose parameters the replicas share. */
    public Model master() {
        return master;
    }

    /**
     * How many of {@code threads} a data-parallel run of {@code model} should use: each thread past
     * the first holds a gradient buffer as large as the parameters, so the extra buffers are kept
     * within a quarter of the maximum heap (a 124 M-parameter GPT-2 needs 0.5 GB per thread; 64
     * threads would need 31 GB). At least 1.
     */
    public static int threadsFor(Model model, int threads) {
        long gradientBytes = Math.max(1, model.parameterCount() * Float.BYTES);
        long extra = Runtime.getRuntime().maxMemory() / 4 / gradientBytes;
        return (int) Math.max(1, Math.min(threads, 1 + extra));
    }

    /** The threads, for other work that a step splits the same way (see {@link Optimizer#step(Team)}). */
    public Team team() {
        return team;
    }

    /**
     * Forward and backward of a batch of {@code rows} rows, shard by shard on the team's threads;
     * afterwards the master's parameters hold the gradient of the whole batch's mean loss, added to
     * whatever they held (gradients accumulate until zeroGrad, as with {@code loss.backward()}).
     * Returns that mean loss. A batch with fewer rows than threads uses fewer shards.
     */
    public float forwardBackward(int rows, ShardLoss lossOf) {
        float loss = shardsForwardBackward(rows, lossOf);
        if (lastShards > 1) {
            int total = params[0].totalSize(), parts = team.size();
            markMasterGradients(lastShards);
            team.run(i -> addReplicaGradients(Team.partStart(total, parts, i), Team.partStart(total, parts, i + 1)));
            clearReplicaGradients(lastShards);
        }
        return loss;
    }

    /**
     * {@link #forwardBackward} then {@code optimizer}'s step, with the gradient sum and the update
     * of each element range done by the same thread in one hand-off (see
     * {@link Optimizer#step(Team, Optimizer.RangeAction)}). Returns the batch's mean loss.
     */
    public float trainStep(int rows, ShardLoss lossOf, Optimizer optimizer) {
        float loss = shardsForwardBackward(rows, lossOf);
        if (lastShards > 1) {
            markMasterGradients(lastShards);
            optimizer.step(team, this::addReplicaGradients);
            clearReplicaGradients(lastShards);
        } else {
            optimizer.step();
        }
        return loss;
    }

    /**
     * One optimizer step on the master's parameters, split over the team (see
     * {@link Optimizer#step(Team)}) — except after a one-shard batch, whose parameters and gradients
     * sit in the caller's cache: moving half of them to another core costs more than the split saves
     * (seed model, batch 1: 83 µs for Adam on one thread, 55–100 µs split, and the next forward
     * then ran 30 µs slower fetching the other core's half back).
     */
    public void step(Optimizer optimizer) {
        if (lastShards > 1) optimizer.step(team); else optimizer.step();
    }

    /** Each shard's forward, loss and backward (seeded nᵢ/N) on its replica; gradients stay in the replicas. */
    private float shardsForwardBackward(int rows, ShardLoss lossOf) {
        if (rows < 1) throw new IllegalArgumentException("a batch needs at least 1 row, got " + rows);
        int shards = Math.min(rows, team.size());
        lastShards = shards;
        if (shards == 1) {   // one row: nothing to split, and no hand-off to pay for
            float[] loss = new float[1];
            Backends.runWith(backends[0], () -> {
                Tensor l = lossOf.loss(master, 0, 0, rows);
                l.backward();
                loss[0] = l.item();
            });
            return loss[0];
        }
        boolean training = master.isTraining();
        // no replica carries a gradient into this step, even if the last one ended in an exception
        // before its sum (a stale partial gradient would be accumulated and added to the master's)
        clearReplicaGradients(team.size());
        prepareReplicas(shards);
        onShards(rows, shards, training, (replica, shard, from, to) -> {
            float weight = (float) (to - from) / rows;
            Tensor loss = lossOf.loss(replicas[shard], shard, from, to);
            Autograd.backward(loss, weight);
            shardLoss[shard] = weight * loss.item();
        });
        if (training && bufferSizes.length > 0) averageBuffers(rows, shards);
        float sum = 0;
        for (int i = 0; i < shards; i++) sum += shardLoss[i];
        return sum;
    }

    /** Marks present (zeroed) every master gradient that only replicas of the first {@code shards} shards received. */
    private void markMasterGradients(int shards) {
        Parameters m = params[0];
        for (int t = 0; t < m.count(); t++) {
            if (m.tensor(t).hasGrad()) continue;
            for (int r = 1; r < shards; r++) {
                if (params[r].tensor(t).hasGrad()) {
                    m.tensor(t).gradStorage();   // present, zero: the sums fill it
                    break;
                }
            }
        }
    }

    /** master.grad[from, to) += Σ replica.grad[from, to) over the replicas of the last batch's shards. */
    private void addReplicaGradients(int from, int to) {
        Parameters m = params[0];
        float[] into = m.grad();
        for (int t = 0; t < m.count(); t++) {
            int off = m.offset(t);
            int a = Math.max(from, off), b = Math.min(to, off + m.tensor(t).size());
            if (a >= b) continue;
            for (int r = 1; r < lastShards; r++) {
                if (params[r].tensor(t).hasGrad()) VectorOps.addInto(params[r].grad(), a, into, a, b - a);
            }
        }
    }

    private void clearReplicaGradients(int shards) {
        for (int r = 1; r < shards; r++) params[r].zeroGrad();
    }

    @Override
    public void close() {
        team.close();
    }
}
