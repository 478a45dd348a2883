package dev.greenml.kernels;

/** TEMPORARY stand-in until the kernels branch lands (replaced on merge). */
public final class Backends {
    private static volatile Backend current = new Backend() {
        public String name() { return "naive"; }
        public int threads() { return 1; }
        public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * s + (beta == 0 ? 0 : beta * c[ci]));
            }
        }
    };
    public static Backend current() { return current; }
    public static void setCurrent(Backend b) { current = b; }
}
