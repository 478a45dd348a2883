package dev.greenml.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output checks shared by greenml's commands and SparkTrain, on real files. */
class OutputFilesTest {

    @TempDir Path tmp;

    @Test void oneFileUnderTwoNamesIsTheSameFileAndTwoFilesAreNot() throws Exception {
        Path data = Files.writeString(tmp.resolve("d.csv"), "a\n1\n");
        Files.createDirectories(tmp.resolve("sub"));
        Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), data);
        assertThat(OutputFiles.sameFile(link, data)).isTrue();
        assertThat(OutputFiles.sameFile(tmp.resolve("sub/../d.csv"), data)).isTrue();
        assertThat(OutputFiles.sameFile(tmp.resolve("not-yet/../d.csv"), data)).isTrue();   // lexical when one side is missing
        assertThat(OutputFiles.sameFile(tmp.resolve("other.csv"), data)).isFalse();
    }

    @Test void aWritablePlaceHasNoProblemEvenBeforeItsDirectoriesExist() {
        assertThat(OutputFiles.whyNotWritableFile("--out x", tmp.resolve("a/b/c/m.safetensors"))).isNull();
        assertThat(OutputFiles.whyNotWritableIn("--run-dir r", tmp.resolve("runs/r1"))).isNull();
        assertThat(tmp.resolve("a")).doesNotExist();   // the probe creates nothing that stays
    }

    @Test void eachProblemIsOneSentenceNamingThePathAndTheFix() throws Exception {
        Path file = Files.writeString(tmp.resolve("f.csv"), "x");
        assertThat(OutputFiles.whyNotWritableFile("--out", Path.of(""))).isEqualTo("--out is empty; give a file name");
        assertThat(OutputFiles.whyNotWritableFile("--out " + tmp, tmp)).contains("it is a directory; give a file name");
        assertThat(OutputFiles.whyNotWritableFile("--out f.csv/m", file.resolve("m")))
                .contains(file + " is a file, not a directory; choose another path");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc, which takes no new files even for root");
        assertThat(OutputFiles.whyNotWritableFile("--out /proc/x", Path.of("/proc/x")))
                .startsWith("cannot write --out /proc/x: cannot create a file in /proc (").endsWith("choose a writable location")
                .doesNotContain("\n");
    }
}
