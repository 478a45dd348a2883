package dev.greenml.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SafeTensorsTensorEntryTest {

    @Test
    void constructorRejectsDataThatDoesNotMatchTheShapeNamingEverything() {
        assertThatThrownBy(() -> new TensorEntry("fc1.weight", DType.F32, new long[] {2, 3}, new byte[20]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc1.weight")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("needs 24 bytes")
                .hasMessageContaining("got 20 bytes");
    }

    @Test
    void constructorRejectsNegativeDimensionsAndOverflowingShapes() {
        assertThatThrownBy(() -> new TensorEntry("t", DType.U8, new long[] {-1}, new byte[0]))
                .hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> new TensorEntry("t", DType.U8, new long[] {1L << 32, 1L << 32}, new byte[0]))
                .hasMessageContaining("more than 2^63 elements");
        assertThatThrownBy(() -> new TensorEntry("t", DType.F32, new long[] {1L << 30}, new byte[0]))
                .hasMessageContaining("more than one Java array holds");
    }

    @Test
    void scalarsHaveOneElementAndEmptyTensorsNone() {
        TensorEntry scalar = TensorEntry.ofFloats("s", new long[0], new float[] {2.5f});
        assertThat(scalar.elementCount()).isEqualTo(1);
        assertThat(scalar.data()).hasSize(4);
        TensorEntry empty = TensorEntry.ofFloats("e", new long[] {0, 7}, new float[0]);
        assertThat(empty.elementCount()).isZero();
        assertThat(empty.toFloats()).isEmpty();
    }

    @Test
    void floatsAreStoredLittleEndianBitForBit() {
        float nanWithPayload = Float.intBitsToFloat(0x7FC1_2345);
        TensorEntry t = TensorEntry.ofFloats("t", new long[] {2}, new float[] {1.0f, nanWithPayload});
        assertThat(t.data()).containsExactly(0x00, 0x00, (byte) 0x80, 0x3F,
                0x45, 0x23, (byte) 0xC1, 0x7F);
        assertThat(Float.floatToRawIntBits(t.toFloats()[1])).isEqualTo(0x7FC1_2345);
    }

    @Test
    void reducedPrecisionStorageRoundsToNearestEven() {
        float[] values = {1f / 3, 65504f, 1e6f, 0x1p-24f};
        TensorEntry half = TensorEntry.ofFloatsAs("h", new long[] {4}, values, DType.F16);
        assertThat(half.data()).containsExactly(0x55, 0x35, (byte) 0xFF, 0x7B, 0x00, 0x7C, 0x01, 0x00);
        assertThat(half.toFloats()).containsExactly(0.333251953125f, 65504f,
                Float.POSITIVE_INFINITY, 0x1p-24f);
        TensorEntry bf = TensorEntry.ofFloatsAs("b", new long[] {1}, new float[] {1f / 3}, DType.BF16);
        assertThat(bf.data()).containsExactly(0xAB, 0x3E);
        assertThatThrownBy(() -> TensorEntry.ofFloatsAs("q", new long[] {1}, new float[] {1}, DType.I8))
                .hasMessageContaining("F32, F16 or BF16");
    }

    @Test
    void integerDtypesConvertToFloatsByValue() {
        byte[] u8 = {(byte) 255, 0, 7};
        assertThat(TensorEntry.ofBytes("u", DType.U8, new long[] {3}, u8).toFloats())
                .containsExactly(255f, 0f, 7f);
        assertThat(TensorEntry.ofInt8("i", new long[] {3}, u8).toFloats())
                .containsExactly(-1f, 0f, 7f);
        assertThat(TensorEntry.ofBytes("b", DType.BOOL, new long[] {3}, u8).toFloats())
                .containsExactly(1f, 0f, 1f);
        assertThat(TensorEntry.ofInts("i32", new long[] {2}, new int[] {-5, 1 << 20}).toFloats())
                .containsExactly(-5f, 1 << 20);
        assertThat(TensorEntry.ofBytes("u32", DType.U32, new long[] {1},
                new byte[] {-1, -1, -1, -1}).toDoubles()).containsExactly(4294967295.0);
        assertThat(TensorEntry.ofBytes("u64", DType.U64, new long[] {1},
                new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}).toDoubles()).containsExactly(0x1p64);
        assertThat(TensorEntry.ofBytes("u16", DType.U16, new long[] {1},
                new byte[] {(byte) 0xFF, (byte) 0xFF}).toFloats()).containsExactly(65535f);
        assertThat(TensorEntry.ofBytes("i16", DType.I16, new long[] {1},
                new byte[] {(byte) 0xFE, (byte) 0xFF}).toFloats()).containsExactly(-2f);
        assertThat(TensorEntry.ofLongs("i64", new long[] {1}, new long[] {-3}).toLongs())
                .containsExactly(-3);
        assertThat(TensorEntry.ofDoubles("f64", new long[] {1}, new double[] {0.1}).toFloats())
                .containsExactly(0.1f);
    }

    @Test
    void typedAccessRefusesOtherDtypes() {
        TensorEntry f = TensorEntry.ofFloats("w", new long[] {1}, new float[] {1});
        assertThatThrownBy(f::toInt8).hasMessageContaining("'w' is F32, not I8");
        TensorEntry q = TensorEntry.ofInt8("q", new long[] {2}, new byte[] {-128, 127});
        assertThat(q.toInt8()).containsExactly(-128, 127);
    }

    @Test
    void equalityComparesContentAndToStringOmitsTheData() {
        TensorEntry a = TensorEntry.ofFloats("w", new long[] {2}, new float[] {1, Float.NaN});
        TensorEntry b = TensorEntry.ofFloats("w", new long[] {2}, new float[] {1, Float.NaN});
        TensorEntry otherShape = TensorEntry.ofFloats("w", new long[] {1, 2}, new float[] {1, Float.NaN});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(otherShape);
        assertThat(a.toString()).isEqualTo("TensorEntry[w F32 [2], 8 bytes]");
    }

    @Test
    void shapeIsCopiedSoCallersCannotChangeIt() {
        long[] shape = {2};
        TensorEntry t = TensorEntry.ofFloats("w", shape, new float[] {1, 2});
        shape[0] = 99;
        t.shape()[0] = 99;
        assertThat(t.shape()).containsExactly(2);
    }
}
