package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way of giving the CLI bad input ends the same way: exit code 2, one line on stderr that
 * names the problem and the fix, nothing on stdout, no stack trace, and no output file touched.
 */
class BadInputTest {

    private static final String KEEP = "an earlier result that must survive a failed run\n";

    @TempDir Path dir;
    Path existing;   // passed as --out / --output: must be left as it was

    @BeforeEach
    void earlierResult() throws Exception {
        existing = Files.writeString(dir.resolve("existing.out"), KEEP);
    }

    /** Asserts the failure contract and returns the one error line (without the "greenml cmd: " prefix). */
    private String rejected(Cli.Outcome r, String command, String... mentions) throws Exception {
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        String line = r.errLines().getFirst();
        assertThat(line).startsWith("greenml " + command + ": ").doesNotContain("at dev.greenml")
                .doesNotContain("Exception");
        for (String m : mentions) assertThat(line).contains(m);
        assertThat(Files.readString(existing)).isEqualTo(KEEP);
        return line.substring(("greenml " + command + ": ").length());
    }

    private Cli.Outcome train(Path csv, Object... more) {
        Object[] base = {"train", "--layers", "2,8,1", "--data", csv, "--target", "y", "--epochs", 1,
                "--out", existing, "--threads", 1};
        Object[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return greenml(args);
    }

    private Cli.Outcome predict(Path model, Path input) {
        return greenml("predict", "--model", model, "--input", input, "--output", existing, "--threads", 1);
    }

    private Path csv(String text) {
        return Cli.write(dir.resolve("data.csv"), text);
    }

    private Path trainedModel() {
        Path model = dir.resolve("good.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,8,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 1, "--out", model, "--threads", 1);
        assertThat(r.code()).as(r.toString()).isZero();
        return model;
    }

    // ------------------------------------------------------------------ train: options the model would ignore

    @Test
    void anMlpOptionGivenToAGptRunIsRefusedNotIgnored() throws Exception {
        Path text = Cli.write(dir.resolve("t.txt"), "In the beginning God created the heaven and the earth.\n".repeat(20));
        rejected(greenml("train", "--model", "gpt", "--data", text, "--lr-schedule", "cosine", "--threads", 1),
                "train", "--lr-schedule does not apply to --model gpt", "--warmup", "remove it");
        rejected(greenml("train", "--model", "gpt", "--data", text, "--epochs", 3, "--threads", 1),
                "train", "--epochs does not apply to --model gpt", "--steps or --max-minutes");
    }

    @Test
    void aGptOptionGivenToAnMlpRunIsRefusedNotIgnored() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--heads", 4), "train", "--heads applies to --model gpt only");
    }

    @Test
    void optionsThatTheChosenDataOrPresetWouldIgnoreAreRefused() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--data-dir", dir), "train", "--data-dir applies to a named data set", "remove it");
        rejected(greenml("train", "--data", "fashion-mnist", "--model", "cnn", "--activation", "tanh", "--threads", 1),
                "train", "--activation applies to an MLP of your own", "--model cnn");
        rejected(greenml("train", "--data", "fashion-mnist", "--model", "mlp", "--target", "y", "--threads", 1),
                "train", "--target names a CSV column");
    }

    // ------------------------------------------------------------------ train: data

    @Test
    void missingDataFile() throws Exception {
        Path missing = dir.resolve("nowhere.csv");
        rejected(train(missing), "train", missing.toString(), "not found");
    }

    @Test
    void rowWithTheWrongNumberOfCellsNamesFileAndLine() throws Exception {
        Path f = csv("a,b,y\n1,2,3\n4,5\n");
        rejected(train(f), "train", f + ":3:", "2 values", "3 columns");
    }

    @Test
    void nonNumericCellNamesLineAndColumn() throws Exception {
        Path f = csv("a,b,y\n1,2,3\n4,red,6\n");
        rejected(train(f), "train", f + ":3:", "'b'", "'red'", "not a number");
    }

