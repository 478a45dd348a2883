package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command's output lands on a file a run directory owns (run.json, history.jsonl,
 * footprint.json, emissions.csv, the checkpoint and model files): one rule in OutputPaths,
 * checked before any work, so the run stays readable by greenml report and --resume.
 */
class RunFilesOutputTest {

    @TempDir Path dir;

    private static void refused(Cli.Outcome r, String... mentions) {
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        for (String m : mentions) assertThat(r.err()).as(r.toString()).contains(m);
    }

    private Path trainedRun() {
        Path run = dir.resolve("reg1");
        Cli.Outcome train = greenml("train", "--layers", "2,4,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 1, "--run-dir", run, "--threads", 1);
        assertThat(train.code()).as(train.toString()).isZero();
        return run;
    }

    @Test
    void reportPredictAndQuantizeRefuseTheRunsOwnFiles() throws Exception {
        Path run = trainedRun();
        byte[] footprint = Files.readAllBytes(run.resolve("footprint.json"));
        byte[] history = Files.readAllBytes(run.resolve("history.jsonl"));
        byte[] runJson = Files.readAllBytes(run.resolve("run.json"));
        byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
        byte[] checkpoint = Files.readAllBytes(run.resolve("checkpoint.safetensors"));

        for (String name : new String[] {"footprint.json", "history.jsonl", "run.json"}) {
            refused(greenml("report", run, "--out", run.resolve(name)), "--out", name, "run directory");
        }
        refused(greenml("predict", "--model", run.resolve("model.safetensors"), "--input", dir.resolve("regression.csv"),
                "--drop", "y", "--output", run.resolve("footprint.json"), "--threads", 1), "--output", "footprint.json");
        refused(greenml("quantize", "--model", run.resolve("model.safetensors"), "--out", run.resolve("checkpoint.safetensors")),
                "--out", "checkpoint.safetensors");

        assertThat(Files.readAllBytes(run.resolve("footprint.json"))).isEqualTo(footprint);
        assertThat(Files.readAllBytes(run.resolve("history.jsonl"))).isEqualTo(history);
        assertThat(Files.readAllBytes(run.resolve("run.json"))).isEqualTo(runJson);
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isEqualTo(model);
        assertThat(Files.readAllBytes(run.resolve("checkpoint.safetensors"))).isEqualTo(checkpoint);
        // a file of another name in the run directory is still fine
        Cli.Outcome page = greenml("report", run, "--out", run.resolve("report.html"));
        assertThat(page.code()).as(page.toString()).isZero();
    }

    @Test
    void aRunJsonThatGreenmlDidNotWriteBlocksNothing() throws Exception {
        Path run = trainedRun();
        // run.json is a common name for other tools' configuration; one without greenml's schema, or not JSON at all
        for (String other : new String[] {"{\"name\":\"my config\",\"schema\":{\"v\":1}}\n", "not json\n"}) {
            Path folder = Files.createDirectories(dir.resolve("cfg" + other.length()));
            Cli.write(folder.resolve("run.json"), other);
            Cli.Outcome q = greenml("quantize", "--model", run.resolve("model.safetensors"), "--out", folder.resolve("model.safetensors"));
            assertThat(q.code()).as(q.toString()).isZero();
            Cli.Outcome fp = greenml("footprint", "run", "--out", folder, "--", "true");
            assertThat(fp.code()).as(fp.toString()).isZero();
            assertThat(folder.resolve("footprint.json")).exists();
        }
    }

    @Test
    void reportRefusesTheFootprintOfARunDirectoryWithoutRunJson() throws Exception {
        // footprint run writes footprint.json without run.json: the report still reads it
        Path fp = Files.createDirectories(dir.resolve("fp"));
        Cli.Outcome metered = greenml("footprint", "run", "--out", fp, "--", "true");
        assertThat(metered.code()).as(metered.toString()).isZero();
        byte[] before = Files.readAllBytes(fp.resolve("footprint.json"));
        refused(greenml("report", fp, "--out", fp.resolve("footprint.json")), "--out", "footprint.json");
        assertThat(Files.readAllBytes(fp.resolve("footprint.json"))).isEqualTo(before);
    }

    @Test
    void trainRefusesAnOutInsideItsOwnRunDirectoryBeforeTraining() {
        Path csv = Cli.regressionCsv(dir);
        for (String name : new String[] {"footprint.json", "history.jsonl"}) {
            Path run = dir.resolve("o-" + name);
            Cli.Outcome r = greenml("train", "--layers", "2,4,1", "--data", csv, "--target", "y", "--epochs", 1,
                    "--run-dir", run, "--out", run.resolve(name), "--threads", 1);
            refused(r, "--out", name, "run directory");
            assertThat(run.resolve("run.json")).as("nothing trained").doesNotExist();
        }
    }

    @Test
    void generateRefusesAFootprintOutOnTheTokenizerBesideTheModel() throws Exception {
        Path text = Cli.write(dir.resolve("t.txt"), "In the beginning God created the heaven and the earth.\n".repeat(30));
        Path model = dir.resolve("gpt.safetensors");
        Cli.Outcome train = greenml("train", "--model", "gpt", "--data", text, "--layers", 1, "--heads", 2, "--width", 16,
                "--context", 16, "--batch-size", 4, "--steps", 2, "--eval-every", 2, "--eval-windows", 1, "--tokenizer", "byte",
                "--threads", 1, "--sample-tokens", 0, "--run-dir", dir.resolve("gptrun"), "--out", model);
        assertThat(train.code()).as(train.toString()).isZero();
        Path tok = dir.resolve("gpt.tokenizer.json");
        byte[] before = Files.readAllBytes(tok);
        refused(greenml("generate", "--model", model, "--tokens", 2, "--threads", 1, "--footprint-out", tok),
                "--footprint-out", "tokenizer");
        assertThat(Files.readAllBytes(tok)).isEqualTo(before);
    }

    @Test
    void emptyAndUnwritableOutputsAreNamedUpFront() throws Exception {
        Path run = Files.createDirectories(dir.resolve("r"));
        Cli.write(run.resolve("footprint.json"), "{}\n");
        refused(greenml("report", run, "--out", "/proc/x.html"), "--out /proc/x.html", "choose a writable location");
        refused(greenml("predict", "--model", dir.resolve("m.safetensors"), "--input", dir.resolve("x.csv"), "--output", ""),
                "--output is empty");
    }

    @Test
    void pathsAreShownWithoutDotSegmentsAndInspectJsonKeepsStderrQuiet() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Path model = dir.resolve("sub/../.").resolve("m.safetensors");
        Cli.Outcome train = greenml("train", "--layers", "2,4,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 1, "--out", model, "--threads", 1);
        assertThat(train.code()).as(train.toString()).isZero();
        String shown = dir.toRealPath().resolve("m.safetensors").toString();
        assertThat(train.out()).contains("copied to " + shown).doesNotContain("/../").doesNotContain("/./");
        assertThat(train.err()).doesNotContain("/../").doesNotContain("/./");

        Cli.Outcome inspect = greenml("inspect", model, "--json");
        assertThat(inspect.code()).as(inspect.toString()).isZero();
        assertThat(inspect.json().get("tensors")).isNotEmpty();
        assertThat(inspect.err()).as("the listing is for humans; --json prints the object alone").isEmpty();
    }
}
