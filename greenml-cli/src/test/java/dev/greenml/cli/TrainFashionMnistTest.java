package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.data.FashionMnist;
import dev.greenml.io.ModelFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** greenml train on a named dataset: a quick run on a subset, and the errors a user can meet. */
class TrainFashionMnistTest {

    @TempDir Path dir;

    record Outcome(int code, String out, String err) {}

    /** Runs the CLI in-process, capturing System.out/err (where commands print) and picocli's writers. */
    static synchronized Outcome greenml(String... args) {
        PrintStream savedOut = System.out, savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        StringWriter clErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(clErr, true));
            int code = cl.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) + clErr);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test void trainsTheMlpPresetOnASubsetAndReportsTestAccuracy() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        Path model = dir.resolve("mlp.safetensors");
        Outcome r = greenml("train", "--run-dir", dir.resolve("run").toString(), "--data", "fashion-mnist", "--model", "mlp", "--epochs", "1", "--limit", "1200",
                "--backend", "java", "--out", model.toString(), "--json", "--country", "FR");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("test_rows").asInt()).isEqualTo(200);                        // --limit 1200 → 1200/6 test images
        assertThat(j.get("test_accuracy").asDouble()).isGreaterThan(0.4);             // chance is 0.1
        assertThat(j.at("/training/loss").asText()).isEqualTo("cross-entropy");      // the default for images
        assertThat(j.at("/data/dataset").asText()).isEqualTo("fashion-mnist");
        assertThat(j.at("/architecture/layers").toString()).isEqualTo("[784,256,128,10]");
        assertThat(r.err()).contains("test: loss").contains("1,080 train, 120 validation");
        assertThat(ModelFile.load(model).model().parameterCount()).isEqualTo(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    }

    @Test void missingDataDirectorySaysHowToInstallIt() {
        Outcome r = greenml("train", "--data", "fashion-mnist", "--model", "cnn", "--data-dir", dir.resolve("none").toString(),
                "--out", dir.resolve("m.safetensors").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("apt-get install dataset-fashion-mnist").contains("--data-dir");
    }

    @Test void layersAndModelAreAlternativesAndCsvNeedsATarget() {
        Outcome both = greenml("train", "--data", "fashion-mnist", "--model", "mlp", "--layers", "784,10");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("either --layers").contains("not both");
        Outcome unknown = greenml("train", "--data", "fashion-mnist", "--model", "resnet");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown model preset 'resnet'").contains("mlp, cnn");
        Outcome csv = greenml("train", "--data", dir.resolve("x.csv").toString(), "--layers", "2,1");
        assertThat(csv.code()).isEqualTo(2);
        assertThat(csv.err()).contains("--target COLUMN is needed");
        Outcome wrongWidth = greenml("train", "--data", "fashion-mnist", "--layers", "100,10");
        assertThat(wrongWidth.code()).isEqualTo(2);
        assertThat(wrongWidth.err()).contains("784 pixels per image");
    }
}
