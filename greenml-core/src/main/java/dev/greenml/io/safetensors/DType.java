package dev.greenml.io.safetensors;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types a safetensors file can declare, under the exact names the format uses in
 * its header ({@code "dtype": "F32"}), with their sizes in bytes.
 *
 * <p>Example: {@code DType.fromHeaderName("BF16").byteSize() == 2}.
 */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes one element occupies in the data buffer. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype whose header name is exactly {@code name}, or {@code null} if there is none. */
    public static DType fromHeaderName(String name) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** The valid header names, comma separated, for error messages. */
    public static String validNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
