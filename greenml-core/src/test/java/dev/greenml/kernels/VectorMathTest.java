package dev.greenml.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** VectorMath against double-precision Math (the reference), and its vector lanes against its scalar twins. */
class VectorMathTest {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** n inputs spread over [lo, hi], plus the awkward ones: 0, ±ln2/2 (range-reduction edges), the clamps. */
    static float[] grid(float lo, float hi, int n) {
        float[] x = new float[n + 8];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * i / (n - 1);
        float[] extra = {0f, -0f, 0.34657359f, -0.34657359f, 0.3465736f, -87f, 88f, 1e-7f};
        System.arraycopy(extra, 0, x, n, extra.length);
        return x;
    }

    static float[] vectorExp(float[] x) {
        float[] y = new float[x.length];
        int i = 0;
        for (; i <= x.length - F.length(); i += F.length()) VectorMath.exp(FloatVector.fromArray(F, x, i)).intoArray(y, i);
        for (; i < x.length; i++) y[i] = VectorMath.exp(x[i]);
        return y;
    }

    @Test void expIsWithinTwoUlpsOfDoublePrecisionOverItsWholeRange() {
        float[] x = grid(-87f, 88f, 400_000);
        float[] y = vectorExp(x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            double ulps = Math.abs(y[i] - want) / Math.ulp((float) want);
            worst = Math.max(worst, ulps);
            assertThat(y[i]).as("lane vs scalar twin at x = %s", x[i]).isEqualTo(VectorMath.exp(x[i]));
        }
        // measured: 1.12 ulps at worst on this grid (Taylor series to r⁷/7!, Horner in float)
        assertThat(worst).as("worst error in float ulps").isLessThan(2.0);
    }

    @Test void expClampsInsteadOfOverflowingOrLeavingTheNormalRange() {
        assertThat(VectorMath.exp(-1000f)).isEqualTo(VectorMath.exp(-87f)).isPositive().isGreaterThanOrEqualTo(Float.MIN_NORMAL);
        assertThat(VectorMath.exp(1000f)).isEqualTo(VectorMath.exp(88f)).isLessThan(Float.MAX_VALUE);
        assertThat(VectorMath.exp(0f)).isEqualTo(1f);
        assertThat(VectorMath.exp(Float.NaN)).isNaN();
        assertThat(vectorExp(new float[] {Float.NaN, -1000f, 1000f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f})[0]).isNaN();
    }

    @Test void tanhIsWithinAFewTimesTenToTheMinusSevenAndSaturates() {
        float[] x = grid(-12f, 12f, 200_000);
        float[] y = new float[x.length];
        int i = 0;
        for (; i <= x.length - F.length(); i += F.length()) VectorMath.tanh(FloatVector.fromArray(F, x, i)).intoArray(y, i);
        for (; i < x.length; i++) y[i] = VectorMath.tanh(x[i]);
        double worst = 0;
        for (int k = 0; k < x.length; k++) {
            worst = Math.max(worst, Math.abs(y[k] - Math.tanh(x[k])));
            assertThat(y[k]).as("lane vs scalar twin at u = %s", x[k]).isEqualTo(VectorMath.tanh(x[k]));
        }
        // absolute, not relative: 1 − 2/(e^{2u}+1) loses relative precision near 0, where GELU adds 1 to it anyway;
        // measured: 1.8e-7 at worst on this grid
        assertThat(worst).as("worst absolute error").isLessThan(3e-7);
        assertThat(VectorMath.tanh(50f)).isEqualTo(1f);
        assertThat(VectorMath.tanh(-50f)).isEqualTo(-1f);
        assertThat(VectorMath.tanh(0f)).isEqualTo(0f);
    }

    @Test void sumLanesAddsInLaneOrder() {
        float[] v = new float[F.length()];
        float want = 0f;
        for (int i = 0; i < v.length; i++) {
            v[i] = i == 0 ? 1e8f : 3f;   // in lane order each 3 is lost against 1e8; pairwise they would add up
            want += v[i];
        }
        assertThat(VectorMath.sumLanes(FloatVector.fromArray(F, v, 0))).isEqualTo(want);
    }
}
