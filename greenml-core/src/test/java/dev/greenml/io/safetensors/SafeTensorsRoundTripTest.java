package dev.greenml.io.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    /** Float values where a careless conversion would lose bits. */
    private static final float[] AWKWARD = {
            Float.intBitsToFloat(0x7FC1_2345),   // quiet NaN with a payload
            Float.intBitsToFloat(0xFF80_0001),   // negative signalling NaN
            -0.0f, 0.0f, Float.MIN_VALUE, 1e-40f, // subnormals
            Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 1f / 3, -123.456f};

    private static List<TensorEntry> model() {
        return List.of(
                TensorEntry.ofFloats("awkward", new long[] {3, 4}, AWKWARD),
                TensorEntry.ofFloatsAs("half", new long[] {2, 2}, new float[] {1, -2, 65504, 0x1p-24f}, DType.F16),
                TensorEntry.ofFloatsAs("bf", new long[] {3}, new float[] {1f / 3, -1, 1e38f}, DType.BF16),
                TensorEntry.ofInt8("q", new long[] {5}, new byte[] {-128, -1, 0, 1, 127}),
                TensorEntry.ofDoubles("scalar", new long[0], new double[] {Math.PI}),
                TensorEntry.ofFloats("empty", new long[] {0, 3}, new float[0]),
                TensorEntry.ofBytes("mask", DType.BOOL, new long[] {3}, new byte[] {1, 0, 1}),
                TensorEntry.ofLongs("steps", new long[] {1}, new long[] {Long.MIN_VALUE}));
    }

    private static Map<String, String> metadata() {
        return Map.of("format", "pt", "architecture", "mlp 1000-200-100-1", "note", "ünïcødé \"quoted\"\n");
    }

    @Test
    void writeReadWriteGivesIdenticalBytesAndIdenticalTensors() {
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        long size = SafeTensors.write(first, model(), metadata());

        SafeTensorsFile read = SafeTensors.read(first);
        assertThat(read.fileSizeBytes()).isEqualTo(size);
        assertThat(read.tensors().values()).containsExactlyElementsOf(model()); // order and bytes
        assertThat(read.metadata()).isEqualTo(metadata());

        SafeTensors.write(second, read);
        assertThat(second).hasSameBinaryContentAs(first);
    }

    @Test
    void floatValuesComeBackBitIdenticalIncludingNanPayloadsNegativeZeroAndSubnormals() {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, model(), Map.of());
        float[] back = SafeTensors.read(file).get("awkward").toFloats();
        assertThat(back).hasSameSizeAs(AWKWARD);
        for (int i = 0; i < AWKWARD.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).as("element %d", i)
                    .isEqualTo(Float.floatToRawIntBits(AWKWARD[i]));
        }
        assertThat(SafeTensors.read(file).get("half").toFloats()).containsExactly(1, -2, 65504, 0x1p-24f);
    }

    @Test
    void sameModelGivesSameBytesWhateverTheMetadataMapOrder() {
        Map<String, String> hashed = new HashMap<>(metadata());
        Map<String, String> sorted = new TreeMap<>(metadata());
        assertThat(SafeTensors.toBytes(model(), hashed)).isEqualTo(SafeTensors.toBytes(model(), sorted));
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, model(), hashed);
        assertThat(file).hasBinaryContent(SafeTensors.toBytes(model(), sorted));
    }

    @Test
    void writerPadsTheHeaderWithSpacesSoDataStartsAligned() {
        byte[] bytes = SafeTensors.toBytes(List.of(TensorEntry.ofFloats("w", new long[] {1}, new float[] {1})),
                Map.of("k", "v"));
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + n) % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).isEqualTo(
                "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
        assertThat(bytes.length).isEqualTo(8 + n + 4);
    }

    @Test
    void aFileBuiltByHandFromTheSpecificationLoadsWithCorrectValues() {
        // header lists "b" before "a", but a's bytes come first; padded with spaces
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[4,12]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"epochs\":\"3\"},"
                + "\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}     ";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        file.put(new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0});          // F16 1.0, -2.0
        file.put(new byte[] {0, 0, 0, 0x3F, 0, 0, 0x40, 0x40});        // F32 0.5, 3.0

        SafeTensorsFile parsed = SafeTensors.parse(file.array(), "hand.safetensors");

        assertThat(parsed.tensors().keySet()).containsExactly("a", "b"); // byte order
        assertThat(parsed.get("a").dtype()).isEqualTo(DType.F16);
        assertThat(parsed.get("a").toFloats()).containsExactly(1.0f, -2.0f);
        assertThat(parsed.get("b").shape()).containsExactly(2, 1);
        assertThat(parsed.get("b").toFloats()).containsExactly(0.5f, 3.0f);
        assertThat(parsed.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("epochs", "3"));
        assertThat(parsed.fileSizeBytes()).isEqualTo(file.capacity());
    }

    @Test
    void aFileWithNoTensorsIsValid() {
        byte[] bytes = SafeTensors.toBytes(List.of(), Map.of());
        assertThat(bytes).hasSize(16); // length, "{}" + 6 spaces
        assertThat(SafeTensors.parse(bytes).tensors()).isEmpty();
    }

    @Test
    void missingTensorErrorNamesItAndTheAvailableOnes() {
        SafeTensorsFile file = SafeTensors.parse(SafeTensors.toBytes(model(), Map.of()));
        assertThatThrownBy(() -> file.get("fc9.weight"))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'fc9.weight'")
                .hasMessageContaining("[awkward, half, bf, q, scalar, empty, mask, steps]");
    }

    @Test
    void invalidInputIsRejectedBeforeWritingAndTheOldFileStaysIntact() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, model(), metadata());
        byte[] before = Files.readAllBytes(file);
        List<TensorEntry> duplicated = Stream.concat(model().stream(),
                Stream.of(TensorEntry.ofFloats("q", new long[] {1}, new float[] {1}))).toList();

        assertThatThrownBy(() -> SafeTensors.write(file, duplicated, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two tensors are called 'q'");
        assertThatThrownBy(() -> SafeTensors.write(file,
                List.of(TensorEntry.ofFloats("__metadata__", new long[] {1}, new float[] {1})), Map.of()))
                .hasMessageContaining("reserves that key");

        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("epochs", null);
        assertThatThrownBy(() -> SafeTensors.write(file, model(), nullValue))
                .hasMessageContaining("metadata epochs=null: keys and values must be non-null strings");

        assertThat(file).hasBinaryContent(before);
        assertThat(filesIn(dir)).containsExactly("model.safetensors");
    }

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileIntactAndNoTempFiles() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, model(), metadata());
        byte[] before = Files.readAllBytes(file);

        // the disk "fills up" 20 bytes before the end, in the middle of the tensor data
        int limit = SafeTensors.toBytes(model(), Map.of("v", "2")).length - 20;
        assertThatThrownBy(() -> SafeTensors.write(file, model(), Map.of("v", "2"), out -> failingAfter(out, limit)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": cannot write")
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("previous file is unchanged");

        assertThat(file).hasBinaryContent(before);
        assertThat(filesIn(dir)).containsExactly("model.safetensors");
    }

    private static OutputStream failingAfter(OutputStream out, int limit) {
        return new FilterOutputStream(out) {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > limit) {
                    throw new IOException("No space left on device");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
