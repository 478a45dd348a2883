package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.SafeTensorsFile;
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

/**
 * greenml train --model gpt in its run directory: a budget stop resumed to the end equals a
 * straight run, resuming with other options fails with one line, Ctrl-C saves a checkpoint and
 * exits 130. A tiny model (1 block, width 16, context 16, byte tokens) on a small text: each run
 * takes a fraction of a second.
 */
class GptRunDirectoryTest {

    @TempDir Path tmp;
    Path text;
    static final ObjectMapper JSON = new ObjectMapper();

    record Outcome(int code, String out, String err) {
        JsonNode json() throws Exception { return JSON.readTree(out); }
    }

    @BeforeEach void writeText() throws Exception {
        text = tmp.resolve("text.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth. And the earth was without form, and void; "
                .repeat(20) + "Et la lumière fut. Und es ward Licht.\n".repeat(10));
    }

    List<String> base(Path runDir, long steps) {
        return new ArrayList<>(List.of("train", "--model", "gpt", "--data", text.toString(), "--layers", "1", "--heads", "2",
                "--width", "16", "--context", "16", "--tokenizer", "byte", "--batch-size", "4", "--lr", "0.01", "--warmup", "2",
                "--steps", String.valueOf(steps), "--eval-every", "4", "--eval-windows", "2", "--sample-tokens", "0",
                "--threads", "1", "--country", "FR", "--run-dir", runDir.toString()));
    }

    /** {@code args} continuing the run in {@code dir}: --run-dir DIR becomes --resume DIR. */
    static List<String> resume(List<String> args) {
        List<String> r = new ArrayList<>(args);
        int i = r.indexOf("--run-dir");
        r.set(i, "--resume");
        return r;
    }

