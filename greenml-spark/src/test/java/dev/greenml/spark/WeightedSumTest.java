package dev.greenml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.tensor.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The deterministic sum behind treeAggregate, without Spark. */
class WeightedSumTest {

    static WeightedSum part(int index, float[] v) {
        return WeightedSum.of(index, v.clone(), new TreeMap<>(), new WeightedSum.Task(1, 0, 1, 0, 0, "test"), "test");
    }

    @Test
    void anyMergeOrderGivesTheSameBits() {
        int partitions = 7, n = 50;
        Rng rng = new Rng(3);
        float[][] v = new float[partitions][n];
        for (float[] row : v) for (int i = 0; i < n; i++) row[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(8) - 4));

        float[] reference = null;
        for (int trial = 0; trial < 200; trial++) {
            // random arrival order and random grouping, as Spark's task completion and tree levels give
            List<WeightedSum> pending = new ArrayList<>();
            int[] order = new int[partitions];
            for (int i = 0; i < partitions; i++) order[i] = i;
            new Rng(trial).shuffle(order);
            for (int i : order) pending.add(part(i, v[i]));
            Rng pick = new Rng(1000 + trial);
            while (pending.size() > 1) {
                WeightedSum a = pending.remove(pick.nextInt(pending.size()));
                WeightedSum b = pending.remove(pick.nextInt(pending.size()));
                pending.add(pick.nextInt(2) == 0 ? WeightedSum.merge(a, b) : WeightedSum.merge(null, WeightedSum.merge(b, a)));
            }
            float[] total = pending.getFirst().total();
            if (reference == null) reference = total;
            assertThat(total).containsExactly(reference);
        }
        // and it is the sum
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (float[] row : v) s += row[i];
            assertThat((double) reference[i]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-5 * (Math.abs(s) + 1e-3) + 1e-6));
        }
        // a naive left-to-right running sum in two orders does differ somewhere, which is why the tree exists
        float[] fwd = new float[n], back = new float[n];
        for (int p = 0; p < partitions; p++) for (int i = 0; i < n; i++) fwd[i] += v[p][i];
        for (int p = partitions - 1; p >= 0; p--) for (int i = 0; i < n; i++) back[i] += v[p][i];
        assertThat(fwd).isNotEqualTo(back);
    }

    @Test
    void aPartitionCountedTwiceOrDisagreeingStepCountsFailLoudly() {
        assertThatThrownBy(() -> WeightedSum.merge(part(1, new float[] {1}), part(1, new float[] {2})))
                .hasMessageContaining("partition 1 contributed twice");
        TreeMap<String, float[]> c1 = new TreeMap<>(), c2 = new TreeMap<>();
        c1.put("step", new float[] {3});
        c2.put("step", new float[] {4});
        var task = new WeightedSum.Task(1, 0, 1, 0, 0, "test");
        assertThatThrownBy(() -> WeightedSum.merge(WeightedSum.of(0, new float[] {1}, c1, task, ""), WeightedSum.of(1, new float[] {1}, c2, task, "")))
                .hasMessageContaining("disagree on optimizer state 'step'");
    }
}
