package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.io.safetensors.SafeTensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** greenml train end to end on a small CSV written here: run directory, resume, budgets, early stopping, Ctrl-C. */
class TrainRunDirectoryTest {

    @TempDir Path tmp;
    Path csv;
    static final ObjectMapper JSON = new ObjectMapper();

    record Outcome(int code, String err) {}

    @BeforeEach void writeData() throws Exception {
        csv = tmp.resolve("three.csv");
        StringBuilder sb = new StringBuilder("a,b,c,d,label\n");
        dev.greenml.tensor.Rng r = new dev.greenml.tensor.Rng(3);
        for (int i = 0; i < 300; i++) {
            int y = r.nextInt(3);
            for (int j = 0; j < 4; j++) sb.append(String.format(java.util.Locale.ROOT, "%.4f,", r.nextGaussian() + (j == y ? 1.5 : 0)));
            sb.append(y).append('\n');
        }
        Files.writeString(csv, sb);
    }

    List<String> base(Path runDir, int epochs) {
        return new ArrayList<>(List.of("train", "--layers", "4,16,3", "--data", csv.toString(), "--target", "label",
                "--loss", "cross-entropy", "--epochs", String.valueOf(epochs), "--run-dir", runDir.toString(), "--country", "FR"));
    }

    static Outcome greenml(List<String> args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Outcome(code, err.toString());
    }

    static JsonNode json(Path p) throws Exception { return JSON.readTree(p.toFile()); }

