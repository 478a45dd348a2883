package dev.greenml.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every backend against a naive double-precision triple loop: all four transpose combinations,
 * edge sizes around the tile sizes, the GEMV routes (m = 1, n = 1, thin products), offsets and
 * padded leading dimensions, alpha/beta variants, and beta = 0 over a NaN-filled C.
 */
class SgemmTest {

    // One instance per backend kind, shared by all cases (OpenBLAS loads once per process anyway).
    private static final Backend JAVA_1 = new JavaBackend(1);
    private static final Backend JAVA_2 = new JavaBackend(2);
    private static final Backend BLAS_1 = new BlasBackend(1);

    static List<Backend> backends() {
        return List.of(JAVA_1, JAVA_2, BLAS_1);
    }

    /** (m, n, k) around the tile sizes (MR = 6, NR = 16 or 32, KC = 192) and the thin/shallow threshold 4. */
    private static final int[][] SIZES = {
            {1, 1, 1}, {1, 3, 7}, {3, 1, 9}, {1, 200, 1000}, {1000, 1, 200}, {2, 65, 17}, {4, 127, 64},
            {65, 4, 33}, {5, 5, 5}, {7, 8, 9}, {8, 9, 17}, {9, 17, 8}, {17, 33, 1}, {64, 64, 64},
            {65, 65, 65}, {127, 200, 193}, {200, 100, 385}, {130, 1000, 64}, {1000, 33, 65}, {31, 1000, 257},
            {9, 40, 3}, {130, 70, 4}, {200, 1000, 1}, {5, 6, 5},
    };

    private static final float[][] ALPHA_BETA = {{1f, 0f}, {0.5f, 2f}, {-1.5f, 1f}, {2f, 0f}, {1f, -0.25f}};

