package dev.greenml.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pure-Java kernels on the Vector API.
 *
 * <p>sgemm follows the classic packed scheme: op(B) is copied block by block into a panel of
 * (KC, NR) slivers, op(A) into (MR, KC) slivers, and a register-blocked micro-kernel computes one
 * (MR, NR) tile of C with fused multiply-adds while both slivers sit in cache. Products with at
 * most {@link #THIN} rows or columns (batch-1 inference, the 1-wide output layer) skip packing and
 * run as vectorized dot products or row updates instead; so do products of depth k ≤ THIN (the
 * rank-1 weight gradient at batch 1), which only need one pass over C. Large products are split over a
 * {@link ForkJoinPool}; each thread packs its own panels into buffers it keeps, so a steady
 * training loop allocates nothing here.
 *
 * <pre>{@code
 * Backend java = new JavaBackend(2);
 * java.sgemm(false, true, 32, 200, 1000, 1f, x, 0, 1000, w, 0, 1000, 0f, y, 0, 200); // y = x·wᵀ
 * }</pre>
 */
public final class JavaBackend implements Backend {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();   // floats per vector: 8 with AVX2, 16 with AVX-512

    /** Rows of one C tile held in registers. */
    static final int MR = 6;
    /** Columns of one C tile held in registers: two vectors, so 12 accumulators + 2 B + 1 A. */
    static final int NR = 2 * VL;
    /** Depth of a packed block: a (KC, NR) B sliver stays in L1 while A slivers stream past. */
    static final int KC = Integer.getInteger("greenml.gemm.kc", 192);
    /** Rows of packed A per block: (MC, KC) floats stay in L2. A multiple of MR. */
    static final int MC = Integer.getInteger("greenml.gemm.mc", 144) / MR * MR;
    /** Columns of packed B per block: (KC, NC) floats, L2/L3 resident. A multiple of NR. */
    static final int NC = Math.max(NR, Integer.getInteger("greenml.gemm.nc", 2048) / NR * NR);

    /** Products with min(m, n) at most this go to the GEMV-style kernels: packing would not pay. */
    static final int THIN = 4;
    /** Below this many multiply-adds one thread is faster than waking the pool (≈ 0.1 ms of work). */
    static final long PARALLEL_MIN_MACS = 1L << 21;

    private final int threads;
    private final ForkJoinPool pool;   // null when threads == 1: everything runs on the caller

    /**
     * Per-thread scratch (≈ 1.6 MB), grown on demand and then reused by every call on that thread.
     * Meant for platform threads: each virtual thread calling in would get its own.
     */
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** A backend using every available processor. */
    public JavaBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend splitting large products over {@code threads} threads (the caller is one of them). */
    public JavaBackend(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("JavaBackend(threads=" + threads + "): threads must be >= 1");
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1);
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public Backend singleThreaded() {
        return threads == 1 ? this : new JavaBackend(1);
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
        if (k == 0 || alpha == 0f) {
            GemmArgs.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        var g = new Gemm(transA, transB, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        Path path = Math.min(m, n) <= THIN ? Path.THIN : k <= THIN ? Path.SHALLOW : Path.PACKED;
        if (pool == null || (long) m * n * k < PARALLEL_MIN_MACS) {
            g.block(WORKSPACE.get(), path, 0, m, 0, n);
            return;
        }
        // Split C along its longer side into one band per thread, aligned to whole tiles; every
        // band repacks the shared operand, which costs O(k·width) against O(m·n·k / threads) work.
        boolean byRows = m >= n;
        int length = byRows ? m : n;
        int unit = path != Path.PACKED ? 1 : (byRows ? MR : NR);
        int tiles = (length + unit - 1) / unit;
        int parts = Math.min(threads, tiles);
        var tasks = new ForkJoinTask<?>[parts - 1];
        for (int t = parts - 1; t >= 0; t--) {
            // long: tiles · t overflows int for a tall thin product on many threads
            int from = (int) Math.min(length, (long) tiles * t / parts * unit);
            int to = (int) Math.min(length, (long) tiles * (t + 1) / parts * unit);
            Runnable band = byRows
                    ? () -> g.block(WORKSPACE.get(), path, from, to, 0, n)
                    : () -> g.block(WORKSPACE.get(), path, 0, m, from, to);
            if (t == 0) {
                band.run();   // the caller computes the first band itself
            } else {
                tasks[t - 1] = pool.submit(band);
            }
        }
        for (var task : tasks) {
            task.join();
        }
    }

    /** Which kernel family computes a product. */
    private enum Path {
        /** min(m, n) ≤ THIN: dot products or row updates, no packing (batch-1 inference). */
        THIN,
        /** k ≤ THIN: C rows updated from a (k, n) strip, e.g. the rank-1 dW = dYᵀ·X at batch 1. */
        SHALLOW,
        /** Everything else: packed panels and the register-blocked micro-kernel. */
        PACKED
    }

    /** Scratch buffers of one thread. */
    private static final class Workspace {
        final float[] packA = new float[MC * KC];          // (MC / MR) slivers of (KC, MR)
        final float[] packB = new float[KC * NC];          // (NC / NR) slivers of (KC, NR)
        final float[] tile = new float[MR * NR];           // (MR, NR) sums of one micro-tile, before alpha/beta
        final float[] dots = new float[4];                 // four dot products of the thin path
        float[] vec = new float[0];                        // (k) a gathered row of op(A) or column of op(B)
        float[] acc = new float[0];                        // (m or n) one row update of the thin path
        float[] strip = new float[0];                      // (k, n) op(B) of the shallow path, k ≤ THIN

        float[] vec(int k) {
            if (vec.length < k) vec = new float[k];
            return vec;
        }

        float[] acc(int len) {
            if (acc.length < len) acc = new float[len];
            return acc;
        }

        float[] strip(int len) {
            if (strip.length < len) strip = new float[len];
            return strip;
        }
    }

    /**
     * One call's operands. {@link #block} computes the (i0..i1, j0..j1) block of
     * C = alpha · op(A) · op(B) + beta · C; blocks are independent, which is what the threads use.
     */
    private record Gemm(boolean transA, boolean transB, int k, float alpha,
                        float[] a, int aOff, int lda,     // op(A): (m, k)
                        float[] b, int bOff, int ldb,     // op(B): (k, n)
                        float beta, float[] c, int cOff, int ldc) {  // C: (m, n)

        void block(Workspace ws, Path path, int i0, int i1, int j0, int j1) {
            switch (path) {
                case THIN -> thin(ws, i0, i1, j0, j1);
                case SHALLOW -> shallow(ws, i0, i1, j0, j1);
                case PACKED -> packed(ws, i0, i1, j0, j1);
            }
        }

        // ---------------------------------------------------------------- shallow path (k ≤ THIN)

        /**
         * C[i, :] = alpha · Σ_p op(A)[i, p] · S[p, :] + beta · C[i, :] with S = op(B)[:, j0..j1]
         * copied once into a contiguous (k, w) strip. With k this small each output is a handful of
         * fmas, so the cost is writing C: no tiles, no packed A, one vector pass per row.
         */
        private void shallow(Workspace ws, int i0, int i1, int j0, int j1) {
            int w = j1 - j0;
            float[] strip = ws.strip(k * w);
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < w; j++) {
                    strip[p * w + j] = transB ? b[bOff + (j0 + j) * ldb + p] : b[bOff + p * ldb + j0 + j];
                }
            }
            float[] x = ws.dots;   // op(A)[i, 0..k], k ≤ 4
            FloatVector av = FloatVector.broadcast(F, alpha);
            for (int i = i0; i < i1; i++) {
                for (int p = 0; p < k; p++) {
                    x[p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                }
                int row = cOff + i * ldc + j0;
                int j = 0;
                for (int bound = F.loopBound(w); j < bound; j += VL) {
                    FloatVector sum = FloatVector.fromArray(F, strip, j).mul(x[0]);
                    for (int p = 1; p < k; p++) {
                        sum = FloatVector.fromArray(F, strip, p * w + j).fma(FloatVector.broadcast(F, x[p]), sum);
                    }
                    FloatVector out = sum.mul(av);
                    if (beta != 0f) {
                        out = FloatVector.fromArray(F, c, row + j).mul(beta).add(out);
                    }
                    out.intoArray(c, row + j);
                }
                for (; j < w; j++) {
                    float sum = 0f;
                    for (int p = 0; p < k; p++) {
                        sum = Math.fma(x[p], strip[p * w + j], sum);
                    }
                    c[row + j] = beta == 0f ? alpha * sum : alpha * sum + beta * c[row + j];
                }
            }
        }

        // ---------------------------------------------------------------- packed path

        private void packed(Workspace ws, int i0, int i1, int j0, int j1) {
            float[] pa = ws.packA;
            float[] pb = ws.packB;
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    // Only the first slice of k applies the caller's beta; later ones accumulate.
                    float betaHere = pc == 0 ? beta : 1f;
                    packB(pb, pc, kc, jc, nc);
                    for (int ic = i0; ic < i1; ic += MC) {
                        int mc = Math.min(MC, i1 - ic);
                        packA(pa, ic, mc, pc, kc);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            for (int ir = 0; ir < mc; ir += MR) {
                                int mr = Math.min(MR, mc - ir);
                                if (nr > VL) {
                                    kernel(pa, ir * kc, pb, jr * kc, kc, ws.tile);
                                } else {   // a last sliver at most one vector wide: half the work
                                    kernelNarrow(pa, ir * kc, pb, jr * kc, kc, ws.tile);
                                }
                                writeTile(ws.tile, betaHere, cOff + (ic + ir) * ldc + jc + jr, mr, nr);
                            }
                        }
                    }
                }
            }
        }

        /**
         * Copies op(A)[i0 .. i0+mc, p0 .. p0+kc] into slivers of MR rows: sliver s holds, for each p,
         * the MR values op(A)[i0 + s·MR + r, p0 + p], so the kernel reads A strictly forward.
         * Rows past mc are zero, which lets the kernel always compute a full tile.
         */
        private void packA(float[] pa, int i0, int mc, int p0, int kc) {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int base = ir * kc;
                if (!transA) {          // op(A)[i, p] = a[aOff + i·lda + p]
                    for (int r = 0; r < mr; r++) {
                        int src = aOff + (i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++) {
                            pa[base + p * MR + r] = a[src + p];
                        }
                    }
                } else {                // op(A)[i, p] = a[aOff + p·lda + i]
                    for (int p = 0; p < kc; p++) {
                        System.arraycopy(a, aOff + (p0 + p) * lda + i0 + ir, pa, base + p * MR, mr);
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        pa[base + p * MR + r] = 0f;
                    }
                }
            }
        }

        /**
         * Copies op(B)[p0 .. p0+kc, j0 .. j0+nc] into slivers of NR columns: sliver s holds, for each
         * p, the NR values op(B)[p0 + p, j0 + s·NR + j]. Columns past nc are zero.
         */
        private void packB(float[] pb, int p0, int kc, int j0, int nc) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int base = jr * kc;
                if (!transB) {          // op(B)[p, j] = b[bOff + p·ldb + j]
                    for (int p = 0; p < kc; p++) {
                        int dst = base + p * NR;
                        System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, pb, dst, nr);
                        for (int j = nr; j < NR; j++) {
                            pb[dst + j] = 0f;
                        }
                    }
                } else {                // op(B)[p, j] = b[bOff + j·ldb + p]
                    for (int j = 0; j < nr; j++) {
                        int src = bOff + (j0 + jr + j) * ldb + p0;
                        for (int p = 0; p < kc; p++) {
                            pb[base + p * NR + j] = b[src + p];
                        }
                    }
                    for (int j = nr; j < NR; j++) {
                        for (int p = 0; p < kc; p++) {
                            pb[base + p * NR + j] = 0f;
                        }
                    }
                }
            }
        }

        /**
         * C[ci .., (mr, nr)] = alpha · tile + beta · C. The kernel leaves its sums in the (MR, NR)
         * tile rather than updating C itself: C2 would not inline a per-row update helper into the
         * large kernel, and vectors passed to a non-inlined call are boxed (≈ 10× slower).
         */
        private void writeTile(float[] tile, float betaHere, int ci, int mr, int nr) {
            if (mr == MR && nr == NR) {
                FloatVector av = FloatVector.broadcast(F, alpha);
                for (int r = 0; r < MR; r++) {
                    int row = ci + r * ldc;
                    for (int j = 0; j < NR; j += VL) {
                        FloatVector ab = FloatVector.fromArray(F, tile, r * NR + j).mul(av);
                        if (betaHere != 0f) {
                            ab = FloatVector.fromArray(F, c, row + j).mul(betaHere).add(ab);   // beta·C + alpha·AB
                        }
                        ab.intoArray(c, row + j);
                    }
                }
                return;
            }
            for (int r = 0; r < mr; r++) {
                int row = ci + r * ldc;
                for (int j = 0; j < nr; j++) {
                    float ab = alpha * tile[r * NR + j];
                    c[row + j] = betaHere == 0f ? ab : ab + betaHere * c[row + j];
                }
            }
        }

        // ---------------------------------------------------------------- thin path (GEMV-like)

        /**
         * min(m, n) ≤ THIN. Every product reduces to one of two vectorized loops over contiguous
         * memory: dot products of rows (when the reduction index k runs along both stored rows),
         * or row updates acc += x[p] · Y[p, :] (when it runs down the columns of one operand).
         * A strided row of op(A) or column of op(B) is first gathered into a contiguous buffer.
         */
        private void thin(Workspace ws, int i0, int i1, int j0, int j1) {
            boolean fewRows = i1 - i0 <= THIN;
            if (fewRows) {
                for (int i = i0; i < i1; i++) {
                    // x = op(A)[i, :] (k), contiguous unless A is transposed
                    float[] x = a;
                    int xOff = aOff + i * lda;
                    if (transA) {
                        x = gather(ws.vec(k), a, aOff + i, lda);
                        xOff = 0;
                    }
                    int ci = cOff + i * ldc;
                    if (transB) {   // C[i, j] = x · B[j, :]   (B stored (n, k))
                        dots(ws, x, xOff, b, bOff + j0 * ldb, ldb, j1 - j0, ci + j0, 1);
                    } else {        // C[i, :] = Σ_p x[p] · B[p, :]   (B stored (k, n))
                        rowUpdate(ws, x, xOff, b, bOff + j0, ldb, j1 - j0, ci + j0, 1);
                    }
                }
            } else {
                for (int j = j0; j < j1; j++) {
                    // y = op(B)[:, j] (k), contiguous when B is transposed
                    float[] y = b;
                    int yOff = bOff + j * ldb;
                    if (!transB) {
                        y = gather(ws.vec(k), b, bOff + j, ldb);
                        yOff = 0;
                    }
                    int cj = cOff + i0 * ldc + j;
                    if (!transA) {  // C[i, j] = A[i, :] · y   (A stored (m, k))
                        dots(ws, y, yOff, a, aOff + i0 * lda, lda, i1 - i0, cj, ldc);
                    } else {        // C[:, j] = Σ_p y[p] · A[p, :]   (A stored (k, m))
                        rowUpdate(ws, y, yOff, a, aOff + i0, lda, i1 - i0, cj, ldc);
                    }
                }
            }
        }

        /** out[e] = x[e·stride] for e < k: a strided row or column made contiguous. */
        private float[] gather(float[] out, float[] x, int off, int stride) {
            for (int p = 0; p < k; p++) {
                out[p] = x[off + p * stride];
            }
            return out;
        }

        /** For r < count: C[ci + r·cs] = alpha · (s · R[r, :]) + beta · C, with R rows ldr apart. */
        private void dots(Workspace ws, float[] s, int sOff, float[] rm, int rOff, int ldr, int count,
                          int ci, int cs) {
            float[] d = ws.dots;
            int r = 0;
            for (; r + 4 <= count; r += 4) {
                dot4(s, sOff, rm, rOff + r * ldr, ldr, k, d);
                for (int q = 0; q < 4; q++) {
                    store(ci + (r + q) * cs, d[q]);
                }
            }
            for (; r < count; r++) {
                store(ci + r * cs, dot(s, sOff, rm, rOff + r * ldr, k));
            }
        }

        /** C[ci + e·cs] = alpha · Σ_p x[p] · Y[p, e] + beta · C for e < len, with Y rows ldy apart. */
        private void rowUpdate(Workspace ws, float[] x, int xOff, float[] y, int yOff, int ldy, int len,
                               int ci, int cs) {
            float[] acc = ws.acc(len);
            axpyRows(x, xOff, y, yOff, ldy, k, len, acc);
            for (int e = 0; e < len; e++) {
                store(ci + e * cs, acc[e]);
            }
        }

        private void store(int ci, float ab) {
            c[ci] = beta == 0f ? alpha * ab : alpha * ab + beta * c[ci];
        }
    }

    // -------------------------------------------------------------------- micro-kernels

    /**
     * tile (MR, NR) = Σ_p A[:, p] ⊗ B[p, :] over one packed A sliver (p-major, MR per step) and
     * one packed B sliver (p-major, NR per step). Twelve accumulators stay in registers for the
     * whole depth kc.
     */
    private static void kernel(float[] pa, int ai, float[] pb, int bi, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        // two steps of p per trip: half the loop overhead and bounds checks per fma
        int p = 0;
        for (; p + 1 < kc; p += 2, ai += 2 * MR, bi += 2 * NR) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + VL);
            FloatVector a0 = FloatVector.broadcast(F, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, pa[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, pa[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, pa[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            b0 = FloatVector.fromArray(F, pb, bi + NR);
            b1 = FloatVector.fromArray(F, pb, bi + NR + VL);
            a0 = FloatVector.broadcast(F, pa[ai + 6]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            a1 = FloatVector.broadcast(F, pa[ai + 7]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            a2 = FloatVector.broadcast(F, pa[ai + 8]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            a3 = FloatVector.broadcast(F, pa[ai + 9]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            a4 = FloatVector.broadcast(F, pa[ai + 10]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            a5 = FloatVector.broadcast(F, pa[ai + 11]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        if (p < kc) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + VL);
            FloatVector a0 = FloatVector.broadcast(F, pa[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, pa[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, pa[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, pa[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, VL);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + VL);
    }

    /**
     * The first VL columns of {@link #kernel}'s tile, for the last sliver of a panel when at
     * most VL of its NR columns are real (n = 200 and 100 in the seed model leave 8 and 4):
     * six accumulators, the same packed layout, the second vector of each B step skipped.
     */
    private static void kernelNarrow(float[] pa, int ai, float[] pb, int bi, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), c2 = FloatVector.zero(F);
        FloatVector c3 = FloatVector.zero(F), c4 = FloatVector.zero(F), c5 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            c0 = FloatVector.broadcast(F, pa[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, pa[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, pa[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, pa[ai + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(F, pa[ai + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(F, pa[ai + 5]).fma(b0, c5);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
    }

    // lane i ← lane (i + h) mod VL, for folding a vector onto itself
    private static final VectorShuffle<Float> ROT8 = VectorShuffle.iota(F, 8, 1, true);
    private static final VectorShuffle<Float> ROT4 = VectorShuffle.iota(F, 4, 1, true);
    private static final VectorShuffle<Float> ROT2 = VectorShuffle.iota(F, 2, 1, true);
    private static final VectorShuffle<Float> ROT1 = VectorShuffle.iota(F, 1, 1, true);

    /**
     * The lanes of v summed pairwise in a fixed order: halves folded onto each other, lane 0 last.
     * Used instead of reduceLanes(ADD), whose order differs between C2-compiled and interpreted
     * code, so results do not depend on JIT state and threaded runs equal single-threaded ones
     * bit for bit. (Small enough to be inlined, so v is never boxed.)
     */
    private static float sumLanes(FloatVector v) {
        if (VL > 8) v = v.add(v.rearrange(ROT8));
        if (VL > 4) v = v.add(v.rearrange(ROT4));
        if (VL > 2) v = v.add(v.rearrange(ROT2));
        if (VL > 1) v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }

    /** s · r over k floats. */
    static float dot(float[] s, int sOff, float[] r, int rOff, int k) {
        FloatVector acc = FloatVector.zero(F);
        int p = 0;
        for (int bound = F.loopBound(k); p < bound; p += VL) {
            acc = FloatVector.fromArray(F, s, sOff + p).fma(FloatVector.fromArray(F, r, rOff + p), acc);
        }
        float sum = sumLanes(acc);
        for (; p < k; p++) {
            sum += s[sOff + p] * r[rOff + p];
        }
        return sum;
    }

    /** out[q] = s · R[q, :] for q < 4, rows of R ldr apart; s is loaded once for all four. */
    static void dot4(float[] s, int sOff, float[] r, int rOff, int ldr, int k, float[] out) {
        int r0 = rOff, r1 = rOff + ldr, r2 = rOff + 2 * ldr, r3 = rOff + 3 * ldr;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        int p = 0;
        for (int bound = F.loopBound(k); p < bound; p += VL) {
            FloatVector sv = FloatVector.fromArray(F, s, sOff + p);
            acc0 = sv.fma(FloatVector.fromArray(F, r, r0 + p), acc0);
            acc1 = sv.fma(FloatVector.fromArray(F, r, r1 + p), acc1);
            acc2 = sv.fma(FloatVector.fromArray(F, r, r2 + p), acc2);
            acc3 = sv.fma(FloatVector.fromArray(F, r, r3 + p), acc3);
        }
        float d0 = sumLanes(acc0), d1 = sumLanes(acc1), d2 = sumLanes(acc2), d3 = sumLanes(acc3);
        for (; p < k; p++) {
            float sp = s[sOff + p];
            d0 += sp * r[r0 + p];
            d1 += sp * r[r1 + p];
            d2 += sp * r[r2 + p];
            d3 += sp * r[r3 + p];
        }
        out[0] = d0;
        out[1] = d1;
        out[2] = d2;
        out[3] = d3;
    }

    /**
     * acc[e] = Σ_p x[p] · Y[p, e] for e < len, Y rows ldy apart. Columns are done four vectors at
     * a time so the partial sums stay in registers while p walks down Y.
     */
    static void axpyRows(float[] x, int xOff, float[] y, int yOff, int ldy, int k, int len, float[] acc) {
        int e = 0;
        for (; e + 4 * VL <= len; e += 4 * VL) {
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int p = 0, yi = yOff + e; p < k; p++, yi += ldy) {
                FloatVector xp = FloatVector.broadcast(F, x[xOff + p]);
                s0 = xp.fma(FloatVector.fromArray(F, y, yi), s0);
                s1 = xp.fma(FloatVector.fromArray(F, y, yi + VL), s1);
                s2 = xp.fma(FloatVector.fromArray(F, y, yi + 2 * VL), s2);
                s3 = xp.fma(FloatVector.fromArray(F, y, yi + 3 * VL), s3);
            }
            s0.intoArray(acc, e);
            s1.intoArray(acc, e + VL);
            s2.intoArray(acc, e + 2 * VL);
            s3.intoArray(acc, e + 3 * VL);
        }
        for (; e + VL <= len; e += VL) {
            FloatVector s0 = FloatVector.zero(F);
            for (int p = 0, yi = yOff + e; p < k; p++, yi += ldy) {
                s0 = FloatVector.broadcast(F, x[xOff + p]).fma(FloatVector.fromArray(F, y, yi), s0);
            }
            s0.intoArray(acc, e);
        }
        for (; e < len; e++) {
            float s = 0f;
            for (int p = 0, yi = yOff + e; p < k; p++, yi += ldy) {
                s += x[xOff + p] * y[yi];
            }
            acc[e] = s;
        }
    }
}
