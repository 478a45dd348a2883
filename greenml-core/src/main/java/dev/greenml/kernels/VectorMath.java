package dev.greenml.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x and tanh x a vector at a time, built from +, −, ×, ÷ and bit shifts only, so that the
 * result does not depend on the JIT. The JDK's {@code lanewise(EXP)} and {@code lanewise(TANH)}
 * are intrinsics once C2 compiles a loop (short-vector math library routines) and per-lane
 * {@code Math} calls before that; the two differ in the last bits, so one training step gave
 * different parameters cold and warm, and a run resumed from a checkpoint in a fresh JVM drifted
 * from the uninterrupted run. IEEE-754 makes every operation used here exact-rounded and the
 * same in the interpreter, C1 and C2.
 *
 * <p>Method: x = n·ln 2 + r with n = round(x / ln 2) and |r| ≤ ln 2 / 2 (ln 2 split in a
 * high part with few bits, so n·ln2_hi is exact, and a low part); e^r by its Taylor series to
 * r⁷/7! (the next term is below 7.5e-9 relative, a sixteenth of a float ulp); then × 2^n built
 * in the exponent bits. Arguments are clamped to [−87, 88] so 2^n stays a normal float:
 * e^−87 ≈ 1.6e−38 stands for anything smaller (a softmax weight that small is 0 for all
 * purposes), e^88 ≈ 1.7e38 for anything larger (tanh is then exactly ±1 in float). Measured
 * against double-precision Math (VectorMathTest's grids): exp within 1.12 float ulps over
 * [−87, 88], tanh within 1.8e−7 absolute over [−12, 12].
 *
 * <p>The scalar twins do the same operations in the same order, so a vector lane and a loop's
 * scalar tail give identical results for identical inputs.
 */
public final class VectorMath {

    private VectorMath() {}

    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;        // 355/512: n·LN2_HI is exact for |n| < 2^15
    private static final float LN2_LO = -2.12194440e-4f;     // ln 2 − LN2_HI
    private static final float ROUNDER = 12582912f;          // 1.5·2^23: t + ROUNDER rounds t to an integer
    private static final int ROUNDER_BITS = 0x4B400000;      // its bits: an integer n ↔ bits of ROUNDER + n
    private static final float LO = -87f, HI = 88f;
    private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /** e^x per lane (x clamped to [−87, 88]; NaN stays NaN). */
    public static FloatVector exp(FloatVector x) {
        x = x.max(LO).min(HI);
        FloatVector t = x.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.mul(C7).add(C6).mul(r).add(C5).mul(r).add(C4).mul(r).add(C3).mul(r).add(C2).mul(r).add(1f).mul(r).add(1f);
        IntVector bits = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** e^x, the same operations as {@link #exp(FloatVector)}'s lanes. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, LO), HI);
        float t = x * LOG2E + ROUNDER;
        float n = t - ROUNDER;
        float r = x - n * LN2_HI - n * LN2_LO;
        float p = ((((((C7 * r + C6) * r + C5) * r + C4) * r + C3) * r + C2) * r + 1f) * r + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUNDER_BITS - 127)) << 23);
    }

    /** tanh u = 1 − 2/(e^{2u} + 1) per lane: saturates to ±1, odd to within an ulp. */
    public static FloatVector tanh(FloatVector u) {
        FloatVector two = FloatVector.broadcast(u.species(), 2f);
        return two.div(exp(u.mul(2f)).add(1f)).neg().add(1f);
    }

    /** The scalar twin of {@link #tanh(FloatVector)}. */
    public static float tanh(float u) {
        return 1f - 2f / (exp(2f * u) + 1f);
    }

    /** The lanes added in lane order (reduceLanes(ADD) may add in another order once C2 compiles it). */
    public static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
