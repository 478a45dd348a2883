package dev.greenml.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example in README.md, taken from the README as it stands (not a copy that could drift),
 * compiled against the test class path and run in a fresh JVM in a temporary directory (it writes
 * bigmodel.safetensors into its working directory) with 20 steps instead of 1000.
 */
class ReadmeJavaExampleTest {

    @TempDir Path dir;

    static String readmeJavaBlock() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("(?s)## Java API\\s*```java\\n(.*?)\\n```").matcher(readme);
        assertThat(m.find()).as("README.md has a ```java block under ## Java API").isTrue();
        return m.group(1);
    }

    @Test void theReadmeExampleCompilesAsPastedTrainsSavesReloadsAndMeters() throws Exception {
        String source = readmeJavaBlock();
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertThat(cls.find()).as("the example is a complete class").isTrue();
        Path file = dir.resolve(cls.group(1) + ".java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-proc:none", "-d", dir.toString(),
                "-cp", System.getProperty("java.class.path"), file.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", dir + java.io.File.pathSeparator + System.getProperty("java.class.path"), cls.group(1), "20"));
        Path log = dir.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();

        Matcher before = Pattern.compile("loss before (\\S+)").matcher(out);
        Matcher after = Pattern.compile("loss after +(\\S+)").matcher(out);
        assertThat(before.find() && after.find()).as(out).isTrue();
        assertThat(Double.parseDouble(after.group(1))).as("it learns: " + out).isLessThan(Double.parseDouble(before.group(1)) / 2);
        assertThat(Files.size(dir.resolve("bigmodel.safetensors"))).isGreaterThan(800_000);
        assertThat(out).contains("reloaded Mlp").contains("modelled").contains("FR");
    }
}
