package dev.greenml.io.safetensors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a file can break the specification, and the message each one gets. */
class SafeTensorsRejectionTest {

    private static final String NAME = "model.safetensors";

    @TempDir
    Path dir;

    /** A file with a correct length prefix, this header and {@code dataBytes} zero bytes. */
    private static byte[] file(String header, int dataBytes) {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static byte[] file(byte[] header, int dataBytes) {
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array();
    }

    /** One F32 tensor "w" with the given entry fields (without braces). */
    private static byte[] tensor(String fields, int dataBytes) {
        return file("{\"w\":{" + fields + "}}", dataBytes);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> rejecting(byte[] bytes) {
        return assertThatThrownBy(() -> SafeTensors.parse(bytes, NAME))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void fileShorterThanTheLengthPrefix() {
        rejecting(new byte[5]).hasMessageContaining("the file is 5 bytes, shorter than the 8-byte header length");
        rejecting(new byte[0]).hasMessageContaining("the file is 0 bytes");
    }

    @Test
    void headerLengthZero() {
        rejecting(new byte[8]).hasMessageContaining("header length is 0");
    }

    @Test
    void headerLengthBeyondTheFile() {
        rejecting(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array())
                .hasMessage(NAME + ": header length 9223372036854775807 exceeds the file size 12"
                        + " (truncated or not a safetensors file)");
        // the length is unsigned: all ones is 2^64 - 1, not -1
        rejecting(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array())
                .hasMessageContaining("header length 18446744073709551615 exceeds the file size 12");
        byte[] truncated = file("{}", 0);
        rejecting(java.util.Arrays.copyOf(truncated, truncated.length - 1))
                .hasMessageContaining("header length 2 exceeds the file size 9");
    }

    @Test
    void headerLengthAboveTheHundredMillionByteLimit() throws IOException {
        // a sparse file: large enough to hold the claimed header, but nothing is written there
        Path big = dir.resolve(NAME);
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(100_000_020L);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001L).array());
        }
        assertThatThrownBy(() -> SafeTensors.read(big))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(big + ": header length 100000001 exceeds the 100000000-byte limit");
    }

    @Test
    void headerThatIsNotUtf8() {
        byte[] header = {'{', '"', (byte) 0xFF, '"', ':', '1', '}'};
        rejecting(file(header, 0)).hasMessageContaining("header is not valid UTF-8");
    }

    @Test
    void headerThatDoesNotStartWithABrace() {
        rejecting(file("[1, 2]", 0)).hasMessageContaining("header must start with '{' but starts with byte 0x5B");
        rejecting(file(" {}", 0)).hasMessageContaining("must start with '{'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"w\":",                                 // cut off
            "{'w': 1}",                                // not JSON quotes
            "{} x",                                    // garbage after the padding
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                    + "\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}}"  // duplicate key
    })
    void headerThatIsNotOneJsonObject(String header) {
        rejecting(file(header, 8)).hasMessageContaining("header is not valid JSON at line 1");
    }

    @Test
    void headerWithASecondJsonValueAfterTheObject() {
        rejecting(file("{}  {}", 0))
                .hasMessageContaining("header has more JSON after its object, at line 1, column 5");
    }

