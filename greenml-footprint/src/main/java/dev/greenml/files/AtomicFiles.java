package dev.greenml.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never
 * a half-written file: write to a temporary file in the same directory, fsync it, rename it over
 * the target, fsync the directory. If anything fails the target is untouched and the temporary
 * file is removed.
 *
 * <p>Lives in greenml-footprint (which has no dependencies) so that both the footprint reports
 * and the engine's model files use the same mechanism.
 */
public final class AtomicFiles {

    /** Receives the stream to write the new content into. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces {@code target} atomically with what {@code writer} writes; returns bytes written. */
    public static long write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        } catch (FileSystemException e) {
            throw naming(absolute, e);
        }
        try {
            keepUsualPermissions(temp, absolute);
            long size;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                // Buffered; closing it (as a writer may) only flushes, the channel stays open for force().
                java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16) {
                    @Override public void close() throws IOException { flush(); }
                };
                writer.writeTo(buffered);
                buffered.flush();
                size = channel.size();
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            return size;
        } catch (FileSystemException e) {
            Files.deleteIfExists(temp);
            throw temp.toString().equals(e.getFile()) ? naming(absolute, e) : e;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * The temporary file's name means nothing to the caller (".x.csv.1126….tmp: file not found"):
     * the same failure, reported for the file that was asked for and the directory it goes in.
     */
    private static FileSystemException naming(Path target, FileSystemException e) {
        String why = e.getReason() != null ? e.getReason()
                : e instanceof java.nio.file.NoSuchFileException ? "the file system accepts no new files there" : e.getClass().getSimpleName();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new java.nio.file.AccessDeniedException(target.toString(), null, why);
        }
        var named = new FileSystemException(target.toString(), null, "cannot write it in " + target.getParent() + " (" + why + ")");
        named.initCause(e);
        return named;
    }

    /** Replaces {@code target} atomically with {@code bytes}. */
    public static long write(Path target, byte[] bytes) throws IOException {
        return write(target, out -> out.write(bytes));
    }

    /** Replaces {@code target} atomically with {@code text} in UTF-8. */
    public static long writeString(Path target, String text) throws IOException {
        return write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * createTempFile makes the file private (0600); a model or a report is meant to be shared like
     * any file the user creates, so take the replaced file's permissions, or rw-r--r-- for a new one.
     */
    private static void keepUsualPermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) return;
        var perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, perms);
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename itself durable. Not every file system allows opening a directory.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // the data is already synced; only the directory entry's durability is best effort
        }
    }
}
