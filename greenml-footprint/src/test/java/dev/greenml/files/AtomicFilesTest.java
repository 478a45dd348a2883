package dev.greenml.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test void smallWritesReachTheFile() throws IOException {
        Path f = dir.resolve("a.txt");
        assertThat(AtomicFiles.writeString(f, "hello")).isEqualTo(5);
        assertThat(Files.readString(f)).isEqualTo("hello");
    }

    @Test void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.bin");
        AtomicFiles.writeString(f, "old content");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("partial new".getBytes());
            throw new IOException("disk full (simulated)");
        })).hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old content");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions() throws IOException {
        Path f = dir.resolve("report.html");
        AtomicFiles.writeString(f, "v1");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(f, "v2");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-rw----");
    }

    @Test void aPlaceThatAcceptsNoFilesIsReportedForTheTargetNotTheTemporaryFile() {
        // /proc refuses new files even to root, whom permission bits do not stop
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")));
        Path target = Path.of("/proc/x.csv");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "a"))
                .isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessageStartingWith("/proc/x.csv")
                .hasMessageNotContaining(".tmp");
    }
}
