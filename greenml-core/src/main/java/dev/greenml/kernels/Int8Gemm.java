package dev.greenml.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * y (m, out) = x (m, in) · Wᵀ + b, where W = diag(scale) · Wq: int8 weights (out, in) row-major
 * with one float32 scale per output channel (symmetric, per-channel quantization).
 *
 * <p>Activations stay float32 and the weights are widened to float inside the kernel
 * ("weight-only int8", W8A32). {@link Int8Probe} measured this against dynamic per-row int8
 * activations with int32 accumulation on the Vector API (Zen 4, AVX-512 VNNI): the Vector API
 * has no dot-product instruction (vpdpbusd), so an int8×int8 product costs a widening, a 32-bit
 * multiply and an add per 16 values — the same instruction count as widen, convert, FMA — plus
 * the per-row quantization of x; W8A32 was as fast or faster on every shape tried. See
 * docs/compression.md.
 *
 * <ul>
 *   <li>m ≤ {@link #THIN} rows (batch-1 inference): per row, four output channels at a time,
 *       16 int8 weights loaded, widened B2F and FMA'd into float accumulators; the scale is
 *       applied once per output. Reads 1 byte per weight instead of 4.</li>
 *   <li>more rows: the int8 values are widened once per call into a per-thread float buffer
 *       (unscaled), multiplied by the current {@link Backend}'s sgemm in one call (so the backend
 *       packs x once), and the scales and bias applied to the (m, out) result; widening is
 *       O(out·in) against O(m·out·in) for the product.</li>
 * </ul>
 * Threading follows {@link JavaBackend}: output channels are split into one band per thread on a
 * ForkJoinPool when the product is large enough to pay for waking it, the caller computing the
 * first band. Results do not depend on the thread count (each output is computed by the same
 * code whichever thread runs it).
 */
