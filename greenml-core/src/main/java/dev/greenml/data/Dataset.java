package dev.greenml.data;

/**
 * Rows of features with a target: either regression values ({@code targets}, one or more per
 * row) or class labels ({@code labels}). Row-major, no copies made.
 *
 * @param x        (rows, features)
 * @param targets  (rows, targetWidth) for regression, or null
 * @param labels   (rows) class indices for classification, or null
 */
public record Dataset(float[] x, int rows, int features, float[] targets, int targetWidth, int[] labels) {

    public Dataset {
        if ((long) rows * features != x.length) {
            throw new IllegalArgumentException("dataset: " + rows + " rows × " + features + " features needs "
                    + (long) rows * features + " values, got " + x.length);
        }
        if (targets != null && (long) rows * targetWidth != targets.length) {
            throw new IllegalArgumentException("dataset: " + rows + " rows need " + rows * targetWidth + " targets, got " + targets.length);
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException("dataset: " + rows + " rows need " + rows + " labels, got " + labels.length);
        }
    }

    public static Dataset regression(float[] x, int features, float[] y, int targetWidth) {
        return new Dataset(x, x.length / features, features, y, targetWidth, null);
    }

    public static Dataset classification(float[] x, int features, int[] labels) {
        return new Dataset(x, x.length / features, features, null, 0, labels);
    }

    public boolean isClassification() { return labels != null; }

    /** Rows [from, to) as a new dataset sharing nothing (copies). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > rows || from > to) throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows);
        float[] xs = java.util.Arrays.copyOfRange(x, from * features, to * features);
        float[] ts = targets == null ? null : java.util.Arrays.copyOfRange(targets, from * targetWidth, to * targetWidth);
        int[] ls = labels == null ? null : java.util.Arrays.copyOfRange(labels, from, to);
        return new Dataset(xs, to - from, features, ts, targetWidth, ls);
    }
}
