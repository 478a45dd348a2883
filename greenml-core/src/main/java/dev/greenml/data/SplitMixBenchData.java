package dev.greenml.data;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The benchmark protocol's synthetic regression data set, spec {@code "splitmix-bm-v1"}.
 *
 * <p>Every implementation that is compared with greenml regenerates this data from the spec, so it is
 * bit-for-bit identical everywhere (checked by the CRC-32 fingerprints below). In short:
 *
 * <ul>
 *   <li><b>Uniforms.</b> For a seed {@code s}, the k-th value (k = 0, 1, 2, ...) is SplitMix64 at
 *       position k: start from {@code z = s + (k+1)·0x9E3779B97F4A7C15}, mix it with the two
 *       xor-shift/multiply rounds ({@code 0xBF58476D1CE4E5B9} after {@code >>>30},
 *       {@code 0x94D049BB133111EB} after {@code >>>27}) and a final {@code z ^ (z>>>31)}, all in
 *       wrapping unsigned 64-bit arithmetic; then keep the top 53 bits, {@code u = (z>>>11)·2^-53}, a
 *       double in [0, 1). Because {@code z} depends only on {@code s} and {@code k}, any stretch of a
 *       stream can be produced independently (this class fills row ranges on several threads).
 *   <li><b>Normals.</b> Box–Muller in double on consecutive pairs {@code (u_2j, u_2j+1)}:
 *       {@code r = sqrt(-2 ln(1 - u_2j))}, {@code t = 2π u_2j+1}, {@code n_2j = r cos t},
 *       {@code n_2j+1 = r sin t}.
 *   <li><b>Data.</b> With {@code SEED = 20240601}: features {@code X[i][j] = (float) n_(i·1000+j)} of
 *       stream SEED (row-major); true weights {@code w[j] = n_j / sqrt(1000)} of stream SEED+1 (double);
 *       noise {@code e[i] = n_i} of stream SEED+2; target
 *       {@code y[i] = (float)(Σ_j (double) X[i][j]·w[j] + 0.5 + 0.05·e[i])}, summed in order j = 0..999,
 *       then {@code + 0.5}, then {@code + 0.05·e[i]}.
 *   <li><b>Split.</b> Rows 0..65535 train, rows 65536..73727 test.
 *   <li><b>Fingerprints</b> (CRC-32 of the little-endian float32 bytes of all 73,728 rows):
 *       X → {@value #X_CRC32}, y → {@value #Y_CRC32}.
 * </ul>
 *
 * <p>Predicting the mean gives an MSE of about 1.0; the noise floor is 0.0025.
 */
public final class SplitMixBenchData {

    /** Spec name, as used in benchmark output. */
    public static final String SPEC = "splitmix-bm-v1";
    /** Base seed: X uses SEED, w uses SEED+1, the noise uses SEED+2. */
    public static final long SEED = 20240601L;
    /** Number of features (columns of X). */
    public static final int FEATURES = 1000;
    /** Rows of the full data set (train + test). */
    public static final int DEFAULT_ROWS = 73_728;
    /** Rows of the training set; the rest are the test set. */
    public static final int TRAIN_ROWS = 65_536;
    /** Expected CRC-32 of X (all {@link #DEFAULT_ROWS} rows, little-endian float32). */
    public static final long X_CRC32 = 3818687219L;
    /** Expected CRC-32 of y (all {@link #DEFAULT_ROWS} rows, little-endian float32). */
    public static final long Y_CRC32 = 3916401207L;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long MIX1 = 0xBF58476D1CE4E5B9L;
    private static final long MIX2 = 0x94D049BB133111EBL;
    private static final double TWO_POW_M53 = 0x1.0p-53;
    private static final double TWO_PI = 2.0 * Math.PI;

    /** Half-open row interval {@code [start, end)}. */
    public record Range(int start, int end) {
        public Range {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
            }
        }

        /** Number of rows in the range. */
        public int count() {
            return end - start;
        }
    }

    /** Features, {@code rows × features}, row-major. Shared, not copied: do not modify. */
    public final float[] x;
    /** Targets, one per row. Shared, not copied: do not modify. */
    public final float[] y;
    /** Number of rows generated. */
    public final int rows;
    /** Number of features per row (always {@link #FEATURES}). */
    public final int features;

    private SplitMixBenchData(float[] x, float[] y, int rows) {
        this.x = x;
        this.y = y;
        this.rows = rows;
        this.features = FEATURES;
    }

    /** Generates the full protocol data set ({@link #DEFAULT_ROWS} rows). */
    public static SplitMixBenchData generate() {
        return generate(DEFAULT_ROWS);
    }

    /**
     * Generates the first {@code rows} rows of the data set. Row i is the same for every {@code rows}
     * (a prefix of the full set); the train/test split stays at row {@link #TRAIN_ROWS}.
     */
    public static SplitMixBenchData generate(int rows) {
        return generate(rows, Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 16)));
    }

    /** As {@link #generate(int)}, on at most {@code threads} threads. The result does not depend on it. */
    public static SplitMixBenchData generate(int rows, int threads) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + rows);
        }
        if ((long) rows * FEATURES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many rows for one float[]: " + rows);
        }
        final float[] x = new float[rows * FEATURES];
        final float[] y = new float[rows];
        final double[] w = normals(SEED + 1, FEATURES);
        final double scale = Math.sqrt(FEATURES);
        for (int j = 0; j < FEATURES; j++) {
            w[j] = w[j] / scale;
        }
        final double[] e = normals(SEED + 2, rows);

        int nThreads = Math.max(1, Math.min(threads, rows / 512));
        if (nThreads == 1) {
            fillRows(x, y, w, e, 0, rows);
        } else {
            List<Thread> workers = new ArrayList<>(nThreads);
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < nThreads; t++) {
                final int r0 = (int) ((long) rows * t / nThreads);
                final int r1 = (int) ((long) rows * (t + 1) / nThreads);
                Thread th = Thread.ofPlatform().name("splitmix-data-" + t).daemon(true).unstarted(() -> fillRows(x, y, w, e, r0, r1));
                th.setUncaughtExceptionHandler((thr, ex) -> {
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = ex;
                        }
                    }
                });
                workers.add(th);
                th.start();
            }
            for (Thread th : workers) {
                boolean interrupted = false;
                while (true) {
                    try {
                        th.join();
                        break;
                    } catch (InterruptedException ie) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (failure) {
                if (failure[0] != null) {
                    throw new IllegalStateException("data generation failed", failure[0]);
                }
            }
        }
        return new SplitMixBenchData(x, y, rows);
    }

    /** Fills rows [r0, r1) of X from stream SEED, then their targets. FEATURES is even, so rows hold whole pairs. */
    private static void fillRows(float[] x, float[] y, double[] w, double[] e, int r0, int r1) {
        final int from = r0 * FEATURES;
        final int to = r1 * FEATURES;
        long z0 = SEED + ((long) from + 1) * GOLDEN; // wrapping
        for (int i = from; i < to; i += 2) {
            double u0 = uniformFromState(z0);
            double u1 = uniformFromState(z0 + GOLDEN);
            z0 += 2 * GOLDEN;
            double r = Math.sqrt(-2.0 * Math.log(1.0 - u0));
            double t = TWO_PI * u1;
            x[i] = (float) (r * Math.cos(t));
            x[i + 1] = (float) (r * Math.sin(t));
        }
        for (int i = r0; i < r1; i++) {
            int base = i * FEATURES;
            double acc = 0.0;
            for (int j = 0; j < FEATURES; j++) {
                acc += (double) x[base + j] * w[j];
            }
            y[i] = (float) (acc + 0.5 + 0.05 * e[i]);
        }
    }

    /** SplitMix64 mix of the state {@code z = s + (k+1)·golden}, reduced to a double in [0, 1). */
    private static double uniformFromState(long z) {
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        z = z ^ (z >>> 31);
        return (z >>> 11) * TWO_POW_M53;
    }

    /** The 64-bit SplitMix64 output at position {@code k} of stream {@code seed} (before the 53-bit reduction). */
    public static long splitMix64(long seed, long k) {
        long z = seed + (k + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * MIX1;
        z = (z ^ (z >>> 27)) * MIX2;
        return z ^ (z >>> 31);
    }

    /** Uniform {@code u_k} of stream {@code seed}, in [0, 1). */
    public static double uniform(long seed, long k) {
        return (splitMix64(seed, k) >>> 11) * TWO_POW_M53;
    }

    /** The first {@code n} normals {@code n_0 .. n_(n-1)} of stream {@code seed}, in double. */
    public static double[] normals(long seed, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i += 2) {
            double u0 = uniform(seed, i);
            double u1 = uniform(seed, i + 1L);
            double r = Math.sqrt(-2.0 * Math.log(1.0 - u0));
            double t = TWO_PI * u1;
            out[i] = r * Math.cos(t);
            if (i + 1 < n) {
                out[i + 1] = r * Math.sin(t);
            }
        }
        return out;
    }

    /** Training rows: {@code [0, min(rows, TRAIN_ROWS))}. */
    public Range trainRange() {
        return new Range(0, Math.min(rows, TRAIN_ROWS));
    }

    /** Test rows: {@code [min(rows, TRAIN_ROWS), rows)}. */
    public Range testRange() {
        return new Range(Math.min(rows, TRAIN_ROWS), rows);
    }

    /** Copy of the X rows of {@code range} (row-major, {@code count × features}). */
    public float[] xRows(Range range) {
        checkRange(range);
        return java.util.Arrays.copyOfRange(x, range.start() * features, range.end() * features);
    }

    /** Copy of the targets of {@code range}. */
    public float[] yRows(Range range) {
        checkRange(range);
        return java.util.Arrays.copyOfRange(y, range.start(), range.end());
    }

    /** Copy of the training features. */
    public float[] trainX() {
        return xRows(trainRange());
    }

    /** Copy of the training targets. */
    public float[] trainY() {
        return yRows(trainRange());
    }

    /** Copy of the test features. */
    public float[] testX() {
        return xRows(testRange());
    }

    /** Copy of the test targets. */
    public float[] testY() {
        return yRows(testRange());
    }

    private void checkRange(Range range) {
        if (range.end() > rows) {
            throw new IndexOutOfBoundsException("range " + range + " beyond " + rows + " rows");
        }
    }

    /** CRC-32 (as in {@link CRC32}) of the little-endian float32 bytes of {@code data}. */
    public static long crc32(float[] data) {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        int pos = 0;
        for (float f : data) {
            int bits = Float.floatToRawIntBits(f);
            buf[pos] = (byte) bits;
            buf[pos + 1] = (byte) (bits >>> 8);
            buf[pos + 2] = (byte) (bits >>> 16);
            buf[pos + 3] = (byte) (bits >>> 24);
            pos += 4;
            if (pos == buf.length) {
                crc.update(buf, 0, pos);
                pos = 0;
            }
        }
        crc.update(buf, 0, pos);
        return crc.getValue();
    }
}
