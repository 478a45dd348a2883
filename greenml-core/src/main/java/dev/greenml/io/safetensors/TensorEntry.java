package dev.greenml.io.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor as a model file stores it: element type, shape (row-major, C order) and the
 * raw little-endian bytes. Conversions to and from Java arrays live here so that callers never
 * handle byte order or reduced-precision formats themselves.
 *
 * <p>The constructor checks that the bytes match the shape: {@code product(shape) ·
 * dtype.byteSize() == data.length}. A scalar has shape {@code []} (one element); a shape
 * containing 0 has no elements and no bytes.
 *
 * <p>{@code data} is kept as given and {@link #data()} returns it without copying, because
 * weights can be hundreds of megabytes; treat it as read-only. The shape is copied both ways.
 *
 * <pre>{@code
 * TensorEntry w = TensorEntry.ofFloats("fc1.weight", new long[] {200, 1000}, weights);
 * TensorEntry h = TensorEntry.ofFloatsAs("fc1.weight", new long[] {200, 1000}, weights, DType.BF16);
 * float[] back = h.toFloats(); // each value rounded to the nearest bfloat16
 * }</pre>
 *
 * @param name  the tensor's key in the file header
 * @param dtype element type
 * @param shape dimensions, outermost first; each ≥ 0
 * @param data  little-endian element bytes, row-major
 */
public record TensorEntry(String name, DType dtype, long[] shape, byte[] data) {

    /** Java arrays hold at most this many elements; a tensor must fit in one array. */
    static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    public TensorEntry {
        Objects.requireNonNull(name, "tensor name");
        Objects.requireNonNull(dtype, () -> "dtype of tensor '" + name + "'");
        Objects.requireNonNull(shape, () -> "shape of tensor '" + name + "'");
        Objects.requireNonNull(data, () -> "data of tensor '" + name + "'");
        shape = shape.clone();
        long expected = byteSize(name, dtype, shape);
        if (expected != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' " + dtype + " shape "
                    + Arrays.toString(shape) + " needs " + expected + " bytes but got "
                    + data.length + " bytes; the data does not match the shape");
        }
    }

    /** A float32 tensor holding exactly {@code values} (bit for bit, NaN payloads included). */
    public static TensorEntry ofFloats(String name, long[] shape, float[] values) {
        return ofFloatsAs(name, shape, values, DType.F32);
    }

    /**
     * A tensor that stores {@code values} as F32 (exactly), F16 or BF16 (each value rounded to
     * the nearest representable one, ties to even; too large becomes infinity).
     */
    public static TensorEntry ofFloatsAs(String name, long[] shape, float[] values, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("tensor '" + name
                    + "': floats can be stored as F32, F16 or BF16, not " + dtype);
        }
        ByteBuffer buffer = allocate(values.length, dtype);
        switch (dtype) {
            case F32 -> buffer.asFloatBuffer().put(values);
            case F16 -> {
                for (float v : values) buffer.putShort((short) FloatFormats.floatToHalf(v));
            }
            case BF16 -> {
                for (float v : values) buffer.putShort((short) FloatFormats.floatToBfloat16(v));
            }
            default -> throw new AssertionError(dtype);
        }
        return new TensorEntry(name, dtype, shape, buffer.array());
    }

    /** A float64 tensor holding exactly {@code values}. */
    public static TensorEntry ofDoubles(String name, long[] shape, double[] values) {
        ByteBuffer buffer = allocate(values.length, DType.F64);
        buffer.asDoubleBuffer().put(values);
        return new TensorEntry(name, DType.F64, shape, buffer.array());
    }

    /** An I32 tensor. */
    public static TensorEntry ofInts(String name, long[] shape, int[] values) {
        ByteBuffer buffer = allocate(values.length, DType.I32);
        buffer.asIntBuffer().put(values);
        return new TensorEntry(name, DType.I32, shape, buffer.array());
    }

    /** An I64 tensor. */
    public static TensorEntry ofLongs(String name, long[] shape, long[] values) {
        ByteBuffer buffer = allocate(values.length, DType.I64);
        buffer.asLongBuffer().put(values);
        return new TensorEntry(name, DType.I64, shape, buffer.array());
    }

    /** An I8 tensor (quantized weights); {@code values} is copied. */
    public static TensorEntry ofInt8(String name, long[] shape, byte[] values) {
        return new TensorEntry(name, DType.I8, shape, values.clone());
    }

    /**
     * A tensor of any dtype from its raw little-endian bytes, e.g. U8 pixels, BOOL masks or
     * F8 values quantized elsewhere; {@code data} is copied.
     */
    public static TensorEntry ofBytes(String name, DType dtype, long[] shape, byte[] data) {
        return new TensorEntry(name, dtype, shape, data.clone());
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public long elementCount() {
        return data.length / dtype.byteSize();
    }

    /**
     * The values as floats, converted from any dtype: floating formats exactly where float32
     * can hold them (F64 rounds to nearest), integers by value (I32/I64/U32/U64 beyond 2^24
     * round), BOOL as 0 or 1.
     */
    public float[] toFloats() {
        int n = (int) elementCount();
        float[] out = new float[n];
        ByteBuffer in = littleEndian();
        switch (dtype) {
            case F32 -> in.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = FloatFormats.halfToFloat(in.getShort() & 0xFFFF);
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out[i] = FloatFormats.bfloat16ToFloat(in.getShort());
            }
            case F8_E5M2 -> {
                for (int i = 0; i < n; i++) out[i] = FloatFormats.e5m2ToFloat(in.get());
            }
            case F8_E4M3 -> {
                for (int i = 0; i < n; i++) out[i] = FloatFormats.e4m3ToFloat(in.get());
            }
            default -> {
                double[] wide = toDoubles();
                for (int i = 0; i < n; i++) out[i] = (float) wide[i];
            }
        }
        return out;
    }

    /** The values as doubles, exact for every dtype except I64/U64 beyond 2^53. */
    public double[] toDoubles() {
        int n = (int) elementCount();
        double[] out = new double[n];
        ByteBuffer in = littleEndian();
        switch (dtype) {
            case F64 -> in.asDoubleBuffer().get(out);
            case F32, F16, BF16, F8_E5M2, F8_E4M3 -> {
                float[] narrow = toFloats();
                for (int i = 0; i < n; i++) out[i] = narrow[i];
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) out[i] = in.get() != 0 ? 1 : 0;
            }
            case U8 -> {
                for (int i = 0; i < n; i++) out[i] = in.get() & 0xFF;
            }
            case I8 -> {
                for (int i = 0; i < n; i++) out[i] = in.get();
            }
            case I16 -> {
                for (int i = 0; i < n; i++) out[i] = in.getShort();
            }
            case U16 -> {
                for (int i = 0; i < n; i++) out[i] = in.getShort() & 0xFFFF;
            }
            case I32 -> {
                for (int i = 0; i < n; i++) out[i] = in.getInt();
            }
            case U32 -> {
                for (int i = 0; i < n; i++) out[i] = Integer.toUnsignedLong(in.getInt());
            }
            case I64 -> {
                for (int i = 0; i < n; i++) out[i] = in.getLong();
            }
            case U64 -> {
                for (int i = 0; i < n; i++) out[i] = unsignedToDouble(in.getLong());
            }
        }
        return out;
    }

    /** The values of an I8 tensor (a copy); other dtypes are refused rather than reinterpreted. */
    public byte[] toInt8() {
        requireDtype(DType.I8);
        return data.clone();
    }

    /** The values of an I32 tensor. */
    public int[] toInts() {
        requireDtype(DType.I32);
        int[] out = new int[(int) elementCount()];
        littleEndian().asIntBuffer().get(out);
        return out;
    }

    /** The values of an I64 tensor. */
    public long[] toLongs() {
        requireDtype(DType.I64);
        long[] out = new long[(int) elementCount()];
        littleEndian().asLongBuffer().get(out);
        return out;
    }

    /** Equal when name, dtype, shape and every data byte are equal (so NaN payloads count). */
    @Override
    public boolean equals(Object other) {
        return other instanceof TensorEntry that
                && name.equals(that.name)
                && dtype == that.dtype
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** Summary without the data: {@code TensorEntry[fc1.weight F32 [200, 1000], 800000 bytes]}. */
    @Override
    public String toString() {
        return "TensorEntry[" + name + " " + dtype + " " + Arrays.toString(shape) + ", "
                + data.length + " bytes]";
    }

    /**
     * Bytes a tensor of this dtype and shape occupies; throws if a dimension is negative, the
     * product overflows, or it would not fit in one Java array.
     */
    static long byteSize(String name, DType dtype, long[] shape) {
        long elements = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' shape "
                        + Arrays.toString(shape) + " has a negative dimension");
            }
            try {
                elements = Math.multiplyExact(elements, dim);
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException("tensor '" + name + "' shape "
                        + Arrays.toString(shape) + " has more than 2^63 elements");
            }
        }
        if (elements > MAX_ARRAY_LENGTH / dtype.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "' " + dtype + " shape "
                    + Arrays.toString(shape) + " has " + elements + " elements, more than one"
                    + " Java array holds (2 GiB); split it into smaller tensors");
        }
        return elements * dtype.byteSize();
    }

    private static ByteBuffer allocate(int elements, DType dtype) {
        return ByteBuffer.allocate(Math.multiplyExact(elements, dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer littleEndian() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void requireDtype(DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not "
                    + wanted + "; use toFloats() or data() for other dtypes");
        }
    }

    private static double unsignedToDouble(long value) {
        if (value >= 0) {
            return value;
        }
        // halve, keeping the lost bit as a sticky bit so that the one rounding is still correct
        return (double) ((value >>> 1) | (value & 1)) * 2.0;
    }
}
