package dev.greenml.kernels;

/**
 * Argument checks shared by every {@link Backend#sgemm} implementation. The native backend must
 * never be handed an extent that runs past the end of a Java array (it would write outside the
 * heap), so both backends reject such calls up front with a message naming the operand.
 */
final class GemmArgs {

    private GemmArgs() {}

    /** Throws IllegalArgumentException unless the sgemm operands fit their arrays. */
    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        // A is stored (m, k), or (k, m) when transposed; likewise B is (k, n) or (n, k).
        stored("A", a, aOff, lda, transA ? k : m, transA ? m : k, transA ? "(k, m)" : "(m, k)");
        stored("B", b, bOff, ldb, transB ? n : k, transB ? k : n, transB ? "(n, k)" : "(k, n)");
        stored("C", c, cOff, ldc, m, n, "(m, n)");
    }

    private static void stored(String name, float[] x, int off, int ld, int rows, int cols, String layout) {
        if (rows == 0 || cols == 0) {
            return; // nothing of x is read or written
        }
        if (x == null) {
            throw new IllegalArgumentException("sgemm: " + name + " is null but has shape " + layout
                    + " = (" + rows + ", " + cols + ")");
        }
        if (ld < cols) {
            throw new IllegalArgumentException("sgemm: " + name + " stored as " + layout + " = (" + rows + ", "
                    + cols + ") needs ld" + name.toLowerCase() + " >= " + cols + ", got " + ld);
        }
        long end = (long) off + (long) (rows - 1) * ld + cols; // one past the last element touched
        if (off < 0 || end > x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " stored as " + layout + " = (" + rows + ", "
                    + cols + ") with offset " + off + " and ld " + ld + " needs " + end
                    + " floats, but the array has " + x.length);
        }
    }

    /** C = beta · C over the (m, n) block, used when k == 0; beta == 0 clears NaN too. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }
}
