package dev.greenml.io.safetensors;

import static dev.greenml.io.safetensors.FloatFormats.bfloat16ToFloat;
import static dev.greenml.io.safetensors.FloatFormats.e4m3ToFloat;
import static dev.greenml.io.safetensors.FloatFormats.e5m2ToFloat;
import static dev.greenml.io.safetensors.FloatFormats.floatToBfloat16;
import static dev.greenml.io.safetensors.FloatFormats.floatToHalf;
import static dev.greenml.io.safetensors.FloatFormats.halfToFloat;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Golden values worked out by hand from the IEEE 754 / bfloat16 / OCP FP8 bit layouts. */
class SafeTensorsFloatFormatsTest {

    private static float bits(int b) {
        return Float.intBitsToFloat(b);
    }

    @Test
    void halfEncodingMatchesHandComputedGoldenValues() {
        assertThat(floatToHalf(1.0f)).isEqualTo(0x3C00);
        assertThat(floatToHalf(-2.0f)).isEqualTo(0xC000);
        assertThat(floatToHalf(65504f)).isEqualTo(0x7BFF);          // largest finite half
        assertThat(floatToHalf(1f / 3)).isEqualTo(0x3555);
        assertThat(floatToHalf(0.1f)).isEqualTo(0x2E66);
        assertThat(floatToHalf(0.0f)).isEqualTo(0x0000);
        assertThat(floatToHalf(-0.0f)).isEqualTo(0x8000);
        assertThat(floatToHalf(0x1p-14f)).isEqualTo(0x0400);         // smallest normal
        assertThat(floatToHalf(1023 * 0x1p-24f)).isEqualTo(0x03FF);  // largest subnormal
        assertThat(floatToHalf(0x1p-24f)).isEqualTo(0x0001);         // smallest subnormal
    }

