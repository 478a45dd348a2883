package dev.greenml.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * sgemm by OpenBLAS, called through FFM on the caller's {@code float[]} (no copies).
 *
 * <p>Products with one row or one column go to {@code cblas_sgemv}. Builds of OpenBLAS whose
 * sgemm packs all of B even for a single row made batch-1 inference ≈ 10× slower (≈ 175 µs
 * against ≈ 15 µs for 1×1000 · (200×1000)ᵀ, see architecture.md). The 0.3.31 build in the
 * bytedeco jar forwards such calls to GEMV itself (measured: sgemm ≈ sgemv ≈ 9 µs), so the
 * routing costs nothing there and protects against builds that do not.
 *
 * <p>Two more shapes of the training step take another route: k = 1 (dW = dYᵀ·X at batch 1, an
 * outer product) is a rank-1 loop in Java, and A·Bᵀ with few rows is computed as (B·Aᵀ)ᵀ (see
 * {@link #SWAP_MAX_ROWS}). Products too small to share run on one thread ({@link #MIN_WORK_PER_THREAD}).
 *
 * <p>OpenBLAS keeps one thread pool per process: the thread count of the most recently used
 * BlasBackend wins, and each call re-asserts its own count when another instance changed it.
 * So do not call two instances with different thread counts at the same time from different
 * threads (OpenBLAS does not support resizing its pool while a call is running).
 *
 * <pre>{@code
 * Backend blas = new BlasBackend(1);   // throws BlasUnavailableException with the fix when it cannot load
 * }</pre>
 */
public final class BlasBackend implements Backend {

    /**
     * A · Bᵀ with at most this many rows (and at least twice as many columns) is computed as
     * (B · Aᵀ)ᵀ: measured with OpenBLAS 0.3.31 on one Zen 4 core (CPU time, median of 7), the seed
     * model's first layer (m, 1000) · (200, 1000)ᵀ ran at 49 → 75 GFLOP/s for m = 16, 66 → 77 for
     * m = 32, 79 → 88 for m = 64, and only 88 → 94 for m = 128, where the transpose back starts to
     * eat the gain; m ≥ 256 is the same either way.
     */
    static final int SWAP_MAX_ROWS = 64;

    /**
     * Multiply-adds (m·n·k) a product must give each thread before a second one is used: 2²³ ≈ 8.4M,
     * ≈ 170 µs of one core at 100 GFLOP/s. OpenBLAS threads busy-wait for work between calls and
     * stall a whole product when one of them loses its core (2 cores shared with other processes:
     * at load average 19 the seed model's batch-32 forward, 6.4M multiply-adds, took 1.38 ms of CPU
     * on 2 threads against 0.18 ms on 1). Below this, a second thread costs more than it saves.
     * On a quiet machine the trade goes the other way for mid-size products (T=2 batch-32 training:
     * 65k samples/s at 2²³, 73–80k at 2²¹, 80–81k at 2²⁰); override with
     * {@code -Dgreenml.blas.minWorkPerThread=1048576} where the cores are not shared.
     */
    static final long MIN_WORK_PER_THREAD = Long.getLong("greenml.blas.minWorkPerThread", 1L << 23);

    private final OpenBlas lib;
    private final int threads;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);   // (n, m) for transposedProduct

    /** OpenBLAS from the jar on the class path, running large products on {@code threads} threads. */
    public BlasBackend(int threads) {
        this(OpenBlas.loadFromClassPath(), threads);
    }

    /** OpenBLAS from {@code libraryDir} (which holds libopenblas.so.0 and its three dependencies). */
    BlasBackend(Path libraryDir, int threads) {
        this(OpenBlas.load(libraryDir), threads);
    }

    private BlasBackend(OpenBlas lib, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("BlasBackend(threads=" + threads + "): threads must be >= 1");
        }
        this.lib = lib;
        this.threads = threads;
        lib.useThreads(threads);
    }

    @Override
    public String name() {
        return "blas";
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public Backend singleThreaded() {
        return threads == 1 ? this : new BlasBackend(lib, 1);
    }

    /** The loaded shared library. */
    public Path library() {
        return lib.file();
    }

    /** OpenBLAS's build description, e.g. "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
    public String config() {
        return lib.config();
    }

    OpenBlas lib() {
        return lib;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            GemmArgs.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        int use = threadsFor((long) m * n * k);
        lib.useThreads(use);
        try {
            if (k == 1 && m > 1 && n > 1) {
                outerProduct(transA, transB, m, n, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else if (m == 1) {
                rowTimesMatrix(transA, transB, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff);
            } else if (n == 1) {
                matrixTimesColumn(transA, transB, m, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else if (transB && !transA && m <= SWAP_MAX_ROWS && n >= 2 * m) {
                transposedProduct(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                lib.sgemm().invokeExact(OpenBlas.ROW_MAJOR, trans(transA), trans(transB), m, n, k,
                        alpha, at(a, aOff), lda, at(b, bOff), ldb, beta, at(c, cOff), ldc);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("OpenBLAS call failed", e);
        } finally {
            if (use != threads) lib.useThreads(threads);   // the pool's count is this backend's between calls
        }
    }

    /**
     * C (1, n) = alpha · x · op(B) + beta · C with x = op(A) (1, k): that is y = op(B)ᵀ x, so B
     * stored (k, n) is a transposed GEMV and B stored (n, k) a plain one.
     */
    private void rowTimesMatrix(boolean transA, boolean transB, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff) throws Throwable {
        int incx = transA ? lda : 1;          // x = A stored (k, 1) is a column, one row apart
        clearIfBetaZero(beta, c, cOff, n, 1);
        if (transB) {                         // B stored (n, k): y = B x
            lib.sgemv().invokeExact(OpenBlas.ROW_MAJOR, OpenBlas.NO_TRANS, n, k,
                    alpha, at(b, bOff), ldb, at(a, aOff), incx, beta, at(c, cOff), 1);
        } else {                              // B stored (k, n): y = Bᵀ x
            lib.sgemv().invokeExact(OpenBlas.ROW_MAJOR, OpenBlas.TRANS, k, n,
                    alpha, at(b, bOff), ldb, at(a, aOff), incx, beta, at(c, cOff), 1);
        }
    }

    /** C (m, 1) = alpha · op(A) · x + beta · C with x = op(B) (k, 1); C's column is ldc apart. */
    private void matrixTimesColumn(boolean transA, boolean transB, int m, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) throws Throwable {
        int incx = transB ? 1 : ldb;          // x = B stored (k, 1) is a column, one row apart
        clearIfBetaZero(beta, c, cOff, m, ldc);
        if (transA) {                         // A stored (k, m): y = Aᵀ x
            lib.sgemv().invokeExact(OpenBlas.ROW_MAJOR, OpenBlas.TRANS, k, m,
                    alpha, at(a, aOff), lda, at(b, bOff), incx, beta, at(c, cOff), ldc);
        } else {                              // A stored (m, k): y = A x
            lib.sgemv().invokeExact(OpenBlas.ROW_MAJOR, OpenBlas.NO_TRANS, m, k,
                    alpha, at(a, aOff), lda, at(b, bOff), incx, beta, at(c, cOff), ldc);
        }
    }

    /**
     * C (m, n) = alpha · A (m, k) · B (n, k)ᵀ + beta · C computed as Cᵀ (n, m) = B · Aᵀ into a
     * scratch buffer, then transposed into C (see {@link #SWAP_MAX_ROWS} for why).
     */
    private void transposedProduct(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) throws Throwable {
        float[] ct = scratch.get();
        if (ct.length < m * n) {
            ct = new float[m * n];
            scratch.set(ct);
        }
        lib.sgemm().invokeExact(OpenBlas.ROW_MAJOR, OpenBlas.NO_TRANS, OpenBlas.TRANS, n, m, k,
                alpha, at(b, bOff), ldb, at(a, aOff), lda, 0f, at(ct, 0), m);
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) c[row + j] = ct[j * m + i];
            } else {
                for (int j = 0; j < n; j++) c[row + j] = ct[j * m + i] + beta * c[row + j];
            }
        }
    }

    /**
     * k == 1: C (m, n) = alpha · a bᵀ + beta · C, the outer product of op(A)'s column a (m) and
     * op(B)'s row b (n) — dW = dYᵀ·X at batch 1. Packed sgemm spends most of its time packing
     * here; a rank-1 loop reads b once per row and writes C once.
     */
    private static void outerProduct(boolean transA, boolean transB, int m, int n, float alpha,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc) {
        int incA = transA ? 1 : lda;          // A stored (1, m) is one row; stored (m, 1) a column
        float[] row = b;
        int rowOff = bOff;
        if (transB && ldb != 1) {             // B stored (n, 1) with rows ldb apart: gather it
            row = new float[n];
            for (int j = 0; j < n; j++) row[j] = b[bOff + j * ldb];
            rowOff = 0;
        }
        VectorOps.rank1(m, n, alpha, a, aOff, incA, row, rowOff, beta, c, cOff, ldc);
    }

    /**
     * The Backend contract says beta == 0 ignores NaN in C; BLAS implementations disagree on
     * whether GEMV's y = 0·y + … propagates NaN, so the output is cleared here first (n floats).
     */
    private static void clearIfBetaZero(float beta, float[] c, int cOff, int len, int stride) {
        if (beta == 0f) {
            for (int e = 0; e < len; e++) {
                c[cOff + e * stride] = 0f;
            }
        }
    }

    /** Threads for a product of m·n·k multiply-adds: one per {@link #MIN_WORK_PER_THREAD}, at most {@link #threads}. */
    int threadsFor(long mnk) {
        return (int) Math.max(1, Math.min(threads, mnk / MIN_WORK_PER_THREAD));
    }

    private static int trans(boolean t) {
        return t ? OpenBlas.TRANS : OpenBlas.NO_TRANS;
    }

    /** The array from element {@code off} on, as a heap segment the critical downcall can take. */
    static MemorySegment at(float[] x, int off) {
        return MemorySegment.ofArray(x).asSlice((long) off * Float.BYTES);
    }
}
