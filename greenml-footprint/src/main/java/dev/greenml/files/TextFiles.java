package dev.greenml.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The text files greenml reads (CSV, training text, tokenizer and report JSON) are UTF-8. Java's
 * own error for one that is not says only "Input length = 1"; these say which file, where, and
 * how to convert it.
 */
public final class TextFiles {

    private TextFiles() {}

    /** Bytes read per step when looking for the first bad byte: the file may be larger than memory. */
    static final int CHUNK = 64 * 1024;

    /**
     * The whole file as UTF-8 text.
     *
     * @throws IllegalArgumentException when it is not UTF-8, with {@link #notUtf8}'s message
     */
    public static String readUtf8(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);   // ≈ 2× the file's size at its peak
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(notUtf8(file));
        }
    }

    /**
     * The one-line message for {@code file}, which a UTF-8 reader refused, e.g. "latin1.csv is not
     * UTF-8 text (byte 0xE9 at line 1, byte 4 of the line); convert it, e.g. iconv -f latin1 -t utf-8 …".
     * Reads the file again, in chunks up to the first bad byte: only on this error path, and a
     * model file passed as text may be gigabytes.
     */
    public static String notUtf8(Path file) {
        String name = file.toString();
        String base = file.getFileName() == null ? name : file.getFileName().toString();
        String convert = "convert it, e.g. iconv -f %s -t utf-8 " + shellQuoted(name) + " > " + shellQuoted("utf8-" + base);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] first = in.readNBytes(CHUNK);
            // a byte order mark: text in another Unicode encoding (its ASCII has NUL bytes, so test before the NUL test)
            String bom = unicodeBom(first);
            if (bom != null) return name + " is " + bom + " text; " + convert.formatted(bom.toLowerCase(Locale.ROOT));
            // NUL bytes near the start: a binary file (a model, an archive), not text in another encoding
            for (int i = 0; i < first.length; i++) {
                if (first[i] == 0) return name + " is a binary file, not text (a NUL byte at offset " + i + "); give a UTF-8 text file";
            }
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer bytes = ByteBuffer.allocate(CHUNK + 8);   // + the tail of a character split between chunks
            CharBuffer chars = CharBuffer.allocate(CHUNK + 8);
            long offset = 0;   // file offset of bytes' position 0
            long line = 1, lineStart = 0;
            byte[] chunk = first;
            while (true) {
                boolean last = chunk.length < CHUNK;
                bytes.put(chunk).flip();
                int from = bytes.position();
                CoderResult r = decoder.decode(bytes, chars, last);
                chars.clear();
                int to = bytes.position();   // decoded up to here: count its lines
                for (int i = from; i < to; i++) {
                    if (bytes.get(i) == '\n') {
                        line++;
                        lineStart = offset + i + 1;
                    }
                }
                if (r.isError()) {
                    long bad = offset + to;
                    return name + " is not UTF-8 text (" + String.format(Locale.ROOT, "byte 0x%02X at line %d, byte %d of the line",
                            bytes.get(to) & 0xff, line, bad - lineStart + 1) + "); " + convert.formatted("latin1");
                }
                if (last) break;
                offset += to;
                bytes.compact();
                chunk = in.readNBytes(CHUNK);
            }
        } catch (IOException e) {
            // unreadable now: the message without the place
        }
        return name + " is not UTF-8 text; " + convert.formatted("latin1");
    }

    /** "UTF-16" or "UTF-32" when {@code start} begins with that encoding's byte order mark, else null. */
    static String unicodeBom(byte[] start) {
        int b0 = start.length > 0 ? start[0] & 0xff : -1, b1 = start.length > 1 ? start[1] & 0xff : -1;
        int b2 = start.length > 2 ? start[2] & 0xff : -1, b3 = start.length > 3 ? start[3] & 0xff : -1;
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0 || b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) return "UTF-32";
        if (b0 == 0xFF && b1 == 0xFE || b0 == 0xFE && b1 == 0xFF) return "UTF-16";
        return null;
    }

    /** {@code s} as one shell word: unchanged when it has only safe characters, else in single quotes. */
    static String shellQuoted(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:@%+=,-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
