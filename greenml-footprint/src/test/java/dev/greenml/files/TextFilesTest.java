package dev.greenml.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {

    @TempDir Path dir;

    @Test
    void latin1NamesTheByteAndTheLineAcrossChunks() throws Exception {
        // the bad byte lies beyond the first 64 KiB chunk, after a UTF-8 é split between two chunks
        StringBuilder text = new StringBuilder();
        while (text.length() < TextFiles.CHUNK - 1) text.append("ab\n");
        int lines = text.length() / 3;
        text.setLength(TextFiles.CHUNK - 1);   // ends inside a line
        text.append("\u00e9x\n");              // é: bytes CHUNK-1 and CHUNK
        byte[] good = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] bad = "caf".getBytes(StandardCharsets.US_ASCII);
        Path f = dir.resolve("big.csv");
        Files.write(f, concat(good, bad, new byte[] {(byte) 0xE9, '\n'}));
        assertThat(TextFiles.notUtf8(f)).isEqualTo(f + " is not UTF-8 text (byte 0xE9 at line " + (lines + 2)
                + ", byte 4 of the line); convert it, e.g. iconv -f latin1 -t utf-8 " + f + " > utf8-big.csv");
        assertThatThrownBy(() -> TextFiles.readUtf8(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line " + (lines + 2));
    }

    @Test
    void aHugeFileIsReadOnlyUpToTheProblem() throws Exception {
        // 3 GiB, sparse: more than one Java array holds, so reading it whole fails
        Path f = dir.resolve("model.safetensors");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.write(new byte[] {'a', ',', (byte) 0xE9, '\n'});
            r.setLength(3L << 30);
        }
        assertThat(TextFiles.notUtf8(f)).isEqualTo(f + " is a binary file, not text (a NUL byte at offset 4); give a UTF-8 text file");
    }

    @Test
    void utf16AndUtf32WithAByteOrderMarkAreNamedNotCalledBinary() throws Exception {
        Path le = dir.resolve("le.csv"), be = dir.resolve("be.csv"), u32 = dir.resolve("u32.csv");
        Files.write(le, concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "a,y\n1,2\n".getBytes(StandardCharsets.UTF_16LE)));
        Files.write(be, concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, "a,y\n1,2\n".getBytes(StandardCharsets.UTF_16BE)));
        Files.write(u32, concat(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}, "a,y\n".getBytes(java.nio.charset.Charset.forName("UTF-32LE"))));
        assertThat(TextFiles.notUtf8(le)).isEqualTo(le + " is UTF-16 text; convert it, e.g. iconv -f utf-16 -t utf-8 " + le + " > utf8-le.csv");
        assertThat(TextFiles.notUtf8(be)).startsWith(be + " is UTF-16 text;");
        assertThat(TextFiles.notUtf8(u32)).startsWith(u32 + " is UTF-32 text;").contains("iconv -f utf-32 -t utf-8");
    }

    @Test
    void theIconvHintQuotesAPathWithSpaces() throws Exception {
        Path f = dir.resolve("my data's.csv");
        Files.write(f, new byte[] {'a', (byte) 0xE9, '\n'});
        String quoted = "'" + f.toString().replace("'", "'\\''") + "'";
        assertThat(TextFiles.notUtf8(f)).endsWith("iconv -f latin1 -t utf-8 " + quoted + " > 'utf8-my data'\\''s.csv'");
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
