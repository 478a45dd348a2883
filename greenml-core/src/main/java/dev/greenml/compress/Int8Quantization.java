package dev.greenml.compress;

/**
 * Symmetric per-output-channel int8 quantization of a weight matrix W (out, in):
 * <pre>
 *   scale_c = max_p |W[c, p]| / 127            (one float32 per output channel)
 *   q[c, p] = clamp(round(W[c, p] / scale_c), −127, 127)      round: half to even
 *   W ≈ scale_c · q[c, p],   |W − scale_c · q| ≤ scale_c / 2
 * </pre>
 * −128 is never used, so the range is symmetric and negation cannot overflow. A row of zeros
 * (e.g. a pruned channel) gets scale 1 and q = 0: any positive scale represents it exactly, and
 * model files reject scales ≤ 0.
 *
 * <pre>{@code
 * Int8Quantization.Quantized q = Int8Quantization.quantize(w, 0, 256, 784);
 * float[] back = q.dequantize();
 * }</pre>
 */
public final class Int8Quantization {

    /** The scheme's name in model-file metadata. */
    public static final String SCHEME = "int8-symmetric-per-channel";

    private Int8Quantization() {}

    /** Quantized weights: q (rows, cols) row-major and scales (rows). */
    public record Quantized(byte[] q, float[] scales, int rows, int cols) {
        public Quantized {
            if (q.length != (long) rows * cols || scales.length != rows) {
                throw new IllegalArgumentException("quantized (" + rows + ", " + cols + ") needs " + (long) rows * cols
                        + " int8 values and " + rows + " scales, got " + q.length + " and " + scales.length);
            }
        }

        /** scale_c · q[c, p] as float32 (rows, cols). */
        public float[] dequantize() {
            float[] w = new float[q.length];
            for (int c = 0; c < rows; c++) {
                for (int p = 0; p < cols; p++) w[c * cols + p] = scales[c] * q[c * cols + p];
            }
            return w;
        }
    }

    /** Quantizes W = w[off .. off + rows·cols) seen as (rows, cols); every value must be finite. */
    public static Quantized quantize(float[] w, int off, int rows, int cols) {
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows];
        for (int c = 0; c < rows; c++) {
            int row = off + c * cols;
            float max = 0f;
            for (int p = 0; p < cols; p++) {
                float v = w[row + p];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("cannot quantize: weight [" + c + ", " + p + "] is " + v
                            + "; the model holds non-finite weights (retrain or check the file)");
                }
                max = Math.max(max, Math.abs(v));
            }
            float scale = max == 0f ? 1f : max / 127f;
            scales[c] = scale;
            for (int p = 0; p < cols; p++) {
                float r = (float) Math.rint(w[row + p] / scale);
                q[c * cols + p] = (byte) Math.max(-127f, Math.min(127f, r));
            }
        }
        return new Quantized(q, scales, rows, cols);
    }
}