    @Test
    void metadataThatIsNotAStringToStringMap() {
        rejecting(file("{\"__metadata__\":{\"epochs\":3}}", 0))
                .hasMessageContaining("'__metadata__' value for key 'epochs' is a number (3)")
                .hasMessageContaining("must be strings");
        rejecting(file("{\"__metadata__\":[\"a\"]}", 0))
                .hasMessageContaining("'__metadata__' must be an object mapping strings to strings, but is an array");
        rejecting(file("{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0)).hasMessageContaining("is an object");
        rejecting(file("{\"__metadata__\":null}", 0)).hasMessageContaining("is a null");
    }

    @Test
    void entryThatIsNotAnObject() {
        rejecting(file("{\"w\":[1]}", 0))
                .hasMessageContaining("tensor 'w' must be an object with dtype, shape and data_offsets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtype", "shape", "data_offsets"})
    void entryMissingARequiredField(String missing) {
        String fields = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        String header = fields.replaceFirst("\"" + missing + "\":(\"F32\"|\\[[0-9,]*\\]),?", "")
                .replace(",}", "}");
        rejecting(file("{\"w\":" + header + "}", 4))
                .hasMessageContaining("tensor 'w' lacks '" + missing + "'");
    }

    @Test
    void entryWithAnExtraField() {
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"scale\":2", 4))
                .hasMessageContaining("tensor 'w' has an unexpected field 'scale'")
                .hasMessageContaining("put extra information in __metadata__");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"F128\"", "\"f32\"", "\"\"", "32"})
    void unknownDtypeListsTheValidOnes(String dtype) {
        rejecting(tensor("\"dtype\":" + dtype + ",\"shape\":[1],\"data_offsets\":[0,4]", 4))
                .hasMessageContaining("tensor 'w' has unknown dtype " + dtype)
                .hasMessageContaining("valid dtypes are BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16,"
                        + " F16, BF16, I32, U32, F32, F64, I64, U64");
    }

    @Test
    void shapeWithNegativeOrNonIntegerDimensions() {
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1,-1],\"data_offsets\":[0,0]", 0))
                .hasMessageContaining("tensor 'w' shape [1,-1] dimension 1 is -1, but must not be negative");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]", 8))
                .hasMessageContaining("dimension 0 is 2.0, not an integer");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]", 8))
                .hasMessageContaining("dimension 0 is \"2\", not an integer");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]", 8))
                .hasMessageContaining("shape must be an array of non-negative integers, but is a number (2)");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]", 8))
                .hasMessageContaining("is 99999999999999999999, too large");
    }

    @Test
    void offsetsThatAreNotTwoOrderedNonNegativeIntegers() {
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]", 8))
                .hasMessageContaining("data_offsets must be [begin, end], two non-negative integers, but is [0,4,8]");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]", 4))
                .hasMessageContaining("data_offsets [-4,0] begin is -4, but must not be negative");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]", 4))
                .hasMessageContaining("data_offsets [0,4.5] end is 4.5, not an integer");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]", 4))
                .hasMessageContaining("data_offsets [4,0] begin after end");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"begin\":0}", 4))
                .hasMessageContaining("data_offsets must be [begin, end]");
    }

    @Test
    void offsetsBeyondTheDataBuffer() {
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]", 4))
                .hasMessageContaining("tensor 'w' data_offsets [0,8] end beyond the data buffer of 4 bytes");
    }

    @Test
    void shapeAndOffsetsThatDisagreeOnTheSize() {
        rejecting(tensor("\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]", 8))
                .hasMessageContaining("tensor 'w' F16 shape [2, 3] needs 12 bytes but data_offsets [0,8] span 8 bytes");
    }

    @Test
    void shapeWhoseProductOverflows() {
        rejecting(tensor("\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]", 0))
                .hasMessageContaining("tensor 'w' shape [4294967296, 4294967296] has more than 2^63 elements");
    }

    @Test
    void tensorLargerThanOneJavaArray() throws IOException {
        // a sparse 3 GB file whose single tensor claims all of it; nothing is read or allocated
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[750000000],\"data_offsets\":[0,3000000000]}}";
        byte[] prefix = file(header, 0);
        Path big = dir.resolve(NAME);
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.write(prefix);
            raf.setLength(prefix.length + 3_000_000_000L);
        }
        assertThatThrownBy(() -> SafeTensors.read(big))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(big + ": tensor 'w' F32 shape [750000000] has 750000000 elements")
                .hasMessageContaining("split it into smaller tensors");
    }

    @Test
    void holesBetweenOrBeforeTensors() {
        rejecting(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12))
                .hasMessageContaining("bytes 4..8 of the data buffer belong to no tensor (a hole before tensor 'b')");
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]", 8))
                .hasMessageContaining("bytes 0..4 of the data buffer belong to no tensor");
    }

    @Test
    void overlappingTensors() {
        rejecting(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8))
                .hasMessageContaining("tensor 'b' data_offsets [4, 8] overlap tensor 'a' [0, 8]");
    }

    @Test
    void trailingBytesAfterTheLastTensor() {
        rejecting(tensor("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]", 7))
                .hasMessageContaining("3 trailing bytes after the last tensor (data buffer is 7 bytes, tensors end at 4)");
        rejecting(file("{}", 1)).hasMessageContaining("1 trailing bytes");
    }

    @Test
    void emptyTensorsMayShareAnOffset() {
        // not a rejection: the specification allows begin == end for tensors with no elements
        byte[] bytes = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"b\":{\"dtype\":\"I8\",\"shape\":[2,0],\"data_offsets\":[0,0]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4);
        org.assertj.core.api.Assertions.assertThat(SafeTensors.parse(bytes).tensors().keySet())
                .containsExactly("a", "b", "c");
    }

    @Test
    void missingFileNamesThePath() {
        Path missing = dir.resolve("nope.safetensors");
        assertThatThrownBy(() -> SafeTensors.read(missing))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(missing + ": no such file; check the path");
    }
}
