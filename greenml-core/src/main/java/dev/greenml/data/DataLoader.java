package dev.greenml.data;

import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Batches of a {@link Dataset}: seeded reshuffling every epoch, the last partial batch kept or
 * dropped, and a seeded train/validation split.
 *
 * <pre>{@code
 * DataLoader.Split s = DataLoader.split(all, 0.1, 42);           // 90% train, 10% validation
 * DataLoader loader = new DataLoader(s.train(), 64, true, false, 42);
 * for (DataLoader.Batch b : loader.epoch()) { ... b.x() (rows, features), b.labels() ... }
 * }</pre>
 *
 * The same seed gives the same order on every run; each call to {@link #epoch()} continues the
 * seeded sequence, so epoch 2 is shuffled differently from epoch 1.
 */
public final class DataLoader {

    /** One batch: x (rows, features); y (rows, targetWidth) or null; labels (rows) or null. */
    public record Batch(Tensor x, Tensor y, int[] labels, int rows) {}

    /** The two parts of a split, each a copy. */
    public record Split(Dataset train, Dataset validation) {}

    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle, dropLast;
    private final Rng rng;
    private final int[] order;   // (rows) the row read at each position of the epoch

    public DataLoader(Dataset data, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.rng = new Rng(seed);
        this.order = new int[data.rows()];
        for (int i = 0; i < order.length; i++) order[i] = i;
    }

    /** Batches per epoch. */
    public int batches() {
        int rows = data.rows();
        return dropLast ? rows / batchSize : (rows + batchSize - 1) / batchSize;
    }

    /** The batches of the next epoch (reshuffled first when shuffling). Each batch is a fresh copy. */
    public Iterable<Batch> epoch() {
        if (shuffle) rng.shuffle(order);
        int[] frozen = order.clone();
        int count = batches();
        return () -> new Iterator<>() {
            int next = 0;
            @Override public boolean hasNext() { return next < count; }
            @Override public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int from = next * batchSize, to = Math.min(frozen.length, from + batchSize);
                next++;
                return gather(data, frozen, from, to);
            }
        };
    }

    /**
     * Splits rows at random (seeded) into train and validation; {@code validationFraction} of the
     * rows, rounded down, go to validation. 0 gives no validation set (null).
     */
    public static Split split(Dataset all, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + validationFraction);
        }
        int valRows = (int) Math.floor(all.rows() * validationFraction);
        if (valRows == 0) return new Split(all, null);
        int[] order = new int[all.rows()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(seed).shuffle(order);
        int trainRows = all.rows() - valRows;
        return new Split(toDataset(gather(all, order, 0, trainRows), all),
                toDataset(gather(all, order, trainRows, all.rows()), all));
    }

    /** The first {@code n} rows (all when n ≥ rows), for quick runs. */
    public static Dataset limit(Dataset all, int n) {
        return n >= all.rows() ? all : all.slice(0, n);
    }

    /** Rows order[from .. to) copied into a batch. */
    static Batch gather(Dataset d, int[] order, int from, int to) {
        int n = to - from, f = d.features(), tw = d.targetWidth();
        float[] x = new float[n * f];
        float[] y = d.targets() == null ? null : new float[n * tw];
        int[] labels = d.labels() == null ? null : new int[n];
        for (int r = 0; r < n; r++) {
            int row = order[from + r];
            System.arraycopy(d.x(), row * f, x, r * f, f);
            if (y != null) System.arraycopy(d.targets(), row * tw, y, r * tw, tw);
            if (labels != null) labels[r] = d.labels()[row];
        }
        return new Batch(Tensor.wrap(x, n, f), y == null ? null : Tensor.wrap(y, n, tw), labels, n);
    }

    private static Dataset toDataset(Batch b, Dataset like) {
        return new Dataset(b.x().data(), b.rows(), like.features(), b.y() == null ? null : b.y().data(),
                like.targetWidth(), b.labels());
    }
}
