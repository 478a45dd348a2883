package dev.greenml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.data.Dataset;
import dev.greenml.io.ModelFile;
import dev.greenml.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point, run in this JVM on the shared local Spark context. */
class SparkTrainTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = SparkTrain.run(args, LocalSpark.context(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path csv(Path dir, Dataset d) throws Exception {
        StringBuilder s = new StringBuilder("x0,x1,x2,x3,y\n");
        for (int r = 0; r < d.rows(); r++) {
            for (int c = 0; c < 4; c++) s.append(d.x()[r * 4 + c]).append(',');
            s.append(d.targets()[r]).append('\n');
        }
        Path f = dir.resolve("data.csv");
        Files.writeString(f, s);
        return f;
    }

    @Test
    void trainsFromACsvAndWritesAModelFileGreenmlLoads(@TempDir Path dir) throws Exception {
        Dataset data = TestData.regression(300, 21);
        Path file = csv(dir, data), model = dir.resolve("m.safetensors");
        Run r = run("--data", file.toString(), "--target", "y", "--layers", "4,16,1", "--activation", "tanh", "--lr", "0.02",
                "--partitions", "3", "--local-steps", "4", "--rounds", "10", "--out", model.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 partitions, K=4 local steps, 10 rounds").contains("round 10/10")
                .contains("(modelled:").contains("model: " + model);
        ModelFile.Loaded loaded = ModelFile.load(model);
        String training = loaded.metadata().get(ModelFile.TRAINING);
        assertThat(training).contains("\"trainer\":\"spark-parameter-averaging\"").contains("\"partitions\":3")
                .contains("\"target\":\"y\"").contains("\"rows\":300");
        assertThat(loaded.metadata().get(ModelFile.FOOTPRINT)).contains("\"energy_method\":\"modelled\"");
        // the file's model scores what the run reported, and beats predicting the mean
        double recorded = new com.fasterxml.jackson.databind.ObjectMapper().readTree(training).path("final_loss").asDouble();
        double reloaded = Trainer.evaluate(loaded.model(), data, "mse", 1024).loss();
        assertThat(reloaded).isCloseTo(recorded, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(reloaded).isLessThan(0.5 * SparkTrain.meanPredictorMse(data));
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path file = csv(dir, TestData.regression(20, 22)), out = dir.resolve("m.safetensors");
        String[][] cases = {
            {"--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--local-steps", "0", "--out", out.toString()},
            {"--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--partitions", "0", "--out", out.toString()},
            {"--data", file.toString(), "--target", "y", "--layers", "3,8,1", "--out", out.toString()},
            {"--data", file.toString(), "--target", "nope", "--layers", "4,8,1", "--out", out.toString()},
            {"--data", dir.resolve("missing.csv").toString(), "--target", "y", "--layers", "4,8,1", "--out", out.toString()},
            {"--data", file.toString(), "--target", "y", "--layers", "4,8,1"},
            {"--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--out", out.toString(), "--rounds", "ten"},
            {"--epochs", "3"},
        };
        String[] expected = {
            "error: local steps K must be at least 1, got 0",
            "error: --partitions must be at least 1, got 0",
            "error: --layers starts with 3 inputs but",
            "error: " + file + ": no column named 'nope'",
            "error: " + dir.resolve("missing.csv") + ": file not found",
            "error: --out is required",
            "error: --rounds must be a whole number, got 'ten'",
            "error: unknown option --epochs",
        };
        for (int i = 0; i < cases.length; i++) {
            Run r = run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(r.err()).startsWith(expected[i]);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        }
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void anOutputThatWouldDestroyAnInputOrCannotBeWrittenIsRefusedBeforeTheDataIsReadOrSparkRuns(@TempDir Path dir)
            throws Exception {
        Path file = csv(dir, TestData.regression(20, 24));
        String before = Files.readString(file);
        Path aFile = Files.writeString(dir.resolve("feat.csv"), "a,b\n1,2\n");
        Files.createDirectories(dir.resolve("models"));
        String[] outs = {file.toString(), dir.resolve(".").resolve("data.csv").toString(), "/proc/x.safetensors",
            aFile.resolve("x.safetensors").toString(), dir.resolve("models").toString()};
        String[] expected = {
            "error: --out " + file + " is the same file as --data; choose another output path",
            "error: --out " + outs[1] + " is the same file as --data; choose another output path",
            "error: cannot write --out /proc/x.safetensors: cannot create a file in /proc (",
            "error: cannot write --out " + outs[3] + ": " + aFile + " is a file, not a directory; choose another path",
            "error: cannot write --out " + outs[4] + ": it is a directory; give a file name",
        };
        for (int i = 0; i < outs.length; i++) {
            Run r = run("--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--rounds", "1", "--out", outs[i]);
            assertThat(r.code()).as(outs[i] + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith(expected[i]).doesNotContain("bytes free");
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.out()).as("nothing trained").isEmpty();
            assertThat(Files.readString(file)).isEqualTo(before);
        }
        // an --intensity-file is an input too
        Path grid = Files.writeString(dir.resolve("grid.csv"), "timestamp,gco2e_per_kwh\n2020-01-01T00:00:00Z,100\n");
        Run r = run("--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--intensity-file", grid.toString(),
                "--out", grid.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --out " + grid + " is the same file as --intensity-file");
    }

    @Test
    void aSaveThatFailsBecauseAFileIsInTheWayNamesThatFileNotFreeSpace(@TempDir Path dir) throws Exception {
        Path aFile = Files.writeString(dir.resolve("feat.csv"), "x");
        Path out = aFile.resolve("sub").resolve("m.safetensors");
        var e = new dev.greenml.io.safetensors.ModelFileException(out + ": cannot write the model file (Not a directory);"
                + " check that the directory is writable and has 2764 bytes free. Any previous file is unchanged");
        assertThat(OutputCheck.saveFailure(out, e)).isEqualTo(out + ": cannot write the model file: " + aFile
                + " is a file, not a directory; choose another --out");
        Path fine = dir.resolve("m.safetensors");
        assertThat(OutputCheck.saveFailure(fine, e)).isEqualTo(e.getMessage());
    }

    @Test
    void theGridAndPueOptionsOfGreenmlsOtherCommandsSetTheCo2e(@TempDir Path dir) throws Exception {
        Path file = csv(dir, TestData.regression(40, 25));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Run r = run("--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--rounds", "1", "--backend", "java",
                "--intensity", "100", "--pue", "1.2", "--json", "--out", dir.resolve("a.safetensors").toString());
        assertThat(r.code()).as(r.err()).isZero();
        var f = json.readTree(r.out()).path("footprint");
        assertThat(f.path("pue").asDouble()).isEqualTo(1.2);
        assertThat(f.path("grid_intensity").asText()).contains("100").contains("explicit").doesNotContain("FALLBACK");
        assertThat(f.path("co2e_grams").asDouble())
                .isCloseTo(f.path("energy_joules").asDouble() / 3.6e6 * 1.2 * 100, org.assertj.core.data.Offset.offset(1e-12));

        r = run("--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--rounds", "1", "--backend", "java",
                "--cloud", "gcp:europe-west1", "--json", "--out", dir.resolve("b.safetensors").toString());
        assertThat(r.code()).as(r.err()).isZero();
        f = json.readTree(r.out()).path("footprint");
        assertThat(f.path("grid_intensity").asText()).contains("europe-west1");
        assertThat(f.path("pue").asDouble()).isEqualTo(dev.greenml.footprint.carbon.Intensities.defaultPue("gcp"));

        // bad values: one line, exit 2, before any training
        Path late = Files.writeString(dir.resolve("late.csv"), "timestamp,gco2e_per_kwh\n2999-01-01T00:00:00Z,100\n");
        String[][] cases = {
            {"--country", "FR", "--intensity", "100"},
            {"--pue", "high"},
            {"--pue", "0.9"},
            {"--country", "XX"},
            {"--intensity-file", late.toString()},
            {"--intensity-file", dir.resolve("none.csv").toString()},
        };
        String[] expected = {
            "error: give one location option, not 2 (--country, --region, --cloud, --intensity, --intensity-file)",
            "error: --pue needs a number (a PUE such as 1.2), got 'high'",
            "error: PUE must be a number >= 1.0",
            "error: Unknown location 'XX'",
            "error: no grid intensity for ",
            "error: intensity file " + dir.resolve("none.csv") + " does not exist",
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new java.util.ArrayList<>(List.of("--data", file.toString(), "--target", "y", "--layers", "4,8,1",
                    "--out", dir.resolve("c.safetensors").toString()));
            args.addAll(List.of(cases[i]));
            r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", cases[i]) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith(expected[i]);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void jsonPrintsOneResultObjectOnStdoutAndTheProgressOnStderr(@TempDir Path dir) throws Exception {
        Path file = csv(dir, TestData.regression(60, 23)), model = dir.resolve("m.safetensors");
        Run r = run("--data", file.toString(), "--target", "y", "--layers", "4,8,1", "--partitions", "2", "--local-steps", "1",
                "--rounds", "2", "--backend", "java", "--json", "--out", model.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip().lines().count()).as(r.out()).isEqualTo(1);
        var result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(result.path("model").asText()).isEqualTo(model.toString());
        assertThat(result.path("training").path("backend").asText()).isEqualTo("java");
        assertThat(result.path("training").path("task_kernels").get(0).asText()).startsWith("java: Vector API");
        assertThat(result.path("footprint").path("energy_method").asText()).isEqualTo("modelled");
        assertThat(result.path("final_loss").isNumber()).isTrue();
        assertThat(r.err()).contains("round 2/2").contains("backend java").contains("model: " + model);
    }

    @Test
    void versionAndHelp() {
        for (String v : new String[] {"-V", "--version"}) {
            Run r = run(v);
            assertThat(r.code()).isZero();
            assertThat(r.out()).isEqualTo("greenml " + dev.greenml.Version.STRING + System.lineSeparator());
        }
        Run help = run("--help");
        assertThat(help.out()).contains("--backend java|blas").contains("--json").contains("-V, --version");
        Run bad = run("--backend", "auto", "--data", "x.csv", "--target", "y", "--layers", "4,8,1", "--out", "m.safetensors");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: unknown backend 'auto' for Spark tasks; choose java, blas");
    }

    @Test
    void aFailedSparkJobIsOneLineWithTheRootCauseAndWhatToCheck() {
        // what greenml's jars missing on an executor look like: the task cannot load a class
        Exception failure = org.assertj.core.api.Assertions.catchException(() -> LocalSpark.context().parallelize(List.of(1), 1)
                .map(i -> {
                    if (i > 0) throw new IllegalStateException(new ClassNotFoundException("dev.greenml.spark.LocalSteps"));
                    return i;
                }).collect());
        assertThat(failure).isNotNull();
        var err = new ByteArrayOutputStream();
        int code = SparkTrain.fail(failure, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(1);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.strip().lines().count()).as(text).isEqualTo(1);
        assertThat(text).startsWith("error: Spark job failed: java.lang.ClassNotFoundException: dev.greenml.spark.LocalSteps")
                .contains("--jars").contains("--add-modules=jdk.incubator.vector").doesNotContain("\tat ");
    }

    @Test
    void underSparkSubmitTheMasterBelongsToSparkSubmit() {
        // what spark-submit sets when it was given no --master: its default, indistinguishable from a chosen local[*]
        System.setProperty("SPARK_SUBMIT", "true");
        System.setProperty("spark.master", "local[*]");
        try {
            assertThatThrownBy(() -> SparkTrain.sparkConf(Map.of("master", "local[2]")))
                    .hasMessageStartingWith("--master local[2] is for running SparkTrain without spark-submit;"
                            + " under spark-submit give it to spark-submit, before the jar (spark-submit --master local[2] ");
            assertThat(SparkTrain.sparkConf(Map.of()).get("spark.master")).isEqualTo("local[*]");
        } finally {
            System.clearProperty("SPARK_SUBMIT");
            System.clearProperty("spark.master");
        }
        assertThat(run("--help").out()).contains("refused under spark-submit");
    }

    @Test
    void underSparkSubmitAMasterIsRefusedBeforeTheDataIsRead(@org.junit.jupiter.api.io.TempDir Path dir) {
        System.setProperty("SPARK_SUBMIT", "true");
        try {
            // the data file does not exist: refused for --master first means nothing was read
            Run r = run("--data", dir.resolve("absent.csv").toString(), "--target", "y", "--layers", "4,1",
                    "--out", dir.resolve("m.safetensors").toString(), "--master", "local[2]");
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--master local[2] is for running SparkTrain without spark-submit").doesNotContain("absent.csv");
        } finally {
            System.clearProperty("SPARK_SUBMIT");
        }
    }

    @Test
    void aMasterThatContradictsSparkSubmitsIsRefused() {
        System.setProperty("spark.master", "yarn");   // what spark-submit --master yarn sets
        try {
            assertThatThrownBy(() -> SparkTrain.sparkConf(Map.of("master", "local[2]")))
                    .hasMessage("--master local[2] conflicts with spark-submit's --master yarn; give the master once");
            assertThat(SparkTrain.sparkConf(Map.of("master", "yarn")).get("spark.master")).isEqualTo("yarn");
            assertThat(SparkTrain.sparkConf(Map.of()).get("spark.master")).isEqualTo("yarn");
        } finally {
            System.clearProperty("spark.master");
        }
    }
}
