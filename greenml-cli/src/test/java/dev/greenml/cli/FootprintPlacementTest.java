package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that is not a training run never replaces a run directory's footprint.json (docs/footprint-method.md). */
class FootprintPlacementTest {

    @TempDir Path dir;

    @Test
    void predictAndPruneIntoARunDirectoryLeaveItsFootprintAlone() throws Exception {
        Path run = dir.resolve("run");
        Cli.Outcome train = greenml("train", "--layers", "2,8,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 2, "--run-dir", run, "--threads", 1);
        assertThat(train.code()).as(train.toString()).isZero();
        Path footprint = run.resolve("footprint.json");
        byte[] before = Files.readAllBytes(footprint);
        Path model = run.resolve("model.safetensors");
        assertThat(model).exists();

        Cli.Outcome predict = greenml("predict", "--model", model, "--input", dir.resolve("regression.csv"), "--drop", "y",
                "--output", run.resolve("preds.csv"), "--threads", 1);
        assertThat(predict.code()).as(predict.toString()).isZero();
        assertThat(predict.err()).contains(run.resolve("preds.footprint.json").toAbsolutePath().toString());
        assertThat(run.resolve("preds.footprint.json")).exists();

        Cli.Outcome prune = greenml("prune", "--model", model, "--sparsity", 0.5, "--out", run.resolve("pruned.safetensors"),
                "--threads", 1);
        assertThat(prune.code()).as(prune.toString()).isZero();
        assertThat(run.resolve("pruned.footprint.json")).exists();

        assertThat(Files.readAllBytes(footprint)).as("the training run's footprint.json").isEqualTo(before);
        assertThat(greenml("report", run, "--out", dir.resolve("r.html")).code()).isZero();
        assertThat(Files.readString(dir.resolve("r.html"))).doesNotContain("greenml-predict").doesNotContain("greenml-prune");

        Cli.Outcome refused = greenml("predict", "--model", model, "--input", dir.resolve("regression.csv"), "--drop", "y",
                "--output", dir.resolve("p2.csv"), "--footprint-out", footprint, "--threads", 1);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("--footprint-out").hasLineCount(1);
        assertThat(Files.readAllBytes(footprint)).isEqualTo(before);
    }

    @Test
    void generateFromARunDirectoryLeavesItsFootprintAlone() throws Exception {
        Path text = Cli.write(dir.resolve("t.txt"), "In the beginning God created the heaven and the earth.\n".repeat(30));
        Path run = dir.resolve("gpt");
        Cli.Outcome train = greenml("train", "--model", "gpt", "--data", text, "--layers", 1, "--heads", 2, "--width", 16,
                "--context", 16, "--batch-size", 4, "--steps", 2, "--eval-every", 2, "--eval-windows", 1, "--tokenizer", "byte",
                "--threads", 1, "--sample-tokens", 2, "--run-dir", run);
        assertThat(train.code()).as(train.toString()).isZero();
        Path footprint = run.resolve("footprint.json");
        byte[] before = Files.readAllBytes(footprint);

        Path mine = dir.resolve("gen.footprint.json");
        Cli.Outcome gen = greenml("generate", "--model", run.resolve("model.safetensors"), "--tokens", 3, "--threads", 1,
                "--footprint-out", mine);
        assertThat(gen.code()).as(gen.toString()).isZero();
        assertThat(mine).exists();
        assertThat(dir.resolve("emissions.csv")).exists();
        assertThat(Files.readAllBytes(footprint)).isEqualTo(before);
        assertThat(FootprintOut.beside(Path.of("runs/x/preds.csv"))).isEqualTo(Path.of("runs/x/preds.footprint.json"));
    }

    @Test
    void demoAndFootprintRunRefuseARunDirectoryBeforeTheirWork() throws Exception {
        Path run = Files.createDirectories(dir.resolve("r1"));
        Cli.write(run.resolve("run.json"), "{\"schema\":\"greenml-run/1\",\"status\":\"completed\"}\n");
        Path footprint = Cli.write(run.resolve("footprint.json"), "{\"mine\":true}\n");

        Cli.Outcome demo = greenml("demo", "--steps", 1, "--batch-size", 8, "--out", run.resolve("bm.safetensors"));
        assertThat(demo.code()).as(demo.toString()).isEqualTo(2);
        assertThat(demo.err()).hasLineCount(1).contains("footprint report of the training run in").contains("--out");
        assertThat(run.resolve("bm.safetensors")).doesNotExist();

        Path marker = dir.resolve("ran");
        Cli.Outcome fp = greenml("footprint", "run", "--out", run, "--", "touch", marker);
        assertThat(fp.code()).as(fp.toString()).isEqualTo(2);
        assertThat(fp.err()).hasLineCount(1).contains("training run in").contains("choose another --out directory");
        assertThat(marker).as("the command must not run").doesNotExist();
        assertThat(Files.readString(footprint)).isEqualTo("{\"mine\":true}\n");
    }
}
