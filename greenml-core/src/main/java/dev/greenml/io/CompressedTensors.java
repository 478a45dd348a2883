package dev.greenml.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.compress.Int8Quantization;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.TensorEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How compressed weights are laid out in a model file, and their validation on load. Plain
 * safetensors throughout, so other tools can still read every tensor.
 *
 * <h2>int8 (metadata {@value #QUANTIZATION})</h2>
 * <pre>
 *   0.weight        I8  (out, in) or (out, c, kh, kw)   q = clamp(round(W / scale), −127, 127)
 *   0.weight_scale  F32 (out)       scale_c = max|W_c| / 127 &gt; 0
 *   greenml.quantization = {"scheme":"int8-symmetric-per-channel","tensors":["0.weight",...],
 *                           "activations":"float32","scale_suffix":"_scale"}
 * </pre>
 * W ≈ scale_c · q[c, :]. Activations are not quantized (see docs/compression.md), so no
 * calibration data is stored.
 *
 * <h2>sparse (metadata {@value #SPARSE})</h2>
 * <pre>
 *   0.weight_mask    U8  (⌈n/8⌉)    bit i (byte i/8, bit i%8, least significant first) set when
 *                                   element i of the row-major weight is non-zero; pad bits 0
 *   0.weight_values  F32|F16|BF16 (nnz)  the non-zero values in row-major order
 *   greenml.sparse = {"format":"bitmask-v1","tensors":{"0.weight":[out,in],...}}
 * </pre>
 * n/8 + 4·nnz bytes instead of 4·n: smaller from about 3% zeros on; a tensor is stored this way
 * only when it is smaller than dense in the chosen dtype.
 */
public final class CompressedTensors {

    public static final String QUANTIZATION = "greenml.quantization";
    public static final String SPARSE = "greenml.sparse";
    public static final String SCALE_SUFFIX = "_scale";
    public static final String MASK_SUFFIX = "_mask";
    public static final String VALUES_SUFFIX = "_values";
    public static final String SPARSE_FORMAT = "bitmask-v1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CompressedTensors() {}

    /** A file's tensors after decoding: dense float tensors by name, and int8 weights by name. */
    public record Decoded(Map<String, TensorEntry> dense, Map<String, Int8Quantization.Quantized> quantized,
                          Map<String, long[]> quantizedShapes) {}

    // ------------------------------------------------------------------ writing

    /** The two entries of an int8 weight. */
    public static List<TensorEntry> int8Entries(String weightName, long[] shape, Int8Quantization.Quantized q) {
        return List.of(TensorEntry.ofInt8(weightName, shape, q.q()),
                TensorEntry.ofFloats(weightName + SCALE_SUFFIX, new long[] {q.rows()}, q.scales()));
    }

    public static String quantizationMetadata(List<String> weightNames) {
        ObjectNode o = JSON.createObjectNode();
        o.put("scheme", Int8Quantization.SCHEME);
        weightNames.forEach(o.putArray("tensors")::add);
        o.put("scale_suffix", SCALE_SUFFIX);
        o.put("activations", "float32 (weight-only int8; weights widened to float inside the kernel)");
        return o.toString();
    }

    /** Mask and values of {@code values} (stored in {@code dtype}), or null when dense would be no larger. */
    public static List<TensorEntry> sparseEntries(String name, long[] shape, float[] values, DType dtype) {
        int n = values.length, nnz = 0;
        byte[] mask = new byte[(n + 7) / 8];
        for (int i = 0; i < n; i++) {
            if (values[i] != 0f) {   // -0.0 counts as zero: it compares equal and reloads as +0.0
                mask[i >>> 3] |= (byte) (1 << (i & 7));
                nnz++;
            }
        }
        if (mask.length + (long) nnz * dtype.byteSize() >= (long) n * dtype.byteSize()) return null;
        float[] packed = new float[nnz];
        for (int i = 0, k = 0; i < n; i++) if (values[i] != 0f) packed[k++] = values[i];
        return List.of(TensorEntry.ofBytes(name + MASK_SUFFIX, DType.U8, new long[] {mask.length}, mask),
                TensorEntry.ofFloatsAs(name + VALUES_SUFFIX, new long[] {nnz}, packed, dtype));
    }

    public static String sparseMetadata(Map<String, long[]> shapes) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", SPARSE_FORMAT);
        ObjectNode t = o.putObject("tensors");
        shapes.forEach((name, shape) -> {
            var a = t.putArray(name);
            for (long d : shape) a.add(d);
        });
        return o.toString();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Splits a file's tensors into dense floats (sparse ones expanded) and int8 weights, checking
     * everything the metadata promises; any inconsistency is one {@link ModelFileException}.
     */
    public static Decoded decode(String where, Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        Map<String, TensorEntry> dense = new LinkedHashMap<>(tensors);
        Map<String, Int8Quantization.Quantized> quantized = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        String q = metadata.get(QUANTIZATION);
        if (q != null) {
            JsonNode o = parse(where, QUANTIZATION, q);
            String scheme = o.path("scheme").asText("");
            if (!scheme.equals(Int8Quantization.SCHEME)) {
                throw new ModelFileException(where + ": " + QUANTIZATION + " scheme '" + scheme + "' is not supported"
                        + " (this greenml reads '" + Int8Quantization.SCHEME + "'); re-quantize the float model with 'greenml quantize'");
            }
            for (String name : names(where, QUANTIZATION, o.path("tensors"))) {
                TensorEntry w = dense.remove(name);
                quantized.put(name, int8(where, name, w, dense.remove(name + SCALE_SUFFIX)));
                shapes.put(name, w.shape());
            }
        }
        String s = metadata.get(SPARSE);
        if (s != null) {
            JsonNode o = parse(where, SPARSE, s);
            if (!o.path("format").asText("").equals(SPARSE_FORMAT)) {
                throw new ModelFileException(where + ": " + SPARSE + " format '" + o.path("format").asText("")
                        + "' is not supported (this greenml reads '" + SPARSE_FORMAT + "')");
            }
            JsonNode t = o.path("tensors");
            if (!t.isObject()) throw new ModelFileException(where + ": " + SPARSE + " needs \"tensors\": {name: shape}");
            for (var it = t.fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey();
                long[] shape = shape(where, name, e.getValue());
                dense.put(name, sparse(where, name, shape, dense.remove(name + MASK_SUFFIX), dense.remove(name + VALUES_SUFFIX)));
            }
        }
        for (TensorEntry e : dense.values()) {
            if (e.dtype() == DType.I8) {
                throw new ModelFileException(where + ": tensor '" + e.name() + "' is I8 but the metadata '" + QUANTIZATION
                        + "' does not list it as a quantized weight, so its scale is unknown");
            }
        }
        return new Decoded(dense, quantized, shapes);
    }

    private static Int8Quantization.Quantized int8(String where, String name, TensorEntry w, TensorEntry scale) {
        String fix = "; the file is damaged or was edited: re-create it with 'greenml quantize'";
        if (w == null) throw new ModelFileException(where + ": quantized weight '" + name + "' is listed in " + QUANTIZATION + " but missing" + fix);
        if (w.dtype() != DType.I8 || w.shape().length < 2 || w.shape()[0] == 0) {
            throw new ModelFileException(where + ": quantized weight '" + name + "' must be I8 (out, in) or (out, c, kh, kw), got "
                    + w.dtype() + " " + Arrays.toString(w.shape()) + fix);
        }
        int rows = (int) w.shape()[0], cols = (int) (w.elementCount() / rows);
        String sn = name + SCALE_SUFFIX;
        if (scale == null) throw new ModelFileException(where + ": quantized weight '" + name + "' has no scale tensor '" + sn + "'" + fix);
        if (scale.dtype() != DType.F32) {
            throw new ModelFileException(where + ": scale tensor '" + sn + "' must be F32, got " + scale.dtype() + fix);
        }
        if (scale.shape().length != 1 || scale.shape()[0] != rows) {
            throw new ModelFileException(where + ": scale tensor '" + sn + "' has shape " + Arrays.toString(scale.shape())
                    + " but '" + name + "' has " + rows + " output channels, so it needs exactly " + rows + " scales [" + rows + "]" + fix);
        }
        float[] scales = scale.toFloats();
        for (int c = 0; c < rows; c++) {
            if (!(scales[c] > 0f) || Float.isInfinite(scales[c])) {
                throw new ModelFileException(where + ": scale tensor '" + sn + "' holds " + scales[c] + " at channel " + c
                        + "; every scale must be a finite number > 0" + fix);
            }
        }
        return new Int8Quantization.Quantized(w.toInt8(), scales, rows, cols);
    }

    private static TensorEntry sparse(String where, String name, long[] shape, TensorEntry mask, TensorEntry values) {
        String fix = "; the file is damaged or was edited: re-create it with 'greenml prune'";
        long n = 1;
        for (long d : shape) n *= d;
        if (mask == null || values == null) {
            throw new ModelFileException(where + ": sparse tensor '" + name + "' needs '" + name + MASK_SUFFIX + "' and '"
                    + name + VALUES_SUFFIX + "'; " + (mask == null ? "the mask" : "the values") + " is missing" + fix);
        }
        if (mask.dtype() != DType.U8 || mask.elementCount() != (n + 7) / 8) {
            throw new ModelFileException(where + ": '" + name + MASK_SUFFIX + "' must be U8 [" + (n + 7) / 8 + "] for shape "
                    + Arrays.toString(shape) + ", got " + mask.dtype() + " " + Arrays.toString(mask.shape()) + fix);
        }
        if (values.dtype() != DType.F32 && values.dtype() != DType.F16 && values.dtype() != DType.BF16) {
            throw new ModelFileException(where + ": '" + name + VALUES_SUFFIX + "' must be F32, F16 or BF16, got " + values.dtype() + fix);
        }
        byte[] bits = mask.data();
        long set = 0;
        for (byte b : bits) set += Integer.bitCount(b & 0xFF);
        int pad = (int) (bits.length * 8L - n);
        if (pad > 0 && (bits[bits.length - 1] & 0xFF) >>> (8 - pad) != 0) {
            throw new ModelFileException(where + ": '" + name + MASK_SUFFIX + "' sets bits past the tensor's " + n + " elements" + fix);
        }
        if (set != values.elementCount()) {
            throw new ModelFileException(where + ": '" + name + MASK_SUFFIX + "' marks " + set + " non-zero elements but '"
                    + name + VALUES_SUFFIX + "' holds " + values.elementCount() + fix);
        }
        float[] packed = values.toFloats(), out = new float[(int) n];
        for (int i = 0, k = 0; i < n; i++) if ((bits[i >>> 3] >>> (i & 7) & 1) != 0) out[i] = packed[k++];
        return TensorEntry.ofFloats(name, shape, out);
    }

    private static JsonNode parse(String where, String key, String text) {
        try {
            JsonNode o = JSON.readTree(text);
            if (o == null || !o.isObject()) throw new ModelFileException(where + ": metadata '" + key + "' must be a JSON object");
            return o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelFileException(where + ": metadata '" + key + "' is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static List<String> names(String where, String key, JsonNode a) {
        if (!a.isArray()) throw new ModelFileException(where + ": metadata '" + key + "' needs \"tensors\": [names]");
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) throw new ModelFileException(where + ": metadata '" + key + "' lists " + n + ", not a tensor name");
            out.add(n.asText());
        }
        return out;
    }

    private static long[] shape(String where, String name, JsonNode a) {
        if (!a.isArray() || a.isEmpty()) throw new ModelFileException(where + ": " + SPARSE + ": the shape of '" + name + "' must be an array of sizes");
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            if (!a.get(i).canConvertToLong() || a.get(i).asLong() < 0) {
                throw new ModelFileException(where + ": " + SPARSE + ": the shape of '" + name + "' holds " + a.get(i) + ", not a size");
            }
            s[i] = a.get(i).asLong();
        }
        return s;
    }
}
