package dev.greenml.spark;

import java.io.Serializable;
import java.util.Iterator;

/**
 * The rows of one Spark partition packed into flat arrays once, then cached by Spark for every
 * round, so a round does not rebuild its batches from row objects.
 */
final class Shard implements Serializable {

    final int index;        // the partition's index
    final int rows;
    final int features;
    final int targetWidth;
    final float[] x;        // (rows, features)
    final float[] y;        // (rows, targetWidth)

    private Shard(int index, int rows, int features, int targetWidth, float[] x, float[] y) {
        this.index = index;
        this.rows = rows;
        this.features = features;
        this.targetWidth = targetWidth;
        this.x = x;
        this.y = y;
    }

    /**
     * Packs partition {@code index}'s rows, checking each against the model: {@code features}
     * inputs, and {@code outputs} targets for mse or one class index below {@code outputs} for
     * cross-entropy.
     *
     * @throws IllegalArgumentException naming the partition, the row and the fix
     */
    static Shard pack(int index, Iterator<TrainingRow> it, int features, int outputs, String loss) {
        boolean classes = loss.equals("cross-entropy");
        int targetWidth = classes ? 1 : outputs;
        FloatBuffer x = new FloatBuffer(), y = new FloatBuffer();
        int rows = 0;
        while (it.hasNext()) {
            TrainingRow r = it.next();
            String where = "partition " + index + ", row " + rows;
            if (r.features().length != features) {
                throw new IllegalArgumentException(where + ": " + r.features().length + " features but the model takes "
                        + features + "; give every row exactly the model's input width (the first of --layers)");
            }
            if (r.target().length != targetWidth) {
                throw new IllegalArgumentException(where + ": " + r.target().length + " target values but " + loss + " needs "
                        + targetWidth + (classes ? " (the class index)" : " (one per model output)"));
            }
            for (float v : r.features()) checkFinite(where, "a feature", v);
            for (float v : r.target()) checkFinite(where, "the target", v);
            if (classes) {
                float c = r.target()[0];
                if (c != Math.rint(c) || c < 0 || c >= outputs) {
                    throw new IllegalArgumentException(where + ": target " + c + " is not a class index 0.." + (outputs - 1)
                            + "; cross-entropy needs whole numbers below the model's " + outputs + " outputs");
                }
            }
            x.add(r.features());
            y.add(r.target());
            rows++;
        }
        return new Shard(index, rows, features, targetWidth, x.toArray(), y.toArray());
    }

    private static void checkFinite(String where, String what, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(where + ": " + what + " is " + v + "; remove or impute NaN and infinite values first");
        }
    }

    int rows() { return rows; }

    private static final class FloatBuffer {
        float[] a = new float[256];
        int n;

        void add(float[] v) {
            if (n + v.length > a.length) a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        float[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
