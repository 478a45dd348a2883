package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script at the repository root: its stderr filter passes everything but the JDK's incubator warning. */
class LauncherTest {

    @TempDir Path dir;

    @Test
    void stderrFilterPassesLinesAfterANulByte() throws Exception {
        Path launcher = Path.of("..", "greenml").toAbsolutePath().normalize();
        assertThat(launcher).exists();
        // GREENML_JAVA_OPTS puts a source file before the launcher's -cp: java runs it instead of greenml
        // (the launcher's own arguments become its unused arguments), so no build is needed
        Path emit = Files.writeString(dir.resolve("Emit.java"), """
                public class Emit {
                    public static void main(String[] args) {
                        System.err.print("sample: a\\u0000b\\u0001c\\u0008\\n");
                        System.err.print("Footprint (modelled) after the sample\\n");
                        System.err.flush();
                    }
                }
                """);
        // run in dir and name Emit.java relatively: GREENML_JAVA_OPTS is split at spaces, and the temp dir may hold some
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--version").redirectErrorStream(false)
                .directory(dir.toFile());
        pb.environment().put("GREENML_NO_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("GREENML_JAVA_OPTS", emit.getFileName().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(err, StandardCharsets.UTF_8);
        assertThat(text).as(text).contains("a\u0000b").contains("Footprint (modelled) after the sample")
                .doesNotContain("binary file matches").doesNotContain("WARNING: Using incubator modules");
    }
}