    static List<JsonNode> history(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("history.jsonl"))) out.add(JSON.readTree(l));
        return out;
    }

    static float[] weights(Path model, String tensor) {
        return SafeTensors.read(model).get(tensor).toFloats();
    }

    @Test void theRunsEnergyTotalsAgreeWithTheSessionsOwnFigures() throws Exception {
        Path dir = tmp.resolve("totals");
        assertThat(greenml(base(dir, 1)).code()).isZero();
        JsonNode fp1 = json(dir.resolve("footprint.json")), run1 = json(dir.resolve("run.json"));
        double j1 = fp1.get("energy").get("joules").asDouble(), g1 = fp1.get("co2e").get("grams").asDouble();
        // one session: cumulative and run.json are that session's own final figures, not a later live reading
        assertThat(fp1.get("cumulative").get("energy_joules").asDouble()).isEqualTo(j1);
        assertThat(fp1.get("cumulative").get("co2e_grams").asDouble()).isEqualTo(g1);
        assertThat(fp1.get("cumulative").get("seconds").asDouble()).isEqualTo(fp1.get("duration_s").asDouble());
        assertThat(run1.get("footprint_so_far").get("energy_joules").asDouble()).isEqualTo(j1);

        List<String> more = base(dir, 2);
        more.set(more.indexOf("--run-dir"), "--resume");
        assertThat(greenml(more).code()).isZero();
        JsonNode fp2 = json(dir.resolve("footprint.json")), run2 = json(dir.resolve("run.json"));
        double j2 = fp2.get("energy").get("joules").asDouble();
        // two sessions: the sum of their final figures, including what session 1 spent after its last checkpoint
        assertThat(fp2.get("cumulative").get("energy_joules").asDouble()).isCloseTo(j1 + j2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(run2.get("footprint_so_far").get("energy_joules").asDouble()).isCloseTo(j1 + j2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(run2.get("footprint_so_far").get("by_session")).hasSize(2);
        assertThat(run2.get("footprint_so_far").get("by_session").get(0).get("final").asBoolean()).isTrue();
    }

    @Test void aCompletedRunsRecordSaysWhichEpochEndedAndHasNoForecastLeft() throws Exception {
        Path dir = tmp.resolve("done");
        assertThat(greenml(base(dir, 2)).code()).isZero();
        JsonNode run = json(dir.resolve("run.json"));
        // not "epoch 3, step 0", which reads as a third epoch that never ran
        assertThat(run.get("checkpoint").get("after_epoch").asInt()).isEqualTo(2);
        assertThat(run.get("checkpoint").has("epoch")).isFalse();
        // not "spent so far + N epoch(s) left": the run's totals
        assertThat(run.get("forecast").get("method").asText()).startsWith("final");
        assertThat(run.get("forecast").get("energy_joules").asDouble()).isEqualTo(run.get("footprint_so_far").get("energy_joules").asDouble());
        assertThat(run.get("forecast").get("seconds").asDouble()).isEqualTo(json(dir.resolve("footprint.json")).get("duration_s").asDouble());
    }

    @Test void theProgressBarShowsTheEpochsMeanLossLabelledAsSuch() throws Exception {
        Outcome o = greenml(base(tmp.resolve("bar"), 1));
        assertThat(o.code()).isZero();
        var bar = java.util.regex.Pattern.compile("epoch mean loss (\\d+\\.\\d{4})").matcher(o.err());
        var epoch = java.util.regex.Pattern.compile("epoch 1: train loss (\\d+\\.\\d{5})").matcher(o.err());
        String last = null;
        while (bar.find()) last = bar.group(1);
        assertThat(last != null && epoch.find()).as(o.err()).isTrue();
        // the bar's last figure (the epoch's last step) is the epoch's mean, the same the epoch line reports
        assertThat(Double.parseDouble(last)).isCloseTo(Double.parseDouble(epoch.group(1)), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test void runDirectoryHoldsEveryFileAndTheScheduleIsRecorded() throws Exception {
        Path dir = tmp.resolve("run");
        List<String> args = base(dir, 3);
        args.addAll(List.of("--lr-schedule", "step", "--lr-step-epochs", "1", "--lr-gamma", "0.5", "--out", tmp.resolve("copy.safetensors").toString()));
        assertThat(greenml(args).code()).isZero();
        for (String f : List.of("run.json", "history.jsonl", "checkpoint.safetensors", "best.safetensors", "model.safetensors",
                "footprint.json", "emissions.csv")) {
            assertThat(dir.resolve(f)).exists();
        }
        JsonNode run = json(dir.resolve("run.json"));
        assertThat(run.get("schema").asText()).isEqualTo("greenml-run/1");
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("epochs_done").asInt()).isEqualTo(3);
        assertThat(run.get("forecast").get("method").asText()).startsWith("final");   // completed: nothing left to forecast
        List<JsonNode> h = history(dir);
        assertThat(h).hasSize(3);
        assertThat(h.stream().map(x -> x.get("lr").floatValue()).toList()).containsExactly(0.001f, 0.0005f, 0.00025f);
        assertThat(h.get(2).get("energy_joules").asDouble()).isGreaterThan(h.get(0).get("energy_joules").asDouble());
        assertThat(h.get(0).get("energy_method").asText()).isIn("measured", "modelled");
        assertThat(weights(tmp.resolve("copy.safetensors"), "0.weight")).containsExactly(weights(dir.resolve("model.safetensors"), "0.weight"));
    }

    @Test void resumingWithAnotherThreadCountSaysTheResultWillNotBeBitIdentical() throws Exception {
        Path dir = tmp.resolve("threads");
        List<String> first = base(dir, 1);
        first.addAll(List.of("--threads", "1"));
        assertThat(greenml(first).code()).isZero();
        assertThat(json(dir.resolve("run.json")).path("training").path("parallelism").asText()).isEqualTo("one thread");
        List<String> resume = base(dir, 2);
        resume.addAll(List.of("--resume", dir.toString(), "--threads", "2"));
        resume.removeAll(List.of("--run-dir"));
        resume.remove(dir.toString());
        Outcome r = greenml(resume);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("note: the run being resumed trained with one thread").contains("not be bit-identical");
    }

    @Test void resumedRunEndsWithTheSameModelAsAnUninterruptedOne() throws Exception {
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        assertThat(greenml(base(straight, 2)).code()).isZero();
        assertThat(greenml(base(split, 1)).code()).isZero();
        List<String> resume = base(split, 2);
        resume.addAll(List.of("--resume", split.toString()));
        resume.removeAll(List.of("--run-dir"));
        resume.remove(split.toString());
        assertThat(greenml(resume).code()).isZero();
        for (String t : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
            assertThat(weights(split.resolve("model.safetensors"), t)).as(t).containsExactly(weights(straight.resolve("model.safetensors"), t));
        }
        JsonNode run = json(split.resolve("run.json"));
        assertThat(run.get("sessions").asInt()).isEqualTo(2);
        List<JsonNode> h = history(split);
        assertThat(h).hasSize(2);
        assertThat(h.get(1).get("energy_joules").asDouble()).isGreaterThan(h.get(0).get("energy_joules").asDouble());
        assertThat(h.get(1).get("train_loss").asDouble()).isEqualTo(history(straight).get(1).get("train_loss").asDouble());
        JsonNode cumulative = json(split.resolve("footprint.json")).get("cumulative");
        assertThat(cumulative.get("energy_joules").asDouble()).isGreaterThan(json(split.resolve("footprint.json")).get("energy").get("joules").asDouble());
    }

    @Test void anEpochResumedMidWayKeepsItsTrainingAccuracy() throws Exception {
        Path straight = tmp.resolve("straightAcc"), split = tmp.resolve("splitAcc");
        assertThat(greenml(base(straight, 1)).code()).isZero();
        // a budget (1 nJ) spent before the first step — the modelled memory energy alone grows with wall time —
        // so the budget check after step 1 stops the run mid-epoch
        List<String> first = base(split, 1);
        first.addAll(List.of("--max-energy", "0.000001mJ"));
        assertThat(greenml(first).code()).isEqualTo(TrainingSession.EXIT_BUDGET);
        JsonNode ckpt = JSON.readTree(SafeTensors.read(split.resolve("checkpoint.safetensors")).metadata().get("greenml.trainer"));
        assertThat(ckpt.get("step").asInt()).as("stopped mid-epoch").isBetween(1, ckpt.get("steps_per_epoch").asInt() - 1);
        List<String> resume = base(split, 1);
        resume.addAll(List.of("--resume", split.toString()));
        resume.removeAll(List.of("--run-dir"));
        resume.remove(split.toString());
        assertThat(greenml(resume).code()).isZero();
        JsonNode resumed = history(split).getFirst(), whole = history(straight).getFirst();
        assertThat(whole.get("train_accuracy").asDouble()).isPositive();
        assertThat(resumed.get("train_accuracy").asDouble()).isEqualTo(whole.get("train_accuracy").asDouble());
        assertThat(resumed.get("train_loss").asDouble()).isEqualTo(whole.get("train_loss").asDouble());
    }

    @Test void badResumeInputsAreOneLineAndWriteNothing() throws Exception {
        Path dir = tmp.resolve("run");
        assertThat(greenml(base(dir, 1)).code()).isZero();
        byte[] ckpt = Files.readAllBytes(dir.resolve("checkpoint.safetensors"));
        byte[] run = Files.readAllBytes(dir.resolve("run.json"));

        List<String> other = new ArrayList<>(List.of("train", "--layers", "4,8,3", "--data", csv.toString(), "--target", "label",
                "--loss", "cross-entropy", "--epochs", "2", "--resume", dir.toString()));
        Outcome o = greenml(other);
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("[4,16,3]").contains("[4,8,3]").hasLineCount(1);

        List<String> optimizer = base(dir, 2);
        optimizer.addAll(List.of("--optimizer", "sgd", "--resume", dir.toString()));
        assertThat(greenml(optimizer).err()).contains("optimizer \"adam\"");

        List<String> none = base(tmp.resolve("empty"), 2);
        none.addAll(List.of("--resume", tmp.resolve("empty").toString()));
        Files.createDirectories(tmp.resolve("empty"));
        assertThat(greenml(none).err()).contains("has no checkpoint.safetensors");

        assertThat(greenml(base(dir, 1)).err()).contains("already holds a run").contains("--resume");

        assertThat(Files.readAllBytes(dir.resolve("checkpoint.safetensors"))).isEqualTo(ckpt);
        assertThat(Files.readAllBytes(dir.resolve("run.json"))).isEqualTo(run);
    }

    @Test void budgetStopsByForecastWithACheckpointAndSaysByHowMuch() throws Exception {
        Path dir = tmp.resolve("budget");
        // An epoch of this small CSV costs about a millijoule (modelled): 100 J is far above the first
        // epoch's total, and far below the forecast for a billion epochs, however fast the engine gets.
        List<String> args = base(dir, 1_000_000_000);
        args.addAll(List.of("--max-energy", "100J"));
        Outcome o = greenml(args);
        assertThat(o.code()).isEqualTo(TrainingSession.EXIT_BUDGET);
        JsonNode run = json(dir.resolve("run.json"));
        assertThat(run.get("status").asText()).isEqualTo("stopped-budget");
        assertThat(run.get("epochs_done").asInt()).isEqualTo(1);
        JsonNode verdict = run.get("budget").get("verdict");
        assertThat(verdict.get("by").asText()).isEqualTo("forecast");
        assertThat(verdict.get("message").asText()).contains("exceeds the budget 100 J by");
        assertThat(dir.resolve("checkpoint.safetensors")).exists();

        Outcome bad = greenml(List.of("train", "--layers", "4,16,3", "--data", csv.toString(), "--target", "label", "--max-co2", "20"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("e.g. --max-co2 20g").hasLineCount(1);
    }

    @Test void earlyStoppingOnAPlateauKeepsTheBestModel() throws Exception {
        Path dir = tmp.resolve("early");
        List<String> args = base(dir, 20);
        // a learning rate too small to move float32 weights: the validation loss is flat from epoch 1
        args.addAll(List.of("--early-stopping", "2", "--lr", "1e-30"));
        assertThat(greenml(args).code()).isZero();
        JsonNode run = json(dir.resolve("run.json"));
        assertThat(run.get("status").asText()).isEqualTo("stopped-early");
        assertThat(run.get("epochs_done").asInt()).isEqualTo(3);
        assertThat(run.get("best_epoch").asInt()).isEqualTo(1);
        assertThat(weights(dir.resolve("model.safetensors"), "0.weight")).containsExactly(weights(dir.resolve("best.safetensors"), "0.weight"));
    }

    @Test void ctrlCSavesACheckpointAndExits130() throws Exception {
        stopsWithACheckpoint("INT", 130, "Ctrl-C");
    }

    /** kill, systemd, Kubernetes and batch schedulers send SIGTERM: the run saves a checkpoint too. */
    @Test void sigtermSavesACheckpointAndExits143() throws Exception {
        stopsWithACheckpoint("TERM", 143, "SIGTERM");
    }

    private void stopsWithACheckpoint(String signal, int exitCode, String label) throws Exception {
        Path dir = tmp.resolve("sig" + signal);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(base(dir, 1_000_000));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log-" + signal + ".txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(dir.resolve("checkpoint.safetensors")) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(p.isAlive()).as("still training after its first checkpoint").isTrue();
            String log = Files.readString(tmp.resolve("log-" + signal + ".txt"));
            if (signal.equals("INT")) {
                assumeFalse(log.contains("may not handle Ctrl-C"), "SIGINT is ignored in this environment (background job)");
            }
            new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(exitCode);
        JsonNode run = json(dir.resolve("run.json"));
        assertThat(run.get("status").asText()).isEqualTo("interrupted");
        JsonNode ckpt = JSON.readTree(SafeTensors.read(dir.resolve("checkpoint.safetensors")).metadata().get("greenml.trainer"));
        assertThat(ckpt.get("global_step").asLong()).isGreaterThanOrEqualTo(ckpt.get("steps_per_epoch").asLong());
        assertThat(Files.readString(tmp.resolve("log-" + signal + ".txt"))).contains(label + ": stopping").contains("interrupted by " + label);
    }
}
