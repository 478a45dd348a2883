package dev.greenml.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test
    void smallContentIsWrittenEvenWhenTheWriterDoesNotClose() throws Exception {
        Path f = dir.resolve("a/b.txt");
        assertThat(AtomicFiles.writeString(f, "hello")).isEqualTo(5);
        assertThat(Files.readString(f)).isEqualTo("hello");
        try (var s = Files.list(dir.resolve("a"))) {
            assertThat(s.toList()).containsExactly(f); // no temporary file left behind
        }
    }
}
