package dev.greenml.io.safetensors;

/**
 * Conversions between float32 and the reduced-precision formats that model files store:
 * IEEE 754 binary16 (F16), bfloat16 (BF16) and the two 8-bit formats F8_E5M2 and F8_E4M3
 * (the "FN" variant: no infinities, one NaN pattern per sign).
 *
 * <p>Narrowing rounds to nearest, ties to even, like hardware conversion instructions, so a
 * value that is representable comes back unchanged and others take the closer neighbour.
 * Overflow gives infinity; NaN stays NaN and keeps as much of its payload as fits.
 *
 * <p>Written by hand rather than with {@link Float#floatToFloat16}: the JIT may replace that
 * with an instruction that quiets signalling NaNs, and a model file should read the same on
 * every machine. The tests check these against the JDK for every non-NaN value.
 *
 * <p>Example: {@code FloatFormats.floatToHalf(1.0f) == 0x3C00}.
 */
public final class FloatFormats {

    private FloatFormats() {}

    /** binary16 bits (low 16 bits of the result) → float, exactly. */
    public static float halfToFloat(int half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0x1F) {
            // infinity (mantissa 0) or NaN: the 10 payload bits become the top float payload bits
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa · 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // rebias the exponent from 15 to 127
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** float → binary16 bits (0..0xFFFF), rounding to nearest even. */
    public static int floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFF_FFFF;
        if (abs >= 0x7F80_0000) {
            if (abs == 0x7F80_0000) {
                return sign | 0x7C00;
            }
            // NaN: keep the top payload bits; if they are all zero the result would read as
            // infinity, so set the quiet bit instead
            int payload = (abs >>> 13) & 0x3FF;
            return sign | 0x7C00 | (payload == 0 ? 0x200 : payload);
        }
        if (abs >= 0x477F_F000) {
            // ≥ 65520, the midpoint between the largest half (65504) and 65536: rounds to infinity
            return sign | 0x7C00;
        }
        int exponent = abs >>> 23;
        if (exponent >= 113) {
            // normal half: rebias and drop 13 mantissa bits; a carry out of the mantissa
            // correctly bumps the exponent
            int half = ((exponent - 112) << 10) | ((abs >>> 13) & 0x3FF);
            return sign | roundShifted(half, abs & 0x1FFF, 13);
        }
        if (exponent < 102) {
            // below 2^-25 (half the smallest subnormal): rounds to zero
            return sign;
        }
        // subnormal half: the value in units of 2^-24 is significand >> (126 - exponent)
        int significand = (abs & 0x7F_FFFF) | 0x80_0000;
        int shift = 126 - exponent; // 14..24
        int half = significand >>> shift;
        return sign | roundShifted(half, significand & ((1 << shift) - 1), shift);
    }

    /** bfloat16 bits (low 16 bits) → float, exactly (bfloat16 is the top half of a float). */
    public static float bfloat16ToFloat(int bfloat16) {
        return Float.intBitsToFloat((bfloat16 & 0xFFFF) << 16);
    }

    /** float → bfloat16 bits (0..0xFFFF), rounding to nearest even. */
    public static int floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            // NaN: truncate, but keep it a NaN if the surviving payload bits are all zero
            int top = bits >>> 16;
            return (top & 0x7F) == 0 ? top | 0x40 : top;
        }
        // adding 0x7FFF (+1 when the kept part is odd) carries into bit 16 exactly when the
        // dropped half is above the midpoint, or at it with an odd kept part; overflow of the
        // largest finite values lands on infinity, as it should
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    /** F8_E5M2 bits (low 8 bits) → float; the format is the top byte of a binary16. */
    public static float e5m2ToFloat(int e5m2) {
        return halfToFloat((e5m2 & 0xFF) << 8);
    }

    /** F8_E4M3 (FN variant: bias 7, no infinities, S.1111.111 is NaN) bits → float. */
    public static float e4m3ToFloat(int e4m3) {
        int sign = e4m3 & 0x80;
        int exponent = (e4m3 >>> 3) & 0xF;
        int mantissa = e4m3 & 0x7;
        float magnitude;
        if (exponent == 0xF && mantissa == 0x7) {
            magnitude = Float.NaN;
        } else if (exponent == 0) {
            magnitude = mantissa * 0x1p-9f; // subnormal: mantissa/8 · 2^(1-7)
        } else {
            magnitude = Float.intBitsToFloat(((exponent + 120) << 23) | (mantissa << 20));
        }
        return sign == 0 ? magnitude : -magnitude;
    }

    /** Rounds {@code kept} by the {@code bits} dropped bits {@code dropped}: nearest, ties to even. */
    private static int roundShifted(int kept, int dropped, int bits) {
        int midpoint = 1 << (bits - 1);
        if (dropped > midpoint || (dropped == midpoint && (kept & 1) != 0)) {
            return kept + 1;
        }
        return kept;
    }
}
