package dev.greenml.nn;

import dev.greenml.compress.Int8Quantization;

/**
 * A layer whose weight is int8 per output channel: {@link QuantizedLinear}, {@link QuantizedConv2d}.
 * Model files store it as {@code <name>weight} (I8, the float layer's weight shape) and
 * {@code <name>weight_scale} (F32, (out)).
 */
public interface QuantizedLayer {

    /** Parameter-name prefix, e.g. "0." */
    String name();

    /** q (out, rest of the weight shape flattened) and scales (out). */
    Int8Quantization.Quantized weights();

    /** The weight's shape as the float layer has it: (out, in) or (OC, C, KH, KW). */
    int[] weightShape();
}
