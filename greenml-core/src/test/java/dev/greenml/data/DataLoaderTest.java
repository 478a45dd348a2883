package dev.greenml.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** 10 rows whose single feature is the row number and whose label is row mod 3. */
    private static Dataset rows10() {
        float[] x = new float[10];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i % 3;
        }
        return Dataset.classification(x, 1, y);
    }

    private static List<Integer> seen(DataLoader loader, List<Integer> sizes) {
        List<Integer> rows = new ArrayList<>();
        for (DataLoader.Batch b : loader.epoch()) {
            sizes.add(b.rows());
            for (int r = 0; r < b.rows(); r++) {
                rows.add((int) b.x().get(r));
                assertThat(b.labels()[r]).isEqualTo((int) b.x().get(r) % 3);   // labels travel with their rows
            }
        }
        return rows;
    }

    @Test void keepsOrDropsTheLastPartialBatch() {
        List<Integer> sizes = new ArrayList<>();
        assertThat(seen(new DataLoader(rows10(), 4, false, false, 1), sizes)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(sizes).containsExactly(4, 4, 2);
        sizes.clear();
        DataLoader drop = new DataLoader(rows10(), 4, false, true, 1);
        assertThat(drop.batches()).isEqualTo(2);
        assertThat(seen(drop, sizes)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test void shufflingIsSeededAndDiffersBetweenEpochs() {
        DataLoader a = new DataLoader(rows10(), 3, true, false, 7), b = new DataLoader(rows10(), 3, true, false, 7);
        List<Integer> a1 = seen(a, new ArrayList<>()), b1 = seen(b, new ArrayList<>());
        assertThat(a1).isEqualTo(b1).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
                .isNotEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThat(seen(a, new ArrayList<>())).isNotEqualTo(a1);
        assertThat(seen(new DataLoader(rows10(), 3, true, false, 8), new ArrayList<>())).isNotEqualTo(a1);
    }

    @Test void splitIsSeededDisjointAndComplete() {
        DataLoader.Split s = DataLoader.split(rows10(), 0.3, 5);
        assertThat(s.train().rows()).isEqualTo(7);
        assertThat(s.validation().rows()).isEqualTo(3);
        List<Integer> all = new ArrayList<>();
        for (float v : s.train().x()) all.add((int) v);
        for (float v : s.validation().x()) all.add((int) v);
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(DataLoader.split(rows10(), 0.3, 5).validation().x()).isEqualTo(s.validation().x());
        assertThat(DataLoader.split(rows10(), 0, 5).validation()).isNull();
    }
}
