package dev.greenml.files;

import java.io.IOException;
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

    /**
     * The whole file as UTF-8 text.
     *
     * @throws IllegalArgumentException when it is not UTF-8, with {@link #notUtf8}'s message
     */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(notUtf8(file.toString(), bytes));
        }
    }

    /**
     * The one-line message for {@code file}, which a UTF-8 reader refused, e.g. "latin1.csv is not
     * UTF-8 text (byte 0xE9 at line 1, byte 4 of the line); convert it, e.g. iconv -f latin1 -t utf-8 …".
     * Reads the file again to find the first bad byte: only on this error path.
     */
    public static String notUtf8(Path file) {
        try {
            return notUtf8(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            return file + " is not UTF-8 text; convert it, e.g. iconv -f latin1 -t utf-8 " + file + " > utf8-" + file.getFileName();
        }
    }

    /** As above, for {@code bytes} read from the file named {@code name}. */
    public static String notUtf8(String name, byte[] bytes) {
        int bad = firstMalformed(bytes);
        if (bad < 0) return name + " is not UTF-8 text; convert it, e.g. iconv -f latin1 -t utf-8";
        int line = 1, lineStart = 0;
        for (int i = 0; i < bad; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String where = String.format(Locale.ROOT, "byte 0x%02X at line %d, byte %d of the line", bytes[bad] & 0xff, line,
                bad - lineStart + 1);
        // NUL bytes near the start: a binary file (a model, an archive), not text in another encoding
        for (int i = 0; i < Math.min(bytes.length, 65536); i++) {
            if (bytes[i] == 0) return name + " is a binary file, not text (a NUL byte at offset " + i + "); give a UTF-8 text file";
        }
        String file = Path.of(name).getFileName() == null ? name : Path.of(name).getFileName().toString();
        return name + " is not UTF-8 text (" + where + "); convert it, e.g. iconv -f latin1 -t utf-8 " + name + " > utf8-" + file;
    }

    /** Offset of the first byte that does not decode as UTF-8, or -1. */
    static int firstMalformed(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) return in.position();
            if (r.isOverflow()) {
                out.clear();
                continue;
            }
            return -1;   // underflow: all decoded
        }
    }
}
