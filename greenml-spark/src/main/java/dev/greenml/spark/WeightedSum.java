package dev.greenml.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The running sum of a round's contributions (each partition's state × its row count), as
 * {@code treeAggregate} combines them.
 *
 * <p>Spark merges task results in the order they finish, and float addition is not associative,
 * so a plain running sum would differ in the last bits from run to run. Here partial sums are kept
 * as blocks of an imaginary binary tree over partition indices — a block of level l covers
 * partitions [s, s + 2^l) with s a multiple of 2^l — and two blocks are added only when they are
 * siblings, always left + right. Whatever the arrival order, each block's sum is computed the same
 * way, and {@link #total()} adds the remaining blocks in index order: the average is bit-identical
 * for a fixed partitioning. A block is only kept until its sibling arrives, so memory stays at a
 * few vectors.
 */
final class WeightedSum implements Serializable {

    /**
     * One partition's figures besides the vector.
     *
     * @param kernels the backend, its kernel and the CPU the task computed on ({@link TaskBackend#describe})
     */
    record Task(long rows, double lossSum, long lossRows, long cpuNanos, double joules, String kernels) implements Serializable {}

    private record Block(int level, float[] sum) implements Serializable {}

    private final TreeMap<Integer, Block> blocks = new TreeMap<>();          // by first partition
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();            // by partition
    private final TreeMap<String, float[]> counts;                           // must agree across partitions
    private final TreeSet<String> powerSources = new TreeSet<>();
    private long mergeCpuNanos;   // CPU time of the merges so far, on whichever threads ran them

    private WeightedSum(TreeMap<String, float[]> counts) {
        this.counts = counts;
    }

    /**
     * One partition's contribution: {@code weighted} must already be its state × {@code task.rows()}.
     *
     * @param powerSource how the task's energy was modelled (watts per core and table)
     */
    static WeightedSum of(int partition, float[] weighted, TreeMap<String, float[]> counts, Task task, String powerSource) {
        WeightedSum s = new WeightedSum(counts);
        s.blocks.put(partition, new Block(0, weighted));
        s.tasks.put(partition, task);
        s.powerSources.add(powerSource);
        return s;
    }

    /**
     * {@code a} + {@code b}, reusing {@code a} (either may be null: treeAggregate's zero value).
     * Measures its own CPU time: on the driver, Spark merges task results on its scheduler's
     * thread, not on the thread that called fit, so nothing else would count the vector adds.
     */
    static WeightedSum merge(WeightedSum a, WeightedSum b) {
        if (a == null) return b;
        if (b == null) return a;
        long cpu0 = HostPower.threadCpuNanos();
        for (var t : b.tasks.entrySet()) {
            if (a.tasks.putIfAbsent(t.getKey(), t.getValue()) != null) {
                throw new IllegalStateException("partition " + t.getKey() + " contributed twice to one round");
            }
        }
        for (var e : b.counts.entrySet()) {
            float[] mine = a.counts.get(e.getKey());
            if (mine == null || !Arrays.equals(mine, e.getValue())) {
                throw new IllegalStateException("partitions disagree on optimizer state '" + e.getKey()
                        + "' (step counts); every partition should have taken the same number of steps");
            }
        }
        if (!a.counts.keySet().equals(b.counts.keySet())) {
            throw new IllegalStateException("partitions report different optimizer state " + a.counts.keySet() + " vs " + b.counts.keySet());
        }
        a.powerSources.addAll(b.powerSources);
        for (var e : b.blocks.entrySet()) a.insert(e.getKey(), e.getValue());
        a.mergeCpuNanos += b.mergeCpuNanos + (HostPower.threadCpuNanos() - cpu0);
        return a;
    }

    private void insert(int start, Block block) {
        while (true) {
            int size = 1 << block.level();
            int siblingStart = start ^ size;
            Block sibling = blocks.get(siblingStart);
            if (sibling == null || sibling.level() != block.level()) {
                blocks.put(start, block);
                return;
            }
            blocks.remove(siblingStart);
            float[] left = siblingStart < start ? sibling.sum() : block.sum();
            float[] right = siblingStart < start ? block.sum() : sibling.sum();
            for (int i = 0; i < left.length; i++) left[i] += right[i];
            start = Math.min(start, siblingStart);
            block = new Block(block.level() + 1, left);
        }
    }

    /** Σ over partitions of state × rows, added in a fixed order (see the class comment). */
    float[] total() {
        float[] out = null;
        for (Block b : blocks.values()) {
            if (out == null) {
                out = b.sum().clone();
            } else {
                for (int i = 0; i < out.length; i++) out[i] += b.sum()[i];
            }
        }
        return out;
    }

    Map<String, float[]> counts() { return counts; }

    Map<Integer, Task> tasks() { return tasks; }

    TreeSet<String> powerSources() { return powerSources; }

    /** Σ thread CPU time of the merges that built this sum. */
    long mergeCpuNanos() { return mergeCpuNanos; }

    long rows() {
        long n = 0;
        for (Task t : tasks.values()) n += t.rows();
        return n;
    }

    /** Mean training loss over the round's local steps, weighted by the rows each step used. */
    double meanLoss() {
        double sum = 0;
        long rows = 0;
        for (Task t : tasks.values()) {
            sum += t.lossSum();
            rows += t.lossRows();
        }
        return sum / rows;
    }
}
