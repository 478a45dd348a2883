package dev.greenml.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks made on an output path before any work, so that a run neither destroys one of its inputs
 * nor trains for an hour and then finds it cannot save: whether two paths are one file, and why a
 * file could not be written somewhere. Each check returns the problem as a sentence (or null) and
 * leaves the exception to the caller, whose commands report bad input in their own way.
 */
public final class OutputFiles {

    private OutputFiles() {}

    /** The real files when both exist (links, "..", hard links), the normalized absolute paths otherwise. */
    public static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        } catch (IOException e) {
            // unreadable metadata: fall back to comparing the names
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * Why {@code file} (described by {@code what}, e.g. "--out m.safetensors") cannot be created or
     * replaced, or null when it can: empty, a directory, or in a place that takes no new files.
     */
    public static String whyNotWritableFile(String what, Path file) {
        if (file.toString().isEmpty()) return what.strip() + " is empty; give a file name";
        // not normalize(): "link/../x" lives in link's target's parent, which a lexical ".." would miss
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) return "cannot write " + what + ": it is a directory; give a file name";
        return whyNotWritableIn(what, abs.getParent());
    }

    /**
     * Why no file can be created in {@code dir} (or, when it does not exist yet, in its nearest
     * existing ancestor, since creating the directory needs the same rights), or null when one can.
     * It creates and deletes an empty file there: the only test that also knows read-only mounts,
     * /proc, ACLs and root's exemptions, which permission bits do not tell.
     */
    public static String whyNotWritableIn(String what, Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return "cannot write " + what + ": no part of " + dir + " exists";
        if (!Files.isDirectory(existing)) {
            return "cannot write " + what + ": " + existing + " is a file, not a directory; choose another path";
        }
        try {
            existing = existing.toRealPath();   // the directory the file would really go to, links and ".." resolved
        } catch (IOException e) {
            // unreadable: name it as given
        }
        try {
            Files.delete(Files.createTempFile(existing, ".greenml-", ".probe"));
            return null;
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : "it accepts no new files";
            return "cannot write " + what + ": cannot create a file in " + existing + " (" + why + "); choose a writable location";
        }
    }
}
