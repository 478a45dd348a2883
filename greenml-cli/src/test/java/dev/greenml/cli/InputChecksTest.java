package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.tensor.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks made before a command does its work: outputs that are inputs or cannot be written,
 * a model of the wrong kind, options the chosen settings would ignore. Each refusal is exit 2
 * and one line naming the problem and the fix, with nothing written.
 */
class InputChecksTest {

    @TempDir Path dir;

    /** Exit 2, nothing on stdout, one line on stderr that contains every one of {@code mentions}; returns it. */
    private static String rejected(Cli.Outcome r, String command, String... mentions) {
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        String line = r.errLines().getFirst();
        assertThat(line).as(r.toString()).startsWith("greenml " + command + ": ").doesNotContain("Exception").doesNotContain(".tmp");
        for (String m : mentions) assertThat(line).as(r.toString()).contains(m);
        return line;
    }

    private Path mlp(String name, int... layers) throws Exception {
        Path p = dir.resolve(name);
        ModelFile.save(p, new Mlp(new Mlp.Config(layers, Activation.Kind.RELU), new Rng(1)),
                Map.of(ModelFile.TRAINING, "{\"loss\":\"cross-entropy\"}"));
        return p;
    }

    private Path gpt() throws Exception {
        Path p = dir.resolve("gpt.safetensors");
        ModelFile.save(p, new Gpt(new Gpt.Config(300, 32, 1, 2, 16, "gelu_tanh"), new Rng(1)), Map.of());
        return p;
    }

    private static void assumeProc() {
        // /proc takes no new files, even from root, whom permission bits do not stop
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    }