    static Outcome greenml(List<String> args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    static JsonNode json(Path p) throws Exception { return JSON.readTree(p.toFile()); }

    static long checkpointStep(Path dir) throws Exception {
        return JSON.readTree(SafeTensors.read(dir.resolve("checkpoint.safetensors")).metadata().get("greenml.trainer")).get("step").asLong();
    }

    @Test void resumingWithAnotherThreadCountSaysTheResultWillNotBeBitIdentical() throws Exception {
        Path dir = tmp.resolve("threads");
        List<String> first = base(dir, 4);
        assertThat(greenml(first).code()).isZero();
        List<String> more = resume(base(dir, 8));
        more.set(more.indexOf("--threads") + 1, "2");
        Outcome r = greenml(more);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("note: the run being resumed trained with one thread").contains("not be bit-identical");
    }

    @Test void aRunStoppedByItsEnergyBudgetAndResumedEndsWithTheSameModelAsAStraightRun() throws Exception {
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        List<String> straightArgs = base(straight, 8);
        straightArgs.add("--json");
        Outcome s = greenml(straightArgs);
        assertThat(s.code()).as(s.err()).isZero();

        // 1 mJ is spent before the first step ends, so the running total stops the run there, with a checkpoint
        List<String> stopped = base(split, 8);
        stopped.addAll(List.of("--max-energy", "1mJ"));
        Outcome b = greenml(stopped);
        assertThat(b.code()).as(b.err()).isEqualTo(TrainingSession.EXIT_BUDGET);
        JsonNode run = json(split.resolve("run.json"));
        assertThat(run.get("status").asText()).isEqualTo("stopped-budget");
        assertThat(run.get("budget").get("verdict").get("by").asText()).isEqualTo("running total");
        long at = checkpointStep(split);
        assertThat(at).isBetween(1L, 7L);
        assertThat(run.get("steps_done").asLong()).isEqualTo(at);
        assertThat(b.out()).contains("--resume " + split);

        List<String> again = resume(base(split, 8));
        again.add("--json");
        Outcome r = greenml(again);
        assertThat(r.code()).as(r.err()).isZero();

        SafeTensorsFile want = SafeTensors.read(straight.resolve("model.safetensors")), got = SafeTensors.read(split.resolve("model.safetensors"));
        assertThat(got.tensors().keySet()).isEqualTo(want.tensors().keySet());
        for (String t : want.tensors().keySet()) assertThat(got.get(t).toFloats()).as(t).containsExactly(want.get(t).toFloats());

        JsonNode sj = s.json(), rj = r.json();
        assertThat(rj.get("status").asText()).isEqualTo("completed");
        assertThat(rj.get("steps_done").asLong()).isEqualTo(8);
        assertThat(rj.get("cumulative").get("sessions").asInt()).isEqualTo(2);
        assertThat(rj.get("history")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            for (String k : List.of("step", "train_loss", "validation_loss", "unigram_loss")) {
                assertThat(rj.get("history").get(i).get(k)).as(k).isEqualTo(sj.get("history").get(i).get(k));
            }
        }
        assertThat(rj.get("validation_loss").asDouble()).isEqualTo(sj.get("validation_loss").asDouble());
        assertThat(json(split.resolve("footprint.json")).get("cumulative").get("sessions").asInt()).isEqualTo(2);
        // the result of a straight run keeps the fields it always had
        for (String k : List.of("command", "model", "model_file", "model_file_bytes", "tokenizer_file", "parameters", "architecture",
                "training", "history", "final_train_loss", "validation_loss", "unigram_loss", "validation_tokens_evaluated",
                "stopped_by_budget", "train_tokens_per_second", "seconds", "sample", "footprint")) {
            assertThat(sj.has(k)).as(k).isTrue();
        }
        for (String k : List.of("step", "seconds", "train_loss", "validation_loss", "unigram_loss", "energy_joules_so_far")) {
            assertThat(sj.get("history").get(0).has(k)).as(k).isTrue();
        }
        assertThat(sj.get("stopped_by_budget").asBoolean()).isFalse();
        assertThat(sj.get("training").get("steps").asLong()).isEqualTo(8);
        assertThat(straight.resolve("model.tokenizer.json")).exists();
    }

    @Test void resumingWithOtherOptionsTextOrArchitectureFailsWithOneLineAndWritesNothing() throws Exception {
        Path dir = tmp.resolve("run");
        assertThat(greenml(base(dir, 4)).code()).isZero();
        byte[] ckpt = Files.readAllBytes(dir.resolve("checkpoint.safetensors")), run = Files.readAllBytes(dir.resolve("run.json"));

        Outcome done = greenml(resume(base(dir, 4)));
        assertThat(done.code()).isEqualTo(2);
        assertThat(done.err()).contains("already trained 4 steps").contains("--steps N with N > 4").hasLineCount(1);

        List<String> wider = resume(base(dir, 8));
        wider.set(wider.indexOf("--width") + 1, "32");
        Outcome w = greenml(wider);
        assertThat(w.code()).isEqualTo(2);
        assertThat(w.err()).contains("holds a gpt with --width 16 but this run builds one with --width 32; resume with --width 16")
                .hasLineCount(1);

        List<String> bpe = resume(base(dir, 8));
        bpe.set(bpe.indexOf("--tokenizer") + 1, "bpe");
        bpe.addAll(List.of("--vocab", "280"));
        Outcome t = greenml(bpe);
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err()).contains("was trained with --tokenizer byte but this run has --tokenizer bpe --vocab 280;")
                .contains("resume with --tokenizer byte").hasLineCount(1);

        List<String> lr = resume(base(dir, 8));
        lr.set(lr.indexOf("--lr") + 1, "0.02");
        assertThat(greenml(lr).err()).contains("--lr 0.01 but this run has --lr 0.02").hasLineCount(1);

        Path other = tmp.resolve("other.txt");
        Files.writeString(other, Files.readString(text).replace('G', 'g'));
        List<String> otherText = resume(base(dir, 8));
        otherText.set(otherText.indexOf("--data") + 1, other.toString());
        assertThat(greenml(otherText).err()).contains("was trained on other text").contains("resume with the original --data").hasLineCount(1);

        Path csv = Files.writeString(tmp.resolve("t.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n");
        Outcome mlp = greenml(List.of("train", "--layers", "2,4,2", "--data", csv.toString(), "--target", "label", "--loss",
                "cross-entropy", "--resume", dir.toString()));
        assertThat(mlp.code()).isEqualTo(2);
        assertThat(mlp.err()).contains("resume it with --model gpt").hasLineCount(1);

        assertThat(Files.readAllBytes(dir.resolve("checkpoint.safetensors"))).isEqualTo(ckpt);
        assertThat(Files.readAllBytes(dir.resolve("run.json"))).isEqualTo(run);

        Outcome longer = greenml(resume(base(dir, 8)));   // a longer schedule is allowed
        assertThat(longer.code()).as(longer.err()).isZero();
        assertThat(json(dir.resolve("run.json")).get("steps_done").asLong()).isEqualTo(8);
    }

    @Test void ctrlCSavesACheckpointExits130AndTheRunResumes() throws Exception {
        Path dir = tmp.resolve("sigint");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        List<String> args = base(dir, 1_000_000);
        args.set(args.indexOf("--eval-every") + 1, "2");
        cmd.addAll(args);
        Path log = tmp.resolve("log.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(dir.resolve("checkpoint.safetensors")) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(p.isAlive()).as("still training after its first checkpoint").isTrue();
            assumeFalse(Files.readString(log).contains("may not handle Ctrl-C"), "SIGINT is ignored in this environment (background job)");
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(Interrupts.Kind.CTRL_C.exitCode);
        assertThat(json(dir.resolve("run.json")).get("status").asText()).isEqualTo("interrupted");
        long at = checkpointStep(dir);
        assertThat(at).isGreaterThanOrEqualTo(2);
        assertThat(json(dir.resolve("run.json")).get("steps_done").asLong()).isEqualTo(at);
        assertThat(Files.readString(log)).contains("Ctrl-C: stopping").contains("--resume " + dir);

        List<String> more = resume(base(dir, at + 2));
        Outcome r = greenml(more);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode run = json(dir.resolve("run.json"));
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("sessions").asInt()).isEqualTo(2);
        assertThat(run.get("steps_done").asLong()).isEqualTo(at + 2);
    }
}