    @Test
    void csvThatIsNotUtf8NamesTheByteTheLineAndIconv() throws Exception {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, "a,b,y\n1,2,3\n4,caf\u00e9,6\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        rejected(train(f), "train", f.toString(), "not UTF-8", "0xE9", "line 3", "iconv -f latin1 -t utf-8");
        rejected(predict(trainedModel(), f), "predict", f.toString(), "not UTF-8", "0xE9", "line 3", "iconv");
        // a model file given as data is binary, not text in another encoding
        Path model = trainedModel();
        rejected(train(model), "train", model.toString(), "binary file", "UTF-8 text file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "inf", "-inf", "Infinity", "-Infinity"})
    void nanAndInfinityCellsAreRefused(String cell) throws Exception {
        Path f = csv("a,b,y\n1,2,3\n4," + cell + ",6\n");
        rejected(train(f), "train", f + ":3:", "'b'", "NaN and infinite values");
    }

    @Test
    void emptyCellIsCalledMissing() throws Exception {
        Path f = csv("a,b,y\n1,2,3\n4,,6\n");
        rejected(train(f), "train", f + ":3:", "'b'", "empty");
    }

    @Test
    void unknownTargetListsTheColumns() throws Exception {
        Path f = csv("a,b,z\n1,2,3\n4,5,6\n");
        rejected(train(f), "train", "'y'", "[a, b, z]");
    }

    @Test
    void layersThatDoNotStartWithTheFeatureCount() throws Exception {
        Path f = csv("a,b,c,y\n1,2,3,4\n5,6,7,8\n");
        rejected(train(f), "train", "--layers starts with 2", "3 feature columns", "start --layers with 3");
    }

    @Test
    void classIndexBeyondTheOutputs() throws Exception {
        Path f = csv("a,b,y\n1,2,0\n3,4,1\n5,6,3\n");
        rejected(greenml("train", "--layers", "2,8,3", "--loss", "cross-entropy", "--data", f, "--target", "y",
                "--out", existing), "train", "class 3", "end --layers with 4");
    }

    @Test
    void fractionalClassLabel() throws Exception {
        Path f = csv("a,b,y\n1,2,0\n3,4,1.5\n");
        rejected(greenml("train", "--layers", "2,8,2", "--loss", "cross-entropy", "--data", f, "--target", "y",
                "--out", existing), "train", "1.5", "class indices");
    }

    // ------------------------------------------------------------------ train: options

    @ParameterizedTest
    @ValueSource(ints = {0, -3})
    void epochsMustBePositive(int epochs) throws Exception {
        Path f = Cli.regressionCsv(dir);
        rejected(greenml("train", "--layers", "2,8,1", "--data", f, "--target", "y", "--epochs", epochs,
                "--out", existing), "train", "--epochs", String.valueOf(epochs), "at least 1");
    }

    @Test
    void unknownOptimizer() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--optimizer", "rmsprop"), "train", "'rmsprop'", "sgd, adam or adamw");
    }

    @Test
    void unknownLoss() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--loss", "hinge"), "train", "'hinge'", "mse or cross-entropy");
    }

