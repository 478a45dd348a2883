package dev.greenml.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al., 1998): a 4-byte magic
 * {@code 00 00 TYPE DIMS}, then DIMS big-endian int32 sizes, then the values row-major and
 * big-endian. Files may be gzip-compressed; that is recognised by the gzip magic {@code 1f 8b},
 * not by the file name.
 *
 * <pre>{@code
 * Idx.Array images = Idx.read(dir.resolve("train-images-idx3-ubyte.gz"));   // dims [60000, 28, 28]
 * int pixel = images.unsignedByte(0);
 * }</pre>
 *
 * Only unsigned bytes (type 0x08) are read: it is the type of every (Fashion-)MNIST file. The
 * other types of the format (0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64) are named in the
 * error so that a user knows the file is valid IDX but not supported here.
 */
public final class Idx {

    /** Type byte of unsigned 8-bit values. */
    public static final int UBYTE = 0x08;

    private Idx() {}

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims   sizes, outermost first (e.g. [60000, 28, 28])
     * @param values product(dims) bytes, row-major; read them with {@link #unsignedByte}
     */
    public record Array(String file, int[] dims, byte[] values) {
        public int unsignedByte(int i) { return values[i] & 0xFF; }
        public int count() { return dims[0]; }
        /** Values per item: the product of every dimension after the first. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) n *= dims[i];
            return n;
        }
    }

    /** Reads an IDX file (plain or gzip) and checks it; every problem is a {@link DataFileException} naming the file. */
    public static Array read(Path path) throws IOException {
        String name = path.getFileName().toString();
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new DataFileException(name + ": file not found (" + path.toAbsolutePath() + ")");
        }
        byte[] bytes = isGzip(raw) ? gunzip(name, raw) : raw;
        return parse(name, bytes);
    }

    /** Parses the bytes of an (uncompressed) IDX file; {@code name} is used in messages. */
    public static Array parse(String name, byte[] bytes) {
        if (bytes.length < 4) {
            throw new DataFileException(name + ": not an IDX file: " + bytes.length + " bytes, shorter than the 4-byte magic number");
        }
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new DataFileException(name + ": not an IDX file: the magic number must start with 00 00, found "
                    + hex(bytes, 0, 4) + " (is it another format, or a corrupt download?)");
        }
        int type = bytes[2] & 0xFF, rank = bytes[3] & 0xFF;
        if (type != UBYTE) {
            throw new DataFileException(name + ": IDX data type 0x" + String.format("%02X", type) + " ("
                    + typeName(type) + ") is not supported; greenml reads unsigned-byte IDX files (type 0x08), as MNIST uses");
        }
        if (rank == 0) throw new DataFileException(name + ": IDX header declares 0 dimensions; expected at least 1");
        int header = 4 + 4 * rank;
        if (bytes.length < header) {
            throw new DataFileException(name + ": truncated: the header declares " + rank + " dimensions ("
                    + header + " header bytes), file has " + bytes.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int[] dims = new int[rank];
        long product = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = buf.getInt(4 + 4 * i);
            if (dims[i] < 0) {
                throw new DataFileException(name + ": IDX dimension " + i + " is negative (" + dims[i] + "); the header is corrupt");
            }
            product *= dims[i];
            if (product > Integer.MAX_VALUE - header) {
                throw new DataFileException(name + ": IDX dimensions " + Arrays.toString(dims) + " describe more than 2 GiB of values");
            }
        }
        long payload = (long) bytes.length - header;
        if (payload != product) {
            String promise = "header promises " + times(dims) + " = " + String.format(Locale.ROOT, "%,d", product) + " bytes";
            String problem = payload < product ? "truncated" : "trailing bytes";
            throw new DataFileException(name + ": " + problem + ": " + promise + ", file has "
                    + String.format(Locale.ROOT, "%,d", payload) + " (is the download complete?)");
        }
        return new Array(name, dims, Arrays.copyOfRange(bytes, header, bytes.length));
    }

    /** The bytes of an IDX file of unsigned bytes: header then values (for writing test files). */
    public static byte[] encode(int[] dims, byte[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 * dims.length + values.length).order(ByteOrder.BIG_ENDIAN);
        buf.put((byte) 0).put((byte) 0).put((byte) UBYTE).put((byte) dims.length);
        for (int d : dims) buf.putInt(d);
        buf.put(values);
        return buf.array();
    }

    private static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B;
    }

    private static byte[] gunzip(String name, byte[] raw) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {   // EOFException for a cut-off download, ZipException for corruption
            throw new DataFileException(name + ": corrupt or truncated gzip data (" + e.getMessage()
                    + "); re-download or reinstall the file");
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "int16";
            case 0x0C -> "int32";
            case 0x0D -> "float32";
            case 0x0E -> "float64";
            default -> "not an IDX type";
        };
    }

    private static String times(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d : dims) sb.append(sb.isEmpty() ? "" : "×").append(d);
        return sb.toString();
    }

    private static String hex(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(i > from ? " " : "").append(String.format("%02x", b[i] & 0xFF));
        return sb.toString();
    }
}