public final class Int8Gemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();
    /** Bytes with as many lanes as F: 16 bytes (128 bits) beside 16 floats (512 bits). */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(VL * 8));

    /** Up to this many rows of x, the direct (GEMV) kernel; beyond, widen + sgemm. */
    static final int THIN = 4;
    /** Output channels per thread band on the batched path (when the backend is single-threaded). */
    static final int BAND = 64;
    /** Below this many multiply-adds, one thread (same threshold as JavaBackend). */
    static final long PARALLEL_MIN_MACS = JavaBackend.PARALLEL_MIN_MACS;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);
    private static volatile ForkJoinPool pool;
    private static volatile int poolThreads;

    private Int8Gemm() {}

    /**
     * y[yOff + r·out + o] = Σ_p x[xOff + r·in + p] · wq[o·in + p] · scale[o] + (bias == null ? 0 : bias[biasOff + o]).
     *
     * @param threads threads to use (e.g. {@code Backends.current().threads()})
     */
    public static void linear(int m, int in, int out, float[] x, int xOff, byte[] wq, float[] scale,
                              float[] bias, int biasOff, float[] y, int yOff, int threads) {
        if (wq.length != (long) out * in || scale.length != out) {
            throw new IllegalArgumentException("Int8Gemm: weights (" + out + ", " + in + ") need " + (long) out * in
                    + " bytes and " + out + " scales, got " + wq.length + " and " + scale.length);
        }
        if (xOff + (long) m * in > x.length || yOff + (long) m * out > y.length) {
            throw new IllegalArgumentException("Int8Gemm: x (" + m + ", " + in + ") or y (" + m + ", " + out + ") out of bounds");
        }
        boolean thin = m <= THIN;
        Backend backend = thin ? null : Backends.current();
        long macs = (long) m * out * in;
        int parts = threads <= 1 || macs < PARALLEL_MIN_MACS ? 1
                : Math.min(threads, (out + (thin ? 4 : BAND) - 1) / (thin ? 4 : BAND));
        if (!thin && backend.threads() > 1) parts = 1;   // the backend's sgemm threads itself
        if (parts == 1) {
            band(thin, backend, m, in, out, x, xOff, wq, scale, bias, biasOff, y, yOff, 0, out);
            return;
        }
        ForkJoinPool p = pool(threads);
        int unit = thin ? 4 : BAND;
        int tiles = (out + unit - 1) / unit;
        var tasks = new ForkJoinTask<?>[parts - 1];
        for (int t = parts - 1; t >= 0; t--) {
            int from = Math.min(out, tiles * t / parts * unit), to = Math.min(out, tiles * (t + 1) / parts * unit);
            Runnable r = () -> band(thin, backend, m, in, out, x, xOff, wq, scale, bias, biasOff, y, yOff, from, to);
            if (t == 0) r.run();
            else tasks[t - 1] = p.submit(r);
        }
        for (var task : tasks) task.join();
    }

    /** Output channels [o0, o1) of every row. */
    private static void band(boolean thin, Backend backend, int m, int in, int out, float[] x, int xOff, byte[] wq,
                             float[] scale, float[] bias, int biasOff, float[] y, int yOff, int o0, int o1) {
        if (thin) {
            float[] lanes = scratch(0, 4 * VL);
            for (int r = 0; r < m; r++) {
                gemvRow(in, out, x, xOff + r * in, wq, scale, bias, biasOff, y, yOff + r * out, o0, o1, lanes);
            }
            return;
        }
        int rows = o1 - o0;
        float[] w = scratch(1, rows * in);   // (rows, in) q widened to float, reused by the next call on this thread
        widen(wq, o0, rows, in, w);
        // y[:, o0..o1) = x (m, in) · q (rows, in)ᵀ, one call so that the backend packs x once; then
        // y[r, o] = scale[o] · y[r, o] + b[o]: m·rows multiplies instead of rows·in in the widening
        backend.sgemm(false, true, m, rows, in, 1f, x, xOff, in, w, 0, in, 0f, y, yOff + o0, out);
        for (int r = 0; r < m; r++) {
            int yi = yOff + r * out + o0, j = 0;
            for (int bound = F.loopBound(rows); j < bound; j += VL) {
                FloatVector v = FloatVector.fromArray(F, y, yi + j).mul(FloatVector.fromArray(F, scale, o0 + j));
                if (bias != null) v = v.add(FloatVector.fromArray(F, bias, biasOff + o0 + j));
                v.intoArray(y, yi + j);
            }
            for (; j < rows; j++) y[yi + j] = y[yi + j] * scale[o0 + j] + (bias == null ? 0f : bias[biasOff + o0 + j]);
        }
    }

    /** w[(o − o0)·in + p] = wq[o·in + p] as float, for o in [o0, o0 + rows). */
    private static void widen(byte[] wq, int o0, int rows, int in, float[] w) {
        int src = o0 * in, n = rows * in, p = 0;   // the rows are contiguous: one flat loop
        for (int bound = B.loopBound(n); p < bound; p += VL) {
            ((FloatVector) ByteVector.fromArray(B, wq, src + p).convertShape(VectorOperators.B2F, F, 0)).intoArray(w, p);
        }
        for (; p < n; p++) w[p] = wq[src + p];
    }

    /** w[(o − o0)·in + p] = scale[o] · wq[o·in + p] for o in [o0, o0 + rows). */
    public static void dequantize(byte[] wq, float[] scale, int o0, int rows, int in, float[] w) {
        for (int r = 0; r < rows; r++) {
            int src = (o0 + r) * in, dst = r * in;
            float s = scale[o0 + r];
            int p = 0;
            for (int bound = B.loopBound(in); p < bound; p += VL) {
                ((FloatVector) ByteVector.fromArray(B, wq, src + p).convertShape(VectorOperators.B2F, F, 0))
                        .mul(s).intoArray(w, dst + p);
            }
            for (; p < in; p++) w[dst + p] = wq[src + p] * s;
        }
    }

    /** One row: y[o] = scale[o] · (x · wq[o, :]) + b[o] for o in [o0, o1), four channels per pass over x. */
    private static void gemvRow(int in, int out, float[] x, int xi, byte[] wq, float[] scale, float[] bias, int biasOff,
                                float[] y, int yi, int o0, int o1, float[] lanes) {
        int o = o0;
        int bound = B.loopBound(in);
        for (; o + 4 <= o1; o += 4) {
            int r0 = o * in, r1 = r0 + in, r2 = r1 + in, r3 = r2 + in;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            int p = 0;
            for (; p < bound; p += VL) {
                FloatVector xv = FloatVector.fromArray(F, x, xi + p);
                a0 = xv.fma(widen(wq, r0 + p), a0);
                a1 = xv.fma(widen(wq, r1 + p), a1);
                a2 = xv.fma(widen(wq, r2 + p), a2);
                a3 = xv.fma(widen(wq, r3 + p), a3);
            }
            a0.intoArray(lanes, 0);
            a1.intoArray(lanes, VL);
            a2.intoArray(lanes, 2 * VL);
            a3.intoArray(lanes, 3 * VL);
            float d0 = sumLanes(lanes, 0), d1 = sumLanes(lanes, VL), d2 = sumLanes(lanes, 2 * VL), d3 = sumLanes(lanes, 3 * VL);
            for (; p < in; p++) {
                float xp = x[xi + p];
                d0 += xp * wq[r0 + p];
                d1 += xp * wq[r1 + p];
                d2 += xp * wq[r2 + p];
                d3 += xp * wq[r3 + p];
            }
            y[yi + o] = d0 * scale[o] + (bias == null ? 0f : bias[biasOff + o]);
            y[yi + o + 1] = d1 * scale[o + 1] + (bias == null ? 0f : bias[biasOff + o + 1]);
            y[yi + o + 2] = d2 * scale[o + 2] + (bias == null ? 0f : bias[biasOff + o + 2]);
            y[yi + o + 3] = d3 * scale[o + 3] + (bias == null ? 0f : bias[biasOff + o + 3]);
        }
        for (; o < o1; o++) {
            int r0 = o * in;
            FloatVector a0 = FloatVector.zero(F);
            int p = 0;
            for (; p < bound; p += VL) a0 = FloatVector.fromArray(F, x, xi + p).fma(widen(wq, r0 + p), a0);
            a0.intoArray(lanes, 0);
            float d0 = sumLanes(lanes, 0);
            for (; p < in; p++) d0 += x[xi + p] * wq[r0 + p];
            y[yi + o] = d0 * scale[o] + (bias == null ? 0f : bias[biasOff + o]);
        }
    }

    /** VL int8 weights from wq[i ..] as floats (vpmovsxbd + vcvtdq2ps). */
    private static FloatVector widen(byte[] wq, int i) {
        return (FloatVector) ByteVector.fromArray(B, wq, i).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Left-to-right sum, so results do not depend on JIT state (as in JavaBackend). */
    private static float sumLanes(float[] lanes, int from) {
        float s = 0f;
        for (int l = from; l < from + VL; l++) s += lanes[l];
        return s;
    }

    private static float[] scratch(int slot, int size) {
        float[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new float[size];
        return s[slot];
    }

    private static ForkJoinPool pool(int threads) {
        ForkJoinPool p = pool;
        if (p == null || poolThreads != threads) {
            synchronized (Int8Gemm.class) {
                if (pool == null || poolThreads != threads) {
                    if (pool != null) pool.shutdown();
                    pool = new ForkJoinPool(threads - 1);
                    poolThreads = threads;
                }
                p = pool;
            }
        }
        return p;
    }
}
