package dev.greenml.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The measurement behind {@link Int8Gemm}'s design: for y = x · Wᵀ with int8 W (out, in), which
 * inner loop is fastest on this CPU with the Vector API? Single thread, thread CPU time,
 * interleaved repeats, medians. Candidates:
 * <ul>
 *   <li>{@code f32}: the float GEMV of {@link JavaBackend} (the baseline to beat);</li>
 *   <li>{@code w8-b2f}: float activations, int8 weights widened to float in the kernel (B2F) and
 *       FMA'd; the per-channel scale applied once per output ({@code w8-b2f-8rows}: eight output
 *       channels per pass over x instead of four);</li>
 *   <li>{@code a8w8-b2i}: activations quantized per row to int8 (then widened once to int),
 *       weights widened B2I, int32 multiply-add;</li>
 *   <li>{@code a8w8-b2s}: both widened to 16 bits, 16-bit products (|127·127| fits), widened
 *       S2I and added into int32;</li>
 *   <li>{@code a8w8-scalar}: a plain Java loop over byte arrays, left to C2's auto-vectorizer.</li>
 * </ul>
 * Run: {@code java --add-modules jdk.incubator.vector -cp greenml-core/target/classes dev.greenml.kernels.Int8Probe}
 */
public final class Int8Probe {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();
    private static final VectorSpecies<Byte> BQ = VL == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BH = S.length() == 32 ? ByteVector.SPECIES_256 : ByteVector.SPECIES_128;

    private Int8Probe() {}

    static volatile float sink;