    // ------------------------------------------------------------------ #2 an output that is an input

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputSurvives() throws Exception {
        Path data = Cli.regressionCsv(dir);
        String before = Files.readString(data);
        rejected(greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1, "--out", data),
                "train", "--out " + data + " is the same file as --data; choose another output path");
        rejected(greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1, "--run-dir", data),
                "train", "--run-dir " + data + " is the same file as --data");
        // the same file under another name is still the same file
        Path viaDotDot = dir.resolve("sub").resolve("..").resolve(data.getFileName());
        Files.createDirectories(dir.resolve("sub"));
        rejected(greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1, "--out", viaDotDot),
                "train", "is the same file as --data");
        assertThat(Files.readString(data)).isEqualTo(before);

        Path model = mlp("m.safetensors", 2, 8, 3);
        byte[] modelBytes = Files.readAllBytes(model);
        rejected(greenml("quantize", "--model", model, "--out", model), "quantize", "--out " + model + " is the same file as --model");
        rejected(greenml("prune", "--model", model, "--sparsity", "0.5", "--out", model), "prune", "is the same file as --model");
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", data), "predict",
                "--output " + data + " is the same file as --input");
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", model), "predict",
                "is the same file as --model");
        rejected(greenml("distill", "--teacher", model, "--student-layers", "784,16,10", "--data", dir, "--out", model),
                "distill", "is the same file as --teacher");
        assertThat(Files.readAllBytes(model)).isEqualTo(modelBytes);
        assertThat(Files.readString(data)).isEqualTo(before);
    }

    @Test
    void aFootprintReportThatIsAnInputOrOutputOrUnwritableIsRefusedBeforeTheWork() throws Exception {
        Path data = Cli.regressionCsv(dir), model = mlp("m.safetensors", 2, 8, 1), preds = dir.resolve("p.csv");
        byte[] modelBytes = Files.readAllBytes(model);
        String before = Files.readString(data);
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", preds, "--footprint-out", preds),
                "predict", "--footprint-out " + preds + " is the same file as --output");
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", preds, "--footprint-out", data),
                "predict", "--footprint-out " + data + " is the same file as --input");
        // the emissions.csv beside the report gets a row: it must not be the output either
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", dir.resolve("emissions.csv")),
                "predict", "is the emissions.csv beside --footprint-out");
        rejected(greenml("prune", "--model", model, "--sparsity", "0.5", "--out", dir.resolve("q.safetensors"),
                "--footprint-out", model), "prune", "--footprint-out " + model + " is the same file as --model");
        rejected(greenml("generate", "--model", model, "--tokens", 2, "--footprint-out", model), "generate",
                "is the same file as --model");
        rejected(greenml("distill", "--teacher", model, "--student-layers", "784,16,10", "--data", dir,
                "--out", dir.resolve("s.safetensors"), "--footprint-out", model), "distill", "is the same file as --teacher");
        rejected(greenml("compare", model, "--data", dir, "--footprint-out", model), "compare", "is the same file as FILE");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", preds,
                    "--footprint-out", "/proc/fp.json"), "predict", "cannot write --footprint-out /proc/fp.json", "choose a writable");
        }
        assertThat(preds).doesNotExist();   // refused before the predictions were written
        assertThat(Files.readAllBytes(model)).isEqualTo(modelBytes);
        assertThat(Files.readString(data)).isEqualTo(before);
    }

    // ------------------------------------------------------------------ #10 unwritable places, checked before the work

    @Test
    void anUnwritableOutputIsRefusedBeforeAnyWorkNamingTheUsersPath() throws Exception {
        assumeProc();
        Path data = Cli.regressionCsv(dir), run = dir.resolve("o2");
        rejected(greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1, "--run-dir", run,
                "--out", "/proc/x.safetensors"), "train", "cannot write --out /proc/x.safetensors", "/proc");
        assertThat(run).doesNotExist();   // refused before the run directory was made, not after training
        rejected(greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1, "--run-dir", "/proc/r"),
                "train", "cannot write --run-dir /proc/r");
        Path model = mlp("m.safetensors", 2, 8, 1);
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", "/proc/x.csv"),
                "predict", "cannot write --output /proc/x.csv");
        rejected(greenml("quantize", "--model", model, "--out", "/proc/q.safetensors"), "quantize", "cannot write --out /proc/q.safetensors");
        Path text = Cli.write(dir.resolve("t.txt"), "abcabcabc abcabc\n".repeat(5));
        rejected(greenml("tokenizer", "train", "--data", text, "--out", "/proc/t.json"), "tokenizer train", "cannot write --out /proc/t.json");
        rejected(greenml("demo", "--out", dir), "demo", "cannot write --out " + dir, "is a directory");
    }

    @Test
    void aRunDirectoryNamedLikeADatasetIsNotTheDatasetAndLinksAreFollowedToTheRealPlace() throws Exception {
        // "kjv" names a dataset, not a file: a --run-dir of that name destroys nothing. The refusal
        // that remains is the next check's (kjv is text for --model gpt), not "the same file as --data".
        assertThat(Path.of("kjv")).doesNotExist();
        rejected(greenml("train", "--layers", "2,8,1", "--data", "kjv", "--epochs", 1, "--run-dir", "kjv"), "train", "--data kjv is text");
        assertThat(Path.of("kjv")).doesNotExist();
        assumeProc();
        Path data = Cli.regressionCsv(dir);
        // link/../x.csv is in /proc (link's target's parent), not beside link: the probe must look there
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("/proc/self"));
        Path model = mlp("m.safetensors", 2, 8, 1);
        rejected(greenml("predict", "--model", model, "--input", data, "--drop", "y", "--output", link.resolve("..").resolve("x.csv")),
                "predict", "cannot write --output", "cannot create a file in /proc ");
        Files.delete(link);   // so that the temp directory's clean-up meets no link out of it
    }

    @Test
    void aRunDirectoryThatIsAFileIsRefused() throws Exception {
        Path data = Cli.regressionCsv(dir), file = Cli.write(dir.resolve("notes.txt"), "mine\n");
        rejected(greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1, "--run-dir", file),
                "train", "--run-dir " + file + " is a file, not a directory");
        assertThat(Files.readString(file)).isEqualTo("mine\n");
    }

    @Test
    void aSaveThatFailsAfterTrainingMarksRunJsonFailedAndNamesThePath() throws Exception {
        // a directory where the model file goes: found only when the model is saved, after training
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("model.safetensors"));
        Files.writeString(run.resolve("model.safetensors").resolve("keep"), "x");   // non-empty: a rename cannot replace it
        Path data = Cli.regressionCsv(dir);
        Cli.Outcome r = greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1,
                "--run-dir", run, "--threads", 1);
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines().getLast()).startsWith("greenml train: ").contains(run.resolve("model.safetensors").toString())
                .contains("cannot write").contains("records the failure").contains("a directory of that name is in the way")
                .contains("--resume " + run).doesNotContain("bytes free").doesNotContain("internal error").doesNotContain(".tmp");
        JsonNode runJson = new ObjectMapper().readTree(run.resolve("run.json").toFile());
        assertThat(runJson.path("status").asText()).isEqualTo("failed");
        assertThat(runJson.path("error").asText()).contains("cannot write");
        assertThat(runJson.path("model_file").isNull()).isTrue();
        // the training's energy is still accounted for: footprint.json, an emissions.csv row, and report reads the run
        assertThat(run.resolve("footprint.json")).exists();
        assertThat(run.resolve("emissions.csv")).exists();
        Cli.Outcome report = greenml("report", run, "--out", dir.resolve("r.html"));
        assertThat(report.code()).as(report.toString()).isZero();
        // the fix the message names works: with the directory out of the way, --resume finishes the run
        Files.delete(run.resolve("model.safetensors").resolve("keep"));
        Files.delete(run.resolve("model.safetensors"));
        Cli.Outcome resumed = greenml("train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1,
                "--resume", run, "--threads", 1);
        assertThat(resumed.code()).as(resumed.toString()).isZero();
        assertThat(run.resolve("model.safetensors")).isRegularFile();
        assertThat(new ObjectMapper().readTree(run.resolve("run.json").toFile()).path("status").asText()).isEqualTo("completed");
    }

    // ------------------------------------------------------------------ #11 the wrong kind of model or data

    @Test
    void aGptGivenWhereAVectorModelIsNeededPointsToGenerate() throws Exception {
        Path gpt = gpt(), data = Cli.regressionCsv(dir);
        rejected(greenml("predict", "--model", gpt, "--input", data, "--output", dir.resolve("p.csv")), "predict",
                "is a GPT language model", "greenml generate --model " + gpt);
        rejected(greenml("compare", gpt, "--data", dir), "compare", "is a GPT language model", "greenml generate");
        rejected(greenml("distill", "--teacher", gpt, "--student-layers", "784,16,10", "--data", dir, "--out", dir.resolve("s.safetensors")),
                "distill", "is a GPT language model", "greenml generate");
    }

    @Test
    void generateOnAnMlpPointsToPredict() throws Exception {
        Path model = mlp("m.safetensors", 2, 8, 1);
        rejected(greenml("generate", "--model", model, "--tokens", 3), "generate", "architecture 'mlp'", "not a GPT",
                "greenml predict --model " + model);
    }

    @Test
    void aTeacherThatCannotRunOnFashionMnistSaysWhatWould() throws Exception {
        Path small = mlp("cls.safetensors", 4, 8, 3);
        String line = rejected(greenml("distill", "--teacher", small, "--student-layers", "4,64,3", "--data", dir,
                "--out", dir.resolve("s.safetensors")), "distill", "maps 4 inputs to 3 outputs", "784,...,10");
        assertThat(line).doesNotContain("4,64,3");
    }

    @Test
    void trainSaysWhichModelFitsTheData() throws Exception {
        Path data = Cli.regressionCsv(dir);
        rejected(greenml("train", "--data", data, "--target", "y", "--model", "cnn", "--epochs", 1),
                "train", "--model cnn is a preset for Fashion-MNIST", "2 feature columns", "--layers 2,16,1");
        rejected(greenml("train", "--data", "kjv", "--model", "mlp", "--epochs", 1), "train", "--data kjv is text", "--model gpt");
        rejected(greenml("train", "--data", data, "--target", "y", "--epochs", 1), "train", "mlp, cnn, or gpt");
    }

    // ------------------------------------------------------------------ #13 tokenizer on too little text

    @Test
    void tokenizerTrainRefusesAnEmptyTextAndNotesAVocabularyThatStoppedEarly() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.csv"), ""), blank = Files.writeString(dir.resolve("blank.txt"), " \n\n  \n");
        rejected(greenml("tokenizer", "train", "--data", empty, "--vocab", 300, "--out", dir.resolve("t.json")),
                "tokenizer train", "the file is empty");
        rejected(greenml("tokenizer", "train", "--data", blank, "--vocab", 300, "--out", dir.resolve("t.json")),
                "tokenizer train", "the file is empty", "whitespace");
        assertThat(dir.resolve("t.json")).doesNotExist();

        Path text = Cli.write(dir.resolve("t.txt"), "the cat sat on the mat; the cat sat.\n".repeat(10));
        Cli.Outcome r = greenml("tokenizer", "train", "--data", text, "--vocab", 100000, "--out", dir.resolve("t.json"), "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        int vocab = r.json().path("vocab").asInt();
        assertThat(vocab).isLessThan(100000);
        assertThat(r.err()).contains("note: the vocabulary stopped at " + vocab + " of --vocab 100000");
    }

    // ------------------------------------------------------------------ #14 options that would be ignored

    @Test
    void optionsTheChosenOptimizerOrScheduleWouldIgnoreAreRefused() throws Exception {
        Path data = Cli.regressionCsv(dir);
        Object[] base = {"train", "--layers", "2,8,1", "--data", data, "--target", "y", "--epochs", 1};
        rejected(greenml(concat(base, "--momentum", "0.9")), "train", "--momentum applies to --optimizer sgd", "adam");
        rejected(greenml(concat(base, "--lr-gamma", "0.5")), "train", "--lr-gamma applies to --lr-schedule step", "constant");
        rejected(greenml(concat(base, "--lr-step-epochs", "2", "--lr-schedule", "cosine")), "train", "--lr-step-epochs applies to --lr-schedule step");
        rejected(greenml(concat(base, "--min-lr", "0.0001")), "train", "--min-lr applies to --lr-schedule cosine");
        rejected(greenml(concat(base, "--lr-schedule", "cosine", "--min-lr", "0.01", "--lr", "0.001")), "train",
                "--min-lr 0.01 is above --lr 0.001");
        Path text = Cli.write(dir.resolve("t.txt"), "In the beginning God created the heaven and the earth.\n".repeat(20));
        rejected(greenml("train", "--model", "gpt", "--data", text, "--tokenizer", "byte", "--vocab", 1000), "train",
                "--vocab applies to --tokenizer bpe", "256");
        // the options that do apply still run
        assertThat(greenml(concat(base, "--optimizer", "sgd", "--momentum", "0.9", "--lr-schedule", "cosine", "--min-lr", "0.0001",
                "--threads", 1)).code()).isZero();
    }

    @Test
    void aGptRunPrintsAndRecordsTheWarmupThatRunsAndItsTokenizerFile() throws Exception {
        Path text = Cli.write(dir.resolve("t.txt"), "In the beginning God created the heaven and the earth.\n".repeat(20));
        Path tok = dir.resolve("tok.json"), run = dir.resolve("run");
        assertThat(greenml("tokenizer", "train", "--data", text, "--vocab", 270, "--out", tok).code()).isZero();
        Cli.Outcome r = greenml("train", "--model", "gpt", "--data", text, "--tokenizer", tok, "--layers", 1, "--heads", 2,
                "--width", 16, "--context", 16, "--batch-size", 2, "--steps", 6, "--warmup", 100, "--eval-every", 6,
                "--eval-windows", 1, "--sample-tokens", 0, "--threads", 1, "--run-dir", run);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).contains("warm-up 3 (--warmup 100 capped at half of the 6 steps)");
        JsonNode training = new ObjectMapper().readTree(run.resolve("run.json").toFile()).path("training");
        assertThat(training.path("warmup").asInt()).isEqualTo(3);
        assertThat(training.path("tokenizer").asText()).isEqualTo(tok.toString());
    }

    @Test
    void aScheduleRePlannedByMaxMinutesRecordsTheWarmupThatRuns() throws Exception {
        Path text = Cli.write(dir.resolve("t.txt"), "In the beginning God created the heaven and the earth.\n".repeat(20));
        Path run = dir.resolve("run");
        // 1.2 s for 100,000 steps: the schedule is re-planned to the few hundred that fit, and the warm-up,
        // half of the requested steps, is capped anew at half of those
        Cli.Outcome r = greenml("train", "--model", "gpt", "--data", text, "--tokenizer", "byte", "--layers", 1, "--heads", 2,
                "--width", 16, "--context", 16, "--batch-size", 2, "--steps", 100000, "--warmup", 50000, "--max-minutes", "0.02",
                "--eval-every", 400, "--eval-windows", 1, "--sample-tokens", 0, "--threads", 1, "--run-dir", run);
        assertThat(r.code()).as(r.toString()).isZero();
        var spans = java.util.regex.Pattern.compile("schedule now spans (\\d+) steps, warm-up (\\d+) \\(was \\d+; --warmup 50000\\)")
                .matcher(r.err());
        long warmup = -1;
        while (spans.find()) {
            warmup = Long.parseLong(spans.group(2));
            assertThat(warmup).isEqualTo(Math.min(50000, Long.parseLong(spans.group(1)) / 2));
        }
        assertThat(warmup).as("a re-plan that changed the warm-up, in:\n" + r.err()).isGreaterThanOrEqualTo(0).isLessThan(50000);
        JsonNode training = new ObjectMapper().readTree(run.resolve("run.json").toFile()).path("training");
        assertThat(training.path("warmup").asLong()).isEqualTo(warmup);
        assertThat(training.path("warmup_requested").asInt()).isEqualTo(50000);
        JsonNode fileRecord = new ObjectMapper().readTree(ModelFile.load(run.resolve("model.safetensors")).metadata().get(ModelFile.TRAINING));
        assertThat(fileRecord.path("warmup").asLong()).isEqualTo(warmup);
    }

    @Test
    void demoChecksItsNumbersBeforeGeneratingData() throws Exception {
        rejected(greenml("demo", "--lr", 0, "--steps", 5, "--out", dir.resolve("d.safetensors")), "demo", "--lr must be a positive number");
        rejected(greenml("demo", "--lr", -1, "--steps", 5, "--out", dir.resolve("d.safetensors")), "demo", "--lr must be a positive number");
        rejected(greenml("demo", "--batch-size", 100000, "--steps", 5, "--out", dir.resolve("d.safetensors")), "demo", "--batch-size");
    }

    // ------------------------------------------------------------------ #15 prune checks before pruning

    @Test
    void pruneRefusesWrongDataAndStrayOptionsBeforePruning() throws Exception {
        Path model = mlp("m.safetensors", 4, 8, 3), csv = Cli.classificationCsv(dir), out = dir.resolve("x.safetensors");
        String line = rejected(greenml("prune", "--model", model, "--sparsity", "0.5", "--fine-tune-epochs", 1, "--data", csv,
                "--out", out), "prune", "--data " + csv, "not a directory");
        assertThat(line).doesNotContain("pruned");
        rejected(greenml("prune", "--model", model, "--sparsity", "0.5", "--lr", "0.01", "--out", out), "prune",
                "--lr applies to fine-tuning only");
        rejected(greenml("prune", "--model", model, "--sparsity", "0.5", "--fine-tune-epochs", 1, "--data", dir, "--out", out),
                "prune", "maps 4 inputs to 3 outputs");
        assertThat(out).doesNotExist();
    }

    // ------------------------------------------------------------------ #16 size wording

    @Test
    void aFileThatGrewIsCalledLargerNotSmaller() throws Exception {
        Path tiny = mlp("tiny.safetensors", 2, 2, 1), q = dir.resolve("q.safetensors");
        Cli.Outcome r = greenml("quantize", "--model", tiny, "--out", q);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.size(q)).isGreaterThan(Files.size(tiny));
        assertThat(r.out()).contains("(larger by ").doesNotContain("smaller");
        assertThat(QuantizeCommand.sizeChange(1000, 500)).isEqualTo("smaller by 2.00×");
        assertThat(QuantizeCommand.sizeChange(1000, 1160)).isEqualTo("larger by 1.16×");
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