    static Stream<Arguments> cases() {
        var out = new ArrayList<Arguments>();
        int variant = 0;
        for (Backend backend : backends()) {
            for (int[] s : SIZES) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    // tight storage with the plain C = A·B, then padded storage with rotating alpha/beta
                    out.add(Arguments.of(backend, new Case(ta, tb, s[0], s[1], s[2], 1f, 0f, false)));
                    float[] ab = ALPHA_BETA[variant++ % ALPHA_BETA.length];
                    out.add(Arguments.of(backend, new Case(ta, tb, s[0], s[1], s[2], ab[0], ab[1], true)));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void sgemmMatchesDoubleReference(Backend backend, Case c) {
        var p = Problem.of(c, 1234 + c.m() * 31 + c.n() * 7 + c.k());
        float[] got = p.c0.clone();
        backend.sgemm(c.ta(), c.tb(), c.m(), c.n(), c.k(), c.alpha(), p.a, p.aOff, p.lda,
                p.b, p.bOff, p.ldb, c.beta(), got, p.cOff, p.ldc);
        p.assertMatchesReference(got, backend.name());
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        for (Backend backend : backends()) {
            for (int[] s : new int[][] {{1, 50, 30}, {50, 1, 30}, {3, 40, 20}, {40, 40, 40}}) {
                var c = new Case(false, true, s[0], s[1], s[2], 1f, 0f, true);
                var p = Problem.of(c, 7);
                float[] got = p.c0.clone();
                Arrays.fill(got, Float.NaN);
                // only the (m, n) block may change; everything else stays NaN
                backend.sgemm(false, true, c.m(), c.n(), c.k(), 1f, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                        0f, got, p.cOff, p.ldc);
                for (int i = 0; i < c.m(); i++) {
                    for (int j = 0; j < c.n(); j++) {
                        assertThat(got[p.cOff + i * p.ldc + j]).as("%s C[%d,%d]", backend.name(), i, j).isNotNaN();
                    }
                }
            }
        }
    }

    @Test
    void threadedJavaEqualsSingleThreadedBitForBit() {
        // large enough for the pool (m·n·k ≥ 2^21), odd sizes so bands end inside tiles
        for (int[] s : new int[][] {{301, 299, 70}, {3, 4000, 300}, {4000, 3, 300}, {97, 1003, 40},
                {1100, 2000, 1}, {2000, 1100, 3}}) {
            for (int t = 0; t < 4; t++) {
                var c = new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0.75f, 0.5f, true);
                var p = Problem.of(c, 99);
                float[] one = p.c0.clone(), two = p.c0.clone();
                JAVA_1.sgemm(c.ta(), c.tb(), c.m(), c.n(), c.k(), c.alpha(), p.a, p.aOff, p.lda, p.b, p.bOff,
                        p.ldb, c.beta(), one, p.cOff, p.ldc);
                JAVA_2.sgemm(c.ta(), c.tb(), c.m(), c.n(), c.k(), c.alpha(), p.a, p.aOff, p.lda, p.b, p.bOff,
                        p.ldb, c.beta(), two, p.cOff, p.ldc);
                int differ = Arrays.mismatch(one, two);   // (containsExactly's diff is quadratic on big arrays)
                if (differ >= 0) {
                    throw new AssertionError(c + ": 2 threads differ from 1 at array index " + differ
                            + ": " + two[differ] + " vs " + one[differ]);
                }
                p.assertMatchesReference(two, "java(2)");
            }
        }
    }

    @Test
    void threadedBlasMatchesReference() {
        Backend blas2 = new BlasBackend(2);
        var c = new Case(true, false, 301, 299, 70, 1f, 1f, true);
        var p = Problem.of(c, 5);
        float[] got = p.c0.clone();
        blas2.sgemm(c.ta(), c.tb(), c.m(), c.n(), c.k(), c.alpha(), p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                c.beta(), got, p.cOff, p.ldc);
        p.assertMatchesReference(got, "blas(2)");
        assertThat(((BlasBackend) blas2).lib().numThreads()).isEqualTo(2);
        // the single-threaded instance takes its count back on its next call
        BLAS_1.sgemm(false, false, 2, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f, new float[4], 0, 2);
        assertThat(((BlasBackend) BLAS_1).lib().numThreads()).isEqualTo(1);
    }

    @Test
    void kZeroOrAlphaZeroLeavesBetaTimesC() {
        for (Backend backend : backends()) {
            float[] c = {1f, 2f, 3f, 4f, Float.NaN};
            backend.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 3f, c, 0, 2);
            assertThat(c).as(backend.name()).containsExactly(3f, 6f, 9f, 12f, Float.NaN);
            float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            backend.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, nan, 0, 2);
            assertThat(nan).as(backend.name()).containsExactly(0f, 0f, 0f, 0f);
        }
    }

    @Test
    void rejectsOperandsThatDoNotFitTheirArrays() {
        for (Backend backend : backends()) {
            // B is (k=3, n=4) but has only 11 floats: a native call would read past the array
            assertThatThrownBy(() -> backend.sgemm(false, false, 2, 4, 3, 1f, new float[6], 0, 3,
                    new float[11], 0, 4, 0f, new float[8], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("B").hasMessageContaining("needs 12 floats");
            assertThatThrownBy(() -> backend.sgemm(false, false, 2, 4, 3, 1f, new float[6], 0, 2,
                    new float[12], 0, 4, 0f, new float[8], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lda >= 3");
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** One product to check; {@code padded} adds offsets and leading dimensions wider than the rows. */
    record Case(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, boolean padded) {
        @Override
        public String toString() {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta + (padded ? " padded" : "");
        }
    }

    /** Random operands for a case, stored as the case says, and the double-precision reference. */
    static final class Problem {
        final Case c;
        final float[] a, b, c0;
        final int aOff, lda, bOff, ldb, cOff, ldc;

        private Problem(Case c, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c0, int cOff, int ldc) {
            this.c = c;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c0 = c0;
            this.cOff = cOff;
            this.ldc = ldc;
        }

        static Problem of(Case c, long seed) {
            var rnd = new SplittableRandom(seed);
            int aRows = c.ta() ? c.k() : c.m(), aCols = c.ta() ? c.m() : c.k();
            int bRows = c.tb() ? c.n() : c.k(), bCols = c.tb() ? c.k() : c.n();
            int pad = c.padded() ? 5 : 0, off = c.padded() ? 7 : 0;
            int lda = aCols + pad, ldb = bCols + pad, ldc = c.n() + pad;
            float[] a = random(rnd, off + aRows * lda + pad);
            float[] b = random(rnd, off + bRows * ldb + pad);
            float[] c0 = random(rnd, off + c.m() * ldc + pad);
            if (c.beta() == 0f) {
                Arrays.fill(c0, off, off + c.m() * ldc, Float.NaN);   // beta = 0 must not read C
            }
            return new Problem(c, a, off, lda, b, off, ldb, c0, off, ldc);
        }

        private static float[] random(SplittableRandom rnd, int len) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) x[i] = (float) rnd.nextDouble(-1, 1);
            return x;
        }

        double opA(int i, int p) {
            return c.ta() ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double opB(int p, int j) {
            return c.tb() ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /**
         * |got − ref| ≤ (k + 2) · 2⁻²³ · (|alpha| Σ_p |a·b| + |beta·c|) + 1e-30: the standard
         * float32 rounding bound for a k-term sum, so the check is tight yet never flaky.
         * Elements outside the (m, n) block must be untouched.
         */
        void assertMatchesReference(float[] got, String who) {
            double u = Math.ulp(1f);
            for (int i = 0; i < c.m(); i++) {
                for (int j = 0; j < c.n(); j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < c.k(); p++) {
                        double t = opA(i, p) * opB(p, j);
                        sum += t;
                        abs += Math.abs(t);
                    }
                    int idx = cOff + i * ldc + j;
                    double old = c.beta() == 0f ? 0 : c0[idx];
                    double ref = c.alpha() * sum + c.beta() * old;
                    double tol = (c.k() + 2) * u * (Math.abs(c.alpha()) * abs + Math.abs(c.beta() * old)) + 1e-30;
                    if (!(Math.abs(got[idx] - ref) <= tol)) {
                        throw new AssertionError(who + " " + c + ": C[" + i + "," + j + "] = " + got[idx]
                                + ", expected " + ref + " ± " + tol);
                    }
                }
            }
            for (int idx = 0; idx < got.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < c.m() && rel % ldc < c.n();
                if (!inside && Float.floatToRawIntBits(got[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    throw new AssertionError(who + " " + c + ": wrote outside C at array index " + idx);
                }
            }
        }
    }
}