    /** This thread's CPU time: unlike wall time, unaffected by other processes taking the cores of a shared machine. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int[][] shapes = {{784, 256}, {256, 128}, {1000, 200}, {784, 1024}};
        int repeats = 7;
        for (int[] s : shapes) {
            int in = s[0], out = s[1];
            SplittableRandom r = new SplittableRandom(1);
            float[] x = new float[in];
            float[] w = new float[out * in];
            for (int i = 0; i < in; i++) x[i] = (float) r.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.05f;
            byte[] wq = new byte[w.length];
            for (int i = 0; i < w.length; i++) wq[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / 0.002f)));
            float[] y = new float[out];
            float[] lanes = new float[4 * VL];
            float[] d4 = new float[4];
            byte[] qx = new byte[in];
            int[] xi = new int[in];
            short[] xs = new short[in];
            Runnable f32 = () -> {
                for (int o = 0; o < out; o += 4) {
                    JavaBackend.dot4(x, 0, w, o * in, in, in, d4);
                    System.arraycopy(d4, 0, y, o, 4);
                }
            };
            Runnable b2f = () -> w8b2f(x, wq, in, out, y);
            Runnable b2f8 = () -> w8b2f8(x, wq, in, out, y);
            Runnable b2i = () -> a8b2i(x, qx, xi, wq, in, out, y);
            Runnable b2s = () -> a8b2s(x, qx, xs, wq, in, out, y);
            Runnable scalar = () -> a8scalar(x, qx, wq, in, out, y);
            String[] names = {"f32", "w8-b2f", "a8w8-b2i", "a8w8-b2s", "a8w8-scalar", "w8-b2f-8rows"};
            Runnable[] impls = {f32, b2f, b2i, b2s, scalar, b2f8};
            double[][] ns = new double[impls.length][repeats];
            for (Runnable impl : impls) for (int i = 0; i < 20000; i++) impl.run();   // C2 warm-up
            for (int rep = 0; rep < repeats; rep++) {
                for (int k = 0; k < impls.length; k++) {
                    int calls = 2000;
                    long t0 = CPU.getCurrentThreadCpuTime();
                    for (int c = 0; c < calls; c++) impls[k].run();
                    ns[k][rep] = (CPU.getCurrentThreadCpuTime() - t0) / (double) calls;
                    sink += y[0];
                }
            }
            double base = median(ns[0]);
            for (int k = 0; k < impls.length; k++) {
                double m = median(ns[k]);
                System.out.printf(Locale.ROOT, "{\"shape\":\"1x%dx%d\",\"impl\":\"%s\",\"median_cpu_us\":%.2f,\"speedup_vs_f32\":%.2f}%n",
                        in, out, names[k], m / 1e3, base / m);
            }
        }
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** Float activations, int8 weights widened to float inside the loop; 4 outputs at a time. */
    static void w8b2f(float[] x, byte[] wq, int in, int out, float[] y) {
        for (int o = 0; o < out; o += 4) {
            int r0 = o * in, r1 = r0 + in, r2 = r1 + in, r3 = r2 + in;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            int p = 0;
            for (int bound = F.loopBound(in); p < bound; p += VL) {
                FloatVector xv = FloatVector.fromArray(F, x, p);
                a0 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, r0 + p).convertShape(VectorOperators.B2F, F, 0), a0);
                a1 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, r1 + p).convertShape(VectorOperators.B2F, F, 0), a1);
                a2 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, r2 + p).convertShape(VectorOperators.B2F, F, 0), a2);
                a3 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, r3 + p).convertShape(VectorOperators.B2F, F, 0), a3);
            }
            y[o] = a0.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 1] = a1.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 2] = a2.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 3] = a3.reduceLanes(VectorOperators.ADD) * 0.002f;
        }
    }

    /** As w8b2f with eight output channels per pass over x (x loaded once for eight rows). */
    static void w8b2f8(float[] x, byte[] wq, int in, int out, float[] y) {
        for (int o = 0; o < out; o += 8) {
            int r0 = o * in;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), a7 = FloatVector.zero(F);
            for (int p = 0, bound = F.loopBound(in); p < bound; p += VL) {
                FloatVector xv = FloatVector.fromArray(F, x, p);
                int b = r0 + p;
                a0 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b).convertShape(VectorOperators.B2F, F, 0), a0);
                a1 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + in).convertShape(VectorOperators.B2F, F, 0), a1);
                a2 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + 2 * in).convertShape(VectorOperators.B2F, F, 0), a2);
                a3 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + 3 * in).convertShape(VectorOperators.B2F, F, 0), a3);
                a4 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + 4 * in).convertShape(VectorOperators.B2F, F, 0), a4);
                a5 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + 5 * in).convertShape(VectorOperators.B2F, F, 0), a5);
                a6 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + 6 * in).convertShape(VectorOperators.B2F, F, 0), a6);
                a7 = xv.fma((FloatVector) ByteVector.fromArray(BQ, wq, b + 7 * in).convertShape(VectorOperators.B2F, F, 0), a7);
            }
            y[o] = a0.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 1] = a1.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 2] = a2.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 3] = a3.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 4] = a4.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 5] = a5.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 6] = a6.reduceLanes(VectorOperators.ADD) * 0.002f;
            y[o + 7] = a7.reduceLanes(VectorOperators.ADD) * 0.002f;
        }
    }

    static float quantizeRow(float[] x, byte[] qx, int in) {
        float max = 0f;
        for (int p = 0; p < in; p++) max = Math.max(max, Math.abs(x[p]));
        float scale = max / 127f, inv = max == 0f ? 0f : 127f / max;
        for (int p = 0; p < in; p++) qx[p] = (byte) Math.round(x[p] * inv);
        return scale;
    }

    /** Activations quantized to int8 and widened once to int; weights widened B2I; int32 multiply-add. */
    static void a8b2i(float[] x, byte[] qx, int[] xi, byte[] wq, int in, int out, float[] y) {
        float sx = quantizeRow(x, qx, in);
        for (int p = 0; p < in; p++) xi[p] = qx[p];
        int il = I.length();
        for (int o = 0; o < out; o += 4) {
            int r0 = o * in, r1 = r0 + in, r2 = r1 + in, r3 = r2 + in;
            IntVector a0 = IntVector.zero(I), a1 = IntVector.zero(I), a2 = IntVector.zero(I), a3 = IntVector.zero(I);
            int p = 0;
            for (int bound = I.loopBound(in); p < bound; p += il) {
                IntVector xv = IntVector.fromArray(I, xi, p);
                a0 = a0.add(xv.mul((IntVector) ByteVector.fromArray(BQ, wq, r0 + p).convertShape(VectorOperators.B2I, I, 0)));
                a1 = a1.add(xv.mul((IntVector) ByteVector.fromArray(BQ, wq, r1 + p).convertShape(VectorOperators.B2I, I, 0)));
                a2 = a2.add(xv.mul((IntVector) ByteVector.fromArray(BQ, wq, r2 + p).convertShape(VectorOperators.B2I, I, 0)));
                a3 = a3.add(xv.mul((IntVector) ByteVector.fromArray(BQ, wq, r3 + p).convertShape(VectorOperators.B2I, I, 0)));
            }
            y[o] = a0.reduceLanes(VectorOperators.ADD) * sx * 0.002f;
            y[o + 1] = a1.reduceLanes(VectorOperators.ADD) * sx * 0.002f;
            y[o + 2] = a2.reduceLanes(VectorOperators.ADD) * sx * 0.002f;
            y[o + 3] = a3.reduceLanes(VectorOperators.ADD) * sx * 0.002f;
        }
    }

    /** 16-bit products of widened int8 values, widened to int32 and accumulated. */
    static void a8b2s(float[] x, byte[] qx, short[] xs, byte[] wq, int in, int out, float[] y) {
        float sx = quantizeRow(x, qx, in);
        for (int p = 0; p < in; p++) xs[p] = qx[p];
        int sl = S.length();
        for (int o = 0; o < out; o += 4) {
            int r0 = o * in, r1 = r0 + in, r2 = r1 + in, r3 = r2 + in;
            IntVector a0 = IntVector.zero(I), a1 = IntVector.zero(I), a2 = IntVector.zero(I), a3 = IntVector.zero(I);
            int p = 0;
            for (int bound = S.loopBound(in); p < bound; p += sl) {
                ShortVector xv = ShortVector.fromArray(S, xs, p);
                ShortVector m0 = xv.mul((ShortVector) ByteVector.fromArray(BH, wq, r0 + p).convertShape(VectorOperators.B2S, S, 0));
                ShortVector m1 = xv.mul((ShortVector) ByteVector.fromArray(BH, wq, r1 + p).convertShape(VectorOperators.B2S, S, 0));
                ShortVector m2 = xv.mul((ShortVector) ByteVector.fromArray(BH, wq, r2 + p).convertShape(VectorOperators.B2S, S, 0));
                ShortVector m3 = xv.mul((ShortVector) ByteVector.fromArray(BH, wq, r3 + p).convertShape(VectorOperators.B2S, S, 0));
                a0 = a0.add(m0.convertShape(VectorOperators.S2I, I, 0)).add(m0.convertShape(VectorOperators.S2I, I, 1));
                a1 = a1.add(m1.convertShape(VectorOperators.S2I, I, 0)).add(m1.convertShape(VectorOperators.S2I, I, 1));
                a2 = a2.add(m2.convertShape(VectorOperators.S2I, I, 0)).add(m2.convertShape(VectorOperators.S2I, I, 1));
                a3 = a3.add(m3.convertShape(VectorOperators.S2I, I, 0)).add(m3.convertShape(VectorOperators.S2I, I, 1));
            }
            int s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            int s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; p < in; p++) {
                s0 += xs[p] * wq[r0 + p];
                s1 += xs[p] * wq[r1 + p];
                s2 += xs[p] * wq[r2 + p];
                s3 += xs[p] * wq[r3 + p];
            }
            y[o] = s0 * sx * 0.002f;
            y[o + 1] = s1 * sx * 0.002f;
            y[o + 2] = s2 * sx * 0.002f;
            y[o + 3] = s3 * sx * 0.002f;
        }
    }

    /** Plain loop: does C2 vectorize an int8 dot product by itself (VNNI)? */
    static void a8scalar(float[] x, byte[] qx, byte[] wq, int in, int out, float[] y) {
        float sx = quantizeRow(x, qx, in);
        for (int o = 0; o < out; o++) {
            int s = 0, r = o * in;
            for (int p = 0; p < in; p++) s += qx[p] * wq[r + p];
            y[o] = s * sx * 0.002f;
        }
    }
}
