package dev.greenml.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.compress.Int8Quantization;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The int8 kernel against a float64 reference computed from the dequantized weights, on the
 * direct (m ≤ 4) and the widen-then-sgemm paths, on both backends, with odd sizes that exercise
 * every vector tail.
 */
class Int8GemmTest extends OnEveryBackend {


    @ParameterizedTest @MethodSource("backends")
    void equalsFloatReferenceFromDequantizedWeights(Backend b) {
        Backends.setCurrent(b);
        int[][] shapes = {{1, 37, 13}, {1, 784, 70}, {3, 50, 9}, {4, 16, 4}, {5, 33, 67}, {64, 100, 130}, {1, 1024, 2048}};   // the last is above the threading threshold
        for (int[] s : shapes) {
            int m = s[0], in = s[1], out = s[2];
            SplittableRandom r = new SplittableRandom(m * 31L + in);
            float[] x = new float[m * in + 3], w = new float[out * in], bias = new float[out + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.1f;
            for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian();
            Int8Quantization.Quantized q = Int8Quantization.quantize(w, 0, out, in);
            float[] wd = q.dequantize();
            for (boolean withBias : new boolean[] {true, false}) {
                for (int threads : new int[] {1, 2}) {
                    if ((long) m * in * out >= Int8Gemm.PARALLEL_MIN_MACS && (threads == 1 || !withBias)) continue;   // slow before C2: once
                    float[] y = new float[m * out + 1];
                    y[m * out] = 42f;   // past the end: must stay
                    Int8Gemm.linear(m, in, out, x, 3, q.q(), q.scales(), withBias ? bias : null, 2, y, 0, threads);
                    for (int i = 0; i < m; i++) {
                        for (int o = 0; o < out; o++) {
                            double ref = withBias ? bias[2 + o] : 0, mag = 0;
                            for (int p = 0; p < in; p++) {
                                ref += (double) x[3 + i * in + p] * wd[o * in + p];
                                mag += Math.abs((double) x[3 + i * in + p] * wd[o * in + p]);
                            }
                            assertThat((double) y[i * out + o]).as("m=%d in=%d out=%d y[%d,%d] threads %d", m, in, out, i, o, threads)
                                    .isCloseTo(ref, within(1e-5 * mag + 1e-6));
                        }
                    }
                    assertThat(y[m * out]).isEqualTo(42f);
                }
            }
        }
    }
}
