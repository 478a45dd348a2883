package dev.greenml.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.tensor.Rng;
import org.junit.jupiter.api.Test;

class Int8QuantizationTest {

    @Test void dequantizedWeightsAreWithinHalfAScalePerChannel() {
        int rows = 13, cols = 37;
        float[] w = new float[rows * cols];
        Rng rng = new Rng(3);
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian() * (1 + i / cols);   // channels of different ranges
        Int8Quantization.Quantized q = Int8Quantization.quantize(w, 0, rows, cols);
        float[] back = q.dequantize();
        for (int c = 0; c < rows; c++) {
            float max = 0;
            for (int p = 0; p < cols; p++) max = Math.max(max, Math.abs(w[c * cols + p]));
            assertThat(q.scales()[c]).isEqualTo(max / 127f);
            boolean extremeHit = false;
            for (int p = 0; p < cols; p++) {
                int i = c * cols + p;
                // scale/2, plus float rounding of the product scale·q (a few ulps of |w|)
                assertThat(Math.abs(back[i] - w[i])).as("channel %d, column %d", c, p)
                        .isLessThanOrEqualTo(q.scales()[c] / 2 + Math.ulp(max) * 2);
                assertThat((int) q.q()[i]).isBetween(-127, 127);
                extremeHit |= Math.abs(q.q()[i]) == 127;
            }
            assertThat(extremeHit).as("the largest |w| of channel %d maps to ±127", c).isTrue();
        }
    }

    @Test void zeroChannelGetsAPositiveScaleAndZeros() {
        float[] w = {0, 0, 0, 1, -2, 0.5f};
        Int8Quantization.Quantized q = Int8Quantization.quantize(w, 0, 2, 3);
        assertThat(q.scales()[0]).isEqualTo(1f);
        assertThat(q.q()).containsExactly(0, 0, 0, 64, -127, 32);   // 1/(2/127) = 63.5 → 64 (ties to even), 0.5 → 31.75 → 32
    }

    @Test void nonFiniteWeightsAreRefused() {
        assertThatThrownBy(() -> Int8Quantization.quantize(new float[] {1, Float.NaN}, 0, 1, 2))
                .hasMessageContaining("weight [0, 1] is NaN");
    }
}