    @Test
    void halfEncodingRoundsToNearestEvenAndOverflowsToInfinity() {
        assertThat(floatToHalf(65519f)).isEqualTo(0x7BFF);       // below the midpoint 65520
        assertThat(floatToHalf(65520f)).isEqualTo(0x7C00);       // midpoint, 0x7BFF is odd → up
        assertThat(floatToHalf(1e6f)).isEqualTo(0x7C00);
        assertThat(floatToHalf(-1e6f)).isEqualTo(0xFC00);
        assertThat(floatToHalf(Float.POSITIVE_INFINITY)).isEqualTo(0x7C00);
        assertThat(floatToHalf(Float.NEGATIVE_INFINITY)).isEqualTo(0xFC00);
        assertThat(floatToHalf(1 + 0x1p-11f)).isEqualTo(0x3C00);     // tie → even (down)
        assertThat(floatToHalf(1 + 3 * 0x1p-11f)).isEqualTo(0x3C02); // tie → even (up)
        assertThat(floatToHalf(0x1p-25f)).isEqualTo(0x0000);         // tie with 0 → 0
        assertThat(floatToHalf(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
        assertThat(floatToHalf(3 * 0x1p-25f)).isEqualTo(0x0002);     // tie between 1 and 2 units
        assertThat(floatToHalf(Float.MIN_VALUE)).isEqualTo(0x0000);
        // just below 2^-14 rounds up into the smallest normal
        assertThat(floatToHalf(Math.nextDown(0x1p-14f))).isEqualTo(0x0400);
    }

    @Test
    void halfNanStaysNanWithItsPayload() {
        assertThat(floatToHalf(Float.NaN)).isEqualTo(0x7E00);
        assertThat(floatToHalf(bits(0xFFC0_2000))).isEqualTo(0xFE01);
        // a payload only in the low bits would vanish and read as infinity: stays NaN instead
        assertThat(floatToHalf(bits(0x7F80_0001)) & 0x3FF).isNotZero();
    }

    @Test
    void halfDecodingMatchesHandComputedGoldenValues() {
        assertThat(halfToFloat(0x3C00)).isEqualTo(1.0f);
        assertThat(halfToFloat(0x7BFF)).isEqualTo(65504f);
        assertThat(halfToFloat(0x3555)).isEqualTo(0.333251953125f);
        assertThat(halfToFloat(0x0001)).isEqualTo(0x1p-24f);
        assertThat(halfToFloat(0x8001)).isEqualTo(-0x1p-24f);
        assertThat(Float.floatToRawIntBits(halfToFloat(0x8000))).isEqualTo(0x8000_0000);
        assertThat(halfToFloat(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(halfToFloat(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(halfToFloat(0x7E00)).isNaN();
    }

    @Test
    void everyHalfSurvivesTheRoundTripThroughFloatBitForBit() {
        for (int h = 0; h <= 0xFFFF; h++) {
            assertThat(floatToHalf(halfToFloat(h))).as("half 0x%04X", h).isEqualTo(h);
        }
    }

    @Test
    void halfConversionsAgreeWithTheJdkForEveryNonNanValue() {
        for (int h = 0; h <= 0xFFFF; h++) {
            float jdk = Float.float16ToFloat((short) h);
            if (!Float.isNaN(jdk)) {
                assertThat(Float.floatToRawIntBits(halfToFloat(h))).as("half 0x%04X", h)
                        .isEqualTo(Float.floatToRawIntBits(jdk));
            }
        }
        // a stride through all 2^32 float bit patterns, odd so every exponent and many
        // mantissa/rounding cases are hit
        for (long b = 0; b <= 0xFFFF_FFFFL; b += 997) {
            float f = Float.intBitsToFloat((int) b);
            if (!Float.isNaN(f)) {
                assertThat(floatToHalf(f)).as("float bits 0x%08X", b)
                        .isEqualTo(Float.floatToFloat16(f) & 0xFFFF);
            }
        }
    }

    @Test
    void bfloat16EncodingMatchesHandComputedGoldenValues() {
        assertThat(floatToBfloat16(1.0f)).isEqualTo(0x3F80);
        assertThat(floatToBfloat16(1f / 3)).isEqualTo(0x3EAB);        // 0x3EAAAAAB rounds up
        assertThat(floatToBfloat16(-0.0f)).isEqualTo(0x8000);
        assertThat(floatToBfloat16(bits(0x3F80_8000))).isEqualTo(0x3F80); // tie → even
        assertThat(floatToBfloat16(bits(0x3F81_8000))).isEqualTo(0x3F82); // tie → even
        assertThat(floatToBfloat16(bits(0x3F80_8001))).isEqualTo(0x3F81);
        assertThat(floatToBfloat16(bits(0x7F7F_0000))).isEqualTo(0x7F7F); // largest bf16
        assertThat(floatToBfloat16(Float.MAX_VALUE)).isEqualTo(0x7F80);    // overflow → inf
        assertThat(floatToBfloat16(-Float.MAX_VALUE)).isEqualTo(0xFF80);
        assertThat(floatToBfloat16(Float.NEGATIVE_INFINITY)).isEqualTo(0xFF80);
        assertThat(floatToBfloat16(bits(0x0001_0000))).isEqualTo(0x0001);  // smallest subnormal
        assertThat(floatToBfloat16(bits(0x0000_8000))).isEqualTo(0x0000);  // tie with 0 → 0
        assertThat(floatToBfloat16(bits(0x0001_8000))).isEqualTo(0x0002);
        assertThat(floatToBfloat16(Float.NaN)).isEqualTo(0x7FC0);
        assertThat(floatToBfloat16(bits(0x7F80_0001))).isEqualTo(0x7FC0);  // stays NaN
        assertThat(floatToBfloat16(bits(0xFFA1_2345))).isEqualTo(0xFFA1);  // payload kept
    }

    @Test
    void everyBfloat16SurvivesTheRoundTripThroughFloatBitForBit() {
        for (int b = 0; b <= 0xFFFF; b++) {
            assertThat(floatToBfloat16(bfloat16ToFloat(b))).as("bf16 0x%04X", b).isEqualTo(b);
        }
        assertThat(bfloat16ToFloat(0x3EAB)).isEqualTo(0.333984375f);
    }

    @Test
    void eightBitFloatsDecodeAsTheirSpecificationDefines() {
        // E5M2 is the top byte of a half
        assertThat(e5m2ToFloat(0x3C)).isEqualTo(1.0f);
        assertThat(e5m2ToFloat(0x7B)).isEqualTo(57344f);
        assertThat(e5m2ToFloat(0x7C)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(e5m2ToFloat(0x01)).isEqualTo(0x1p-16f);
        assertThat(e5m2ToFloat(0xFE)).isNaN();
        // E4M3 "FN": bias 7, no infinities, largest 448, S.1111.111 is NaN
        assertThat(e4m3ToFloat(0x38)).isEqualTo(1.0f);
        assertThat(e4m3ToFloat(0x7E)).isEqualTo(448f);
        assertThat(e4m3ToFloat(0x78)).isEqualTo(256f);
        assertThat(e4m3ToFloat(0x01)).isEqualTo(0x1p-9f);
        assertThat(e4m3ToFloat(0x08)).isEqualTo(0x1p-6f);
        assertThat(e4m3ToFloat(0xB8)).isEqualTo(-1.0f);
        assertThat(e4m3ToFloat(0x7F)).isNaN();
        assertThat(e4m3ToFloat(0xFF)).isNaN();
    }
}
