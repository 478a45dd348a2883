package dev.greenml.kernels;

/**
 * The hot kernels of the engine. Two implementations pass the same tests: {@link JavaBackend}
 * (pure Java, Vector API) and {@link BlasBackend} (OpenBLAS through FFM).
 *
 * <p>All matrices are row-major {@code float[]} with an offset and a leading dimension (the
 * distance in floats between two consecutive rows of the matrix as stored).
 *
 * <p>Implementations check that every operand fits its array before touching it (an
 * IllegalArgumentException names the operand), may be called from several threads at once, and
 * allocate no buffers per call once warm (at most a few small objects). Pick one with {@link Backends#select}; the engine's ops use
 * {@link Backends#current()}.
 */
public interface Backend {

    /** Short name printed to the user: "java" or "blas". */
    String name();

    /** Number of threads the backend uses for large products. */
    int threads();

    /**
     * The same kernels on the calling thread alone (this backend when it has one thread), for work
     * that is already split across threads at a coarser grain (data-parallel workers).
     */
    Backend singleThreaded();

    /**
     * C = alpha · op(A) · op(B) + beta · C, where op(X) is X or Xᵀ.
     *
     * <pre>
     *   op(A): (m, k)   stored as (m, k) with lda ≥ k, or as (k, m) with lda ≥ m when transA
     *   op(B): (k, n)   stored as (k, n) with ldb ≥ n, or as (n, k) with ldb ≥ k when transB
     *   C:     (m, n)   ldc ≥ n
     * </pre>
     *
     * When beta == 0, C is overwritten and its old content (even NaN) is ignored.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
