package dev.greenml.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Training text: a UTF-8 file by path, or the name {@code kjv} for the King James Bible of the
 * Debian package {@code bible-kjv-text}. That package stores the text compressed in its own
 * format (/usr/lib/bible.data), so it is read through the package's {@code bible} program
 * (package {@code bible-kjv}): {@code bible -l0 gen1:1-rev22:21}, ≈ 4.3 MB with chapter headings
 * ("Genesis 1") and verse numbers at line starts.
 */
public final class Corpus {

    private Corpus() {}

    public static final String KJV = "kjv";

    /** Text of {@code spec}: "kjv" or a path to a UTF-8 text file. */
    public static String load(String spec) throws IOException {
        if (spec.equalsIgnoreCase(KJV)) return kjv();
        Path p = Path.of(spec);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--data " + spec + ": no such file; give a UTF-8 text file or 'kjv'");
        }
        try {
            return dev.greenml.files.TextFiles.readUtf8(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--data " + e.getMessage());
        }
    }

    private static String kjv() throws IOException {
        Path bible = Path.of("/usr/bin/bible");
        if (!Files.isExecutable(bible) || !Files.exists(Path.of("/usr/lib/bible.data"))) {
            throw new IllegalArgumentException("--data kjv needs the Debian packages bible-kjv and bible-kjv-text"
                    + " (apt-get install bible-kjv); or pass a UTF-8 text file");
        }
        Process p = new ProcessBuilder(bible.toString(), "-l0", "gen1:1-rev22:21")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("'bible -l0 gen1:1-rev22:21' failed (exit " + p.exitValue() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the KJV text", e);
        }
        // the KJV text is ASCII; verse lines start with spaces before the number, which only cost tokens
        return new String(out, StandardCharsets.ISO_8859_1).replaceAll("(?m)^ +", "").strip() + "\n";
    }
}
