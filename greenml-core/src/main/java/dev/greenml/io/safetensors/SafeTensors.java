package dev.greenml.io.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.greenml.files.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the safetensors model-file format exactly as its specification defines it,
 * so that files move freely between greenml and other tools (PyTorch, Hugging Face, numpy).
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code N}; {@code N} bytes of UTF-8
 * JSON (an object starting with '{', possibly padded at the end with spaces); then the data
 * buffer. Each header key names a tensor, {@code {"dtype", "shape", "data_offsets": [begin,
 * end]}} with offsets relative to the buffer; the optional key {@code "__metadata__"} maps
 * strings to strings. The tensors must cover the buffer exactly: no holes, no overlaps.
 *
 * <p>Reading validates all of that before building anything and reports the first violation as
 * a {@link ModelFileException} naming the file, the problem and the fix. Writing is atomic
 * (see {@link AtomicFiles}) and deterministic: tensors are laid out in the order given, header
 * keys follow that order, metadata keys are sorted and the header is padded with spaces so the
 * data starts 8-byte aligned; the same tensors and metadata always give the same bytes.
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("model.safetensors"),
 *         List.of(TensorEntry.ofFloats("fc1.weight", new long[] {200, 1000}, w)),
 *         Map.of("architecture", "mlp 1000-200-100-1"));
 * SafeTensorsFile file = SafeTensors.read(Path.of("model.safetensors"));
 * }</pre>
 */
public final class SafeTensors {

    /** The reference implementation refuses headers larger than this; so do we. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The header key that holds the string→string metadata instead of a tensor. */
    public static final String METADATA_KEY = "__metadata__";

