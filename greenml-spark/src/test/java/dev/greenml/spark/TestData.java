package dev.greenml.spark;

import dev.greenml.data.Dataset;
import dev.greenml.tensor.Rng;

/** Small seeded data sets for the tests. */
final class TestData {

    private TestData() {}

    /** x ~ U(-1, 1)^features, y = sin(2·x0) + x1·x2 − 0.5·x3 + 0.3 (a function an MLP can fit). */
    static Dataset regression(int rows, long seed) {
        int f = 4;
        Rng rng = new Rng(seed);
        float[] x = new float[rows * f], y = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < f; c++) x[r * f + c] = rng.uniform(-1f, 1f);
            float[] v = java.util.Arrays.copyOfRange(x, r * f, r * f + f);
            y[r] = (float) (Math.sin(2 * v[0]) + v[1] * v[2] - 0.5 * v[3] + 0.3);
        }
        return Dataset.regression(x, f, y, 1);
    }
}