    @Test
    void unknownActivation() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--activation", "swish"), "train", "swish", "relu");
    }

    @Test
    void malformedLayers() throws Exception {
        rejected(greenml("train", "--layers", "2,x,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--out", existing), "train", "'x'", "1000,200,100,1");
    }

    @Test
    void optionValueOfTheWrongTypeIsOneLineToo() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--lr", "fast"), "train", "'fast'", "--lr", "--help");
    }

    @Test
    void unknownOptionIsOneLineToo() throws Exception {
        rejected(train(Cli.regressionCsv(dir), "--epoch", "3"), "train", "--epoch", "--help");
    }

    @Test
    void missingRequiredOptionIsOneLineToo() throws Exception {
        rejected(greenml("train", "--layers", "2,8,1", "--target", "y", "--out", existing), "train", "--data", "--help");
    }

    // ------------------------------------------------------------------ predict and inspect

    @Test
    void predictWithTheWrongNumberOfColumns() throws Exception {
        Path model = trainedModel();
        Path f = csv("a,b,y\n1,2,3\n");
        rejected(predict(model, f), "predict", "3 columns", "expects 2", "--drop");
    }

    @Test
    void predictDropOfAnUnknownColumn() throws Exception {
        Path model = trainedModel();
        Path f = csv("a,b,y\n1,2,3\n");
        rejected(greenml("predict", "--model", model, "--input", f, "--drop", "target", "--output", existing),
                "predict", "--drop target", "[a, b, y]");
    }

    @Test
    void predictAndInspectRefuseRandomBytes() throws Exception {
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        Path f = Files.write(dir.resolve("noise.safetensors"), noise);
        rejected(predict(f, csv("a,b\n1,2\n")), "predict", f.toString(), "not a safetensors file");
        rejected(greenml("inspect", f), "inspect", f.toString(), "not a safetensors file");
    }

    @Test
    void predictAndInspectRefuseATruncatedModelFile() throws Exception {
        byte[] whole = Files.readAllBytes(trainedModel());
        Path f = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(whole, whole.length / 2));
        rejected(predict(f, csv("a,b\n1,2\n")), "predict", f.toString(), "truncated");
        rejected(greenml("inspect", f), "inspect", f.toString(), "truncated");
    }

    @Test
    void predictAndInspectRefuseAnEmptyFile() throws Exception {
        Path f = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        rejected(predict(f, csv("a,b\n1,2\n")), "predict", f.toString(), "0 bytes", "empty");
        rejected(greenml("inspect", f), "inspect", f.toString(), "0 bytes", "empty");
    }

    @Test
    void predictAndInspectOnAMissingModelFile() throws Exception {
        Path f = dir.resolve("absent.safetensors");
        rejected(predict(f, csv("a,b\n1,2\n")), "predict", f.toString(), "no such file");
        rejected(greenml("inspect", f), "inspect", f.toString(), "no such file");
    }

    @Test
    void predictOnSafetensorsWithoutGreenmlConfig() throws Exception {
        Path f = dir.resolve("foreign.safetensors");
        SafeTensors.write(f, List.of(TensorEntry.ofFloats("0.weight", new long[] {1, 2}, new float[] {1, 2}),
                TensorEntry.ofFloats("0.bias", new long[] {1}, new float[] {0})), Map.of("format", "pt"));
        rejected(predict(f, csv("a,b\n1,2\n")), "predict", ModelFile.CONFIG, "greenml inspect");
        assertThat(greenml("inspect", f).code()).isZero();
    }

    @Test
    void predictOnAModelWhoseTensorShapeDisagreesWithItsConfig() throws Exception {
        Path f = dir.resolve("inconsistent.safetensors");
        SafeTensors.write(f, List.of(
                TensorEntry.ofFloats("0.weight", new long[] {8, 3}, new float[24]),
                TensorEntry.ofFloats("0.bias", new long[] {8}, new float[8]),
                TensorEntry.ofFloats("2.weight", new long[] {1, 8}, new float[8]),
                TensorEntry.ofFloats("2.bias", new long[] {1}, new float[1])),
                Map.of(ModelFile.CONFIG, "{\"architecture\":\"mlp\",\"layers\":[2,8,1],\"activation\":\"relu\"}"));
        rejected(predict(f, csv("a,b\n1,2\n")), "predict", "'0.weight'", "[8, 3]", "[8, 2]");
    }

    @Test
    void predictOnADirectoryInsteadOfAModel() throws Exception {
        rejected(predict(dir, csv("a,b\n1,2\n")), "predict", dir.toString());
    }

    // ------------------------------------------------------------------ demo

    @Test
    void demoRefusesZeroSteps() throws Exception {
        rejected(greenml("demo", "--steps", 0, "--out", existing), "demo", "--steps", "at least 1");
    }

    @Test
    void negativeThreads() throws Exception {
        rejected(greenml("demo", "--threads", -1, "--out", existing), "demo", "--threads", "-1");
    }
}