    private static final int LENGTH_PREFIX_BYTES = 8;
    private static final int ALIGNMENT = 8;
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    // Strict JSON: duplicate keys are errors (serde_json, which the reference uses, rejects
    // them too); names and strings may be as long as the header itself, where Jackson's
    // defaults would refuse some valid files.
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength((int) MAX_HEADER_BYTES)
                            .maxNameLength((int) MAX_HEADER_BYTES).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SafeTensors() {}

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} (in this order) and {@code metadata} to {@code target}, replacing
     * it atomically: a reader sees the old file or the complete new one, never a part.
     *
     * @return bytes written (the file size)
     * @throws IllegalArgumentException if two tensors share a name, or a name is {@value
     *                                  #METADATA_KEY}; nothing is written then
     * @throws ModelFileException       if the file system refuses; the old file is left intact
     */
    public static long write(Path target, Collection<TensorEntry> tensors,
                             Map<String, String> metadata) {
        return write(target, tensors, metadata, UnaryOperator.identity());
    }

    /** Writes a file read earlier (or built by hand) back out; see {@link #write(Path, Collection, Map)}. */
    public static long write(Path target, SafeTensorsFile file) {
        return write(target, file.tensors().values(), file.metadata());
    }

    /** As {@link #write(Path, Collection, Map)}; {@code decorator} wraps the output stream (tests inject failures). */
    static long write(Path target, Collection<TensorEntry> tensors, Map<String, String> metadata,
                      UnaryOperator<OutputStream> decorator) {
        Layout layout = Layout.of(tensors, metadata); // all validation before the file is touched
        try {
            return AtomicFiles.write(target, out -> layout.writeTo(decorator.apply(out)));
        } catch (IOException e) {
            if (java.nio.file.Files.isDirectory(target)) {   // free space is not the problem: say what is
                throw new ModelFileException(target + ": cannot write the model file: a directory of that name is in the way;"
                        + " remove it or choose another path", e);
            }
            throw new ModelFileException(target + ": cannot write the model file (" + reason(e)
                    + "); check that the directory is writable and has "
                    + layout.totalBytes() + " bytes free. Any previous file is unchanged", e);
        }
    }

    /** The exact bytes {@link #write(Path, Collection, Map)} would write. */
    public static byte[] toBytes(Collection<TensorEntry> tensors, Map<String, String> metadata) {
        Layout layout = Layout.of(tensors, metadata);
        if (layout.totalBytes() > TensorEntry.MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException("the model is " + layout.totalBytes()
                    + " bytes, too large for one byte array; use write(Path, ...) instead");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) layout.totalBytes());
        try {
            layout.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Header bytes (already padded) and the tensors in file order: everything but the I/O. */
    private record Layout(byte[] header, List<TensorEntry> tensors, long totalBytes) {

        static Layout of(Collection<TensorEntry> tensors, Map<String, String> metadata) {
            List<TensorEntry> ordered = List.copyOf(tensors); // also rejects null entries
            Set<String> names = new HashSet<>();
            for (TensorEntry tensor : ordered) {
                if (tensor.name().equals(METADATA_KEY)) {
                    throw new IllegalArgumentException("a tensor cannot be called '" + METADATA_KEY
                            + "'; the format reserves that key for metadata");
                }
                if (!names.add(tensor.name())) {
                    throw new IllegalArgumentException("two tensors are called '" + tensor.name()
                            + "'; names must be unique in a model file");
                }
            }
            // sorted so that the same map always gives the same bytes, whatever its class
            Map<String, String> sortedMetadata = new TreeMap<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("metadata " + e.getKey() + "=" + e.getValue()
                            + ": keys and values must be non-null strings");
                }
                sortedMetadata.put(e.getKey(), e.getValue());
            }
            byte[] json = headerJson(ordered, sortedMetadata);
            // pad so that 8 + header length is a multiple of 8: the data starts aligned
            int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            byte[] header = Arrays.copyOf(json, padded);
            Arrays.fill(header, json.length, padded, (byte) ' ');
            long total = LENGTH_PREFIX_BYTES + header.length;
            for (TensorEntry tensor : ordered) {
                total += tensor.data().length;
            }
            return new Layout(header, ordered, total);
        }

        private static byte[] headerJson(List<TensorEntry> tensors, Map<String, String> metadata) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JsonGenerator json = JSON.createGenerator(bytes)) {
                json.writeStartObject();
                if (!metadata.isEmpty()) {
                    // absent rather than {} when empty, as the reference writer does
                    json.writeObjectFieldStart(METADATA_KEY);
                    for (Map.Entry<String, String> e : metadata.entrySet()) {
                        json.writeStringField(e.getKey(), e.getValue());
                    }
                    json.writeEndObject();
                }
                long offset = 0;
                for (TensorEntry tensor : tensors) {
                    json.writeObjectFieldStart(tensor.name());
                    json.writeStringField("dtype", tensor.dtype().name());
                    json.writeArrayFieldStart("shape");
                    for (long dim : tensor.shape()) {
                        json.writeNumber(dim);
                    }
                    json.writeEndArray();
                    long end = offset + tensor.data().length;
                    json.writeArrayFieldStart("data_offsets");
                    json.writeNumber(offset);
                    json.writeNumber(end);
                    json.writeEndArray();
                    json.writeEndObject();
                    offset = end;
                }
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in-memory generation does not fail
            }
            return bytes.toByteArray();
        }

        void writeTo(OutputStream out) throws IOException {
            byte[] length = new byte[LENGTH_PREFIX_BYTES];
            ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(length);
            out.write(header);
            for (TensorEntry tensor : tensors) {
                out.write(tensor.data());
            }
            out.flush();
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads and validates a whole safetensors file.
     *
     * @throws ModelFileException if the file cannot be read or breaks the specification in any
     *                            way; no partial result is ever returned
     */
    public static SafeTensorsFile read(Path path) {
        String label = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(label, new Source() {
                @Override public long size() throws IOException {
                    return channel.size();
                }

                @Override public void readFully(long position, byte[] into) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(into);
                    while (buffer.hasRemaining()) {
                        int n = channel.read(buffer, position + buffer.position());
                        if (n < 0) {
                            throw new IOException("file shrank while being read");
                        }
                    }
                }
            });
        } catch (NoSuchFileException e) {
            throw new ModelFileException(label + ": no such file; check the path", e);
        } catch (IOException e) {
            if (java.nio.file.Files.isDirectory(path)) {
                throw new ModelFileException(label + ": is a directory; pass the path of a .safetensors file", e);
            }
            throw new ModelFileException(label + ": cannot read the model file (" + reason(e) + ")", e);
        }
    }

    /** The reason of an I/O failure in words, without the exception's class name. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Parses and validates safetensors bytes held in memory; see {@link #read(Path)}. */
    public static SafeTensorsFile parse(byte[] bytes) {
        return parse(bytes, "<bytes>");
    }

    /** As {@link #parse(byte[])}; {@code sourceName} starts every error message. */
    public static SafeTensorsFile parse(byte[] bytes, String sourceName) {
        try {
            return parse(sourceName, new Source() {
                @Override public long size() {
                    return bytes.length;
                }

                @Override public void readFully(long position, byte[] into) {
                    System.arraycopy(bytes, Math.toIntExact(position), into, 0, into.length);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // copying from an array does not fail
        }
    }

    /** Random access to the file's bytes, so one parser serves files and arrays. */
    private interface Source {
        long size() throws IOException;

        void readFully(long position, byte[] into) throws IOException;
    }

    /** A header entry checked on its own, before the layout as a whole is checked. */
    private record Declared(String name, DType dtype, long[] shape, long begin, long end) {}

    private static SafeTensorsFile parse(String label, Source source) throws IOException {
        long fileSize = source.size();
        if (fileSize < LENGTH_PREFIX_BYTES) {
            throw invalid(label, "the file is " + fileSize + " bytes, shorter than the 8-byte"
                    + " header length that starts every safetensors file (empty or truncated)");
        }
        byte[] prefix = new byte[LENGTH_PREFIX_BYTES];
        source.readFully(0, prefix);
        long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long available = fileSize - LENGTH_PREFIX_BYTES;
        // the length is unsigned: compare as such so that 2^63 and above count as huge
        if (Long.compareUnsigned(headerLength, available) > 0) {
            throw invalid(label, "header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the file size " + fileSize + " (truncated or not a safetensors file)");
        }
        if (headerLength == 0) {
            throw invalid(label, "header length is 0, but the header must be a JSON object"
                    + " (at least '{}'); not a safetensors file");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw invalid(label, "header length " + headerLength + " exceeds the "
                    + MAX_HEADER_BYTES + "-byte limit of the safetensors format"
                    + " (corrupt, or written by a tool that ignores the limit)");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        source.readFully(LENGTH_PREFIX_BYTES, headerBytes);
        String header = decodeUtf8(label, headerBytes);
        if (header.charAt(0) != '{') {
            throw invalid(label, "header must start with '{' but starts with byte 0x"
                    + String.format("%02X", headerBytes[0] & 0xFF) + " (not a safetensors file)");
        }
        JsonNode root = parseJson(label, header);

        long bufferLength = available - headerLength;
        Map<String, String> metadata = Map.of();
        List<Declared> declared = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = metadata(label, field.getValue());
            } else {
                declared.add(declared(label, field.getKey(), field.getValue(), bufferLength));
            }
        }
        List<Declared> inFileOrder = checkLayout(label, declared, bufferLength);

        // only now, with everything valid, read the data
        long dataStart = LENGTH_PREFIX_BYTES + headerLength;
        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        for (Declared d : inFileOrder) {
            byte[] data = new byte[(int) (d.end() - d.begin())];
            source.readFully(dataStart + d.begin(), data);
            tensors.put(d.name(), new TensorEntry(d.name(), d.dtype(), d.shape(), data));
        }
        return new SafeTensorsFile(tensors, metadata, fileSize);
    }

    private static String decodeUtf8(String label, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer chars = decoder.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw invalid(label, "header is not valid UTF-8 (bad byte sequence at or after byte "
                    + (LENGTH_PREFIX_BYTES + in.position()) + " of the file); corrupt or not a"
                    + " safetensors file");
        }
    }

    private static JsonNode parseJson(String label, String header) {
        try {
            try (JsonParser parser = JSON.createParser(header)) {
                JsonNode root = JSON.readTree(parser);
                if (parser.nextToken() != null) {
                    JsonLocation where = parser.currentTokenLocation();
                    throw invalid(label, "header has more JSON after its object, at line "
                            + where.getLineNr() + ", column " + where.getColumnNr()
                            + "; only spaces may follow it (corrupt or not a safetensors file)");
                }
                return root;
            }
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String position = where == null ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw invalid(label, "header is not valid JSON" + position + ": "
                    + e.getOriginalMessage() + " (corrupt or not a safetensors file)");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing a String does no I/O
        }
    }

    private static Map<String, String> metadata(String label, JsonNode node) {
        if (!node.isObject()) {
            throw invalid(label, "'" + METADATA_KEY + "' must be an object mapping strings to"
                    + " strings, but is " + describe(node));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw invalid(label, "'" + METADATA_KEY + "' value for key '" + e.getKey()
                        + "' is " + describe(e.getValue()) + ", but metadata values must be"
                        + " strings (encode numbers and structures as text)");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private static Declared declared(String label, String name, JsonNode node, long bufferLength) {
        String where = label + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new ModelFileException(where + " must be an object with dtype, shape and"
                    + " data_offsets, but is " + describe(node));
        }
        for (String field : ENTRY_FIELDS) {
            if (!node.has(field)) {
                throw new ModelFileException(where + " lacks '" + field + "'; every tensor needs"
                        + " dtype, shape and data_offsets");
            }
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!ENTRY_FIELDS.contains(field.getKey())) {
                throw new ModelFileException(where + " has an unexpected field '" + field.getKey()
                        + "'; only dtype, shape and data_offsets are allowed (put extra"
                        + " information in " + METADATA_KEY + ")");
            }
        }

        JsonNode dtypeNode = node.get("dtype");
        DType dtype = dtypeNode.isTextual() ? DType.fromHeaderName(dtypeNode.textValue()) : null;
        if (dtype == null) {
            throw new ModelFileException(where + " has unknown dtype " + dtypeNode
                    + "; valid dtypes are " + DType.validNames());
        }

        JsonNode shapeNode = node.get("shape");
        if (!shapeNode.isArray()) {
            throw new ModelFileException(where + " shape must be an array of non-negative"
                    + " integers, but is " + describe(shapeNode));
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeInteger(where + " shape " + shapeNode + " dimension " + i,
                    shapeNode.get(i));
        }

        JsonNode offsets = node.get("data_offsets");
        if (!offsets.isArray() || offsets.size() != 2) {
            throw new ModelFileException(where + " data_offsets must be [begin, end], two"
                    + " non-negative integers, but is " + offsets);
        }
        long begin = nonNegativeInteger(where + " data_offsets " + offsets + " begin", offsets.get(0));
        long end = nonNegativeInteger(where + " data_offsets " + offsets + " end", offsets.get(1));
        if (begin > end) {
            throw new ModelFileException(where + " data_offsets " + offsets
                    + " begin after end; offsets must satisfy begin <= end");
        }
        if (end > bufferLength) {
            throw new ModelFileException(where + " data_offsets " + offsets + " end beyond the"
                    + " data buffer of " + bufferLength + " bytes (truncated file?)");
        }

        long expected;
        try {
            expected = TensorEntry.byteSize(name, dtype, shape);
        } catch (IllegalArgumentException e) {
            // product overflow or larger than one Java array
            throw new ModelFileException(label + ": " + e.getMessage(), e);
        }
        if (expected != end - begin) {
            throw new ModelFileException(where + " " + dtype + " shape " + Arrays.toString(shape)
                    + " needs " + expected + " bytes but data_offsets " + offsets + " span "
                    + (end - begin) + " bytes; the header is inconsistent");
        }
        return new Declared(name, dtype, shape, begin, end);
    }

    /**
     * Checks that the tensors tile the buffer exactly and returns them in byte order (header
     * order among empty tensors sharing an offset).
     */
    private static List<Declared> checkLayout(String label, List<Declared> declared, long bufferLength) {
        List<Declared> sorted = new ArrayList<>(declared);
        sorted.sort(Comparator.comparingLong(Declared::begin).thenComparingLong(Declared::end));
        long cursor = 0;
        Declared previous = null;
        for (Declared d : sorted) {
            if (d.begin() > cursor) {
                throw invalid(label, "bytes " + cursor + ".." + d.begin() + " of the data buffer"
                        + " belong to no tensor (a hole before tensor '" + d.name()
                        + "'); every byte must be indexed by a tensor");
            }
            if (d.begin() < cursor) {
                throw invalid(label, "tensor '" + d.name() + "' data_offsets [" + d.begin() + ", "
                        + d.end() + "] overlap tensor '" + previous.name() + "' [" + previous.begin()
                        + ", " + previous.end() + "]; tensors must not share bytes");
            }
            cursor = d.end();
            previous = d;
        }
        if (cursor != bufferLength) {
            throw invalid(label, (bufferLength - cursor) + " trailing bytes after the last tensor"
                    + " (data buffer is " + bufferLength + " bytes, tensors end at " + cursor
                    + "); every byte must be indexed by a tensor");
        }
        return sorted;
    }

    private static long nonNegativeInteger(String what, JsonNode node) {
        if (!node.isIntegralNumber()) {
            throw new ModelFileException(what + " is " + node + ", not an integer");
        }
        if (!node.canConvertToLong()) {
            throw new ModelFileException(what + " is " + node + ", too large");
        }
        long value = node.longValue();
        if (value < 0) {
            throw new ModelFileException(what + " is " + value + ", but must not be negative");
        }
        return value;
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        String type = node.getNodeType().name().toLowerCase();
        return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type + " (" + shown + ")";
    }

    private static ModelFileException invalid(String label, String problem) {
        return new ModelFileException(label + ": " + problem);
    }
}
