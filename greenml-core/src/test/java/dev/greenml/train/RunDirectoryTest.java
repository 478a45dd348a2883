package dev.greenml.train;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir Path dir;

    @Test
    void aHistoryThatIsNotUtf8IsNamedWithItsBadByte() throws Exception {
        RunDirectory run = new RunDirectory(dir);
        Files.write(run.history(), "{\"epoch\":1}\n{\"epoch\":2,\"note\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        // --resume truncates the history to the checkpoint: Java alone says only "Input length = 1"
        assertThatThrownBy(() -> run.truncateHistory(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(run.history().toString()).hasMessageContaining("not UTF-8")
                .hasMessageContaining("byte 0xE9 at line 2");
    }
}
