package dev.greenml.nn.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.kernels.Backends;
import dev.greenml.tensor.Rng;
import dev.greenml.text.ByteTokenizer;
import dev.greenml.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPT run stopped after N/2 steps, written to a checkpoint file and resumed in a fresh model
 * and trainer ends bit for bit where the uninterrupted N-step run ends: parameters, AdamW's
 * moments and step counts, the window sampler's generator, the schedule.
 */
class GptResumeTest {

    @TempDir Path dir;
    static final int N = 8;
    static final Gpt.Config CONFIG = new Gpt.Config(256, 16, 1, 2, 16, "gelu_tanh");
    private dev.greenml.kernels.Backend saved;
    int[] train, val;

    @BeforeEach void oneThreadAndAText() throws Exception {
        // one thread: a product split differently across threads could round differently
        saved = Backends.current();
        Backends.setCurrent(Backends.select("auto", 1).backend());
        Path file = dir.resolve("text.txt");
        StringBuilder sb = new StringBuilder();
        Rng r = new Rng(5);
        String[] words = {"light ", "darkness ", "the ", "and ", "God ", "said, ", "was ", "good. ", "é ", "ünd\n"};
        for (int i = 0; i < 600; i++) sb.append(words[r.nextInt(words.length)]);
        Files.writeString(file, sb);
        int[] ids = new ByteTokenizer().encode(Files.readString(file));
        int cut = ids.length * 9 / 10;
        train = Arrays.copyOfRange(ids, 0, cut);
        val = Arrays.copyOfRange(ids, cut, ids.length);
    }

    @AfterEach void restoreBackend() {
        Backends.setCurrent(saved);
    }

    GptTrainer trainer(Gpt m) {
        return new GptTrainer(m, train, val, new GptTrainer.Options(4, 1e-2f, N, 2, 0.1f, 1f, 3));
    }

    @Test void halfTheStepsThenACheckpointThenTheRestEqualsTheStraightRunBitForBit() {
        resumeEqualsStraightRun();
    }

    /** Two threads: data-parallel steps (a shard of the batch per thread) are deterministic too. */
    @Test void theSameHoldsForDataParallelStepsOnTwoThreads() {
        Backends.setCurrent(Backends.select("auto", 2).backend());
        assertThat(trainer(new Gpt(CONFIG, new Rng(1))).parallelism()).startsWith("data-parallel over 2 threads");
        resumeEqualsStraightRun();
    }

    private void resumeEqualsStraightRun() {
        Gpt straight = new Gpt(CONFIG, new Rng(1));
        GptTrainer ts = trainer(straight);
        for (int s = 0; s < N; s++) ts.step();

        Gpt first = new Gpt(CONFIG, new Rng(1));
        GptTrainer t1 = trainer(first);
        for (int s = 0; s < N / 2; s++) t1.step();
        t1.evaluate(4);   // as the CLI does before each checkpoint: evaluation must change nothing that training reads
        Path ckpt = dir.resolve("ckpt.safetensors");
        Checkpoint.save(ckpt, first, t1, Map.of());

        Gpt resumed = new Gpt(CONFIG, new Rng(99));   // other initial weights: all of them must come from the file
        GptTrainer t2 = trainer(resumed);
        Checkpoint.Loaded loaded = Checkpoint.read(ckpt);
        assertThat(loaded.isGpt()).isTrue();
        assertThat(loaded.position()).isNull();
        assertThat(loaded.gptPosition().step()).isEqualTo(N / 2);
        Checkpoint.restore(loaded, resumed, t2);
        assertThat(t2.stepsDone()).isEqualTo(N / 2);
        for (int s = N / 2; s < N; s++) t2.step();

        assertThat(resumed.parameters().data()).containsExactly(straight.parameters().data());
        for (String k : ts.optimizer().state().keySet()) {
            assertThat(t2.optimizer().state().get(k)).as(k).containsExactly(ts.optimizer().state().get(k));
        }
        assertThat(t2.position().rng()).containsExactly(ts.position().rng());
        assertThat(t2.lr()).isEqualTo(ts.lr());
        assertThat(first.parameters().data()).isNotEqualTo(straight.parameters().data());   // the second half did train
    }

    @Test void aReplannedScheduleLengthTravelsWithTheCheckpoint() {
        Gpt m = new Gpt(CONFIG, new Rng(1));
        GptTrainer t = trainer(m);
        t.step();
        t.setTotalSteps(5);   // as --max-minutes re-plans it
        Path ckpt = dir.resolve("planned.safetensors");
        Checkpoint.save(ckpt, m, t, Map.of());
        GptTrainer back = trainer(new Gpt(CONFIG, new Rng(1)));
        Checkpoint.restore(Checkpoint.read(ckpt), new Gpt(CONFIG, new Rng(1)), back);
        assertThat(back.plannedSteps()).isEqualTo(5);
        assertThat(back.stepsDone()).isEqualTo(1);
    }

    @Test void anotherArchitectureIsRefusedBeforeAnythingChanges() {
        Gpt m = new Gpt(CONFIG, new Rng(1));
        GptTrainer t = trainer(m);
        t.step();
        Path ckpt = dir.resolve("c.safetensors");
        Checkpoint.save(ckpt, m, t, Map.of());

        Gpt wider = new Gpt(new Gpt.Config(256, 16, 1, 2, 32, "gelu_tanh"), new Rng(2));
        float[] before = wider.parameters().data().clone();
        GptTrainer tw = new GptTrainer(wider, train, val, new GptTrainer.Options(4, 1e-2f, N, 2, 0.1f, 1f, 3));
        assertThatThrownBy(() -> Checkpoint.restore(Checkpoint.read(ckpt), wider, tw))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("\"width\":16").hasMessageContaining("\"width\":32");
        assertThat(wider.parameters().data()).containsExactly(before);
        assertThat(tw.stepsDone()).isZero();
    }
}
