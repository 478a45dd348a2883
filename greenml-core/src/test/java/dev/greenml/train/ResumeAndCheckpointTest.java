package dev.greenml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.data.Dataset;
import dev.greenml.kernels.Backends;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.tensor.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResumeAndCheckpointTest {

    @TempDir Path dir;

    /** 3 classes, 8 features, 203 rows (the last batch of 32 is partial). */
    static Dataset data() {
        Rng r = new Rng(7);
        int rows = 203, f = 8;
        float[] x = new float[rows * f];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < f; j++) x[i * f + j] = (float) (r.nextGaussian() + (j % 3 == y[i] ? 1.5 : 0));
        }
        return Dataset.classification(x, f, y);
    }

    static Mlp model(int hidden) {
        return new Mlp(new Mlp.Config(new int[] {8, hidden, 3}, Activation.Kind.RELU), new Rng(42));
    }

    static TrainConfig config(String optimizer, int epochs) {
        return new TrainConfig("cross-entropy", optimizer, 0.01f, epochs, 32, 5, -1, optimizer.equals("sgd") ? 0.9f : 0f, true);
    }

    static final LrScheduleConfig COSINE = new LrScheduleConfig("cosine", 1, 1f, 3, 0.001f);

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd"})
    void oneEpochPlusResumedEpochEqualsTwoStraightEpochsBitForBit(String optimizer) {
        Dataset d = data();
        Mlp straight = model(16);
        new Trainer(straight, config(optimizer, 2)).schedule(COSINE).fit(d, null, new Trainer.Listener() {});

        Mlp first = model(16);
        // the same run (2 epochs, so the same cosine), stopped after epoch 1
        Trainer t1 = new Trainer(first, config(optimizer, 2)).schedule(COSINE);
        assertThat(t1.fit(d, null, new Trainer.Listener() {
            @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) { t1.requestStop(); }
        })).isEqualTo(Trainer.Outcome.STOPPED);
        Path ckpt = dir.resolve(optimizer + ".safetensors");
        Checkpoint.save(ckpt, first, t1, Map.of());

        Mlp resumed = model(16);
        Trainer t2 = new Trainer(resumed, config(optimizer, 2)).schedule(COSINE);
        Checkpoint.restore(Checkpoint.read(ckpt), resumed, t2);
        assertThat(t2.fit(d, null, new Trainer.Listener() {})).isEqualTo(Trainer.Outcome.COMPLETED);

        assertThat(resumed.parameters().data()).containsExactly(straight.parameters().data());
        assertThat(straight.parameters().data()).isNotEqualTo(first.parameters().data());   // epoch 2 did change them
    }

    @Test
    void stopMidEpochAndResumeEqualsUninterruptedIncludingTheEpochMeanLoss() {
        Dataset d = data();
        List<Double> straightLosses = new ArrayList<>();
        Mlp straight = model(16);
        new Trainer(straight, config("adam", 2)).fit(d, null, new Trainer.Listener() {
            @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) { straightLosses.add(meanLoss); }
        });

        Mlp a = model(16);
        Trainer ta = new Trainer(a, config("adam", 2));
        assertThat(ta.fit(d, null, new Trainer.Listener() {
            @Override public void onStep(Trainer.Step s) { if (s.epoch() == 2 && s.step() == 3) ta.requestStop(); }
        })).isEqualTo(Trainer.Outcome.STOPPED);
        assertThat(ta.position().epoch()).isEqualTo(2);
        assertThat(ta.position().step()).isEqualTo(3);
        Path ckpt = dir.resolve("mid.safetensors");
        Checkpoint.save(ckpt, a, ta, Map.of());

        Mlp b = model(16);
        Trainer tb = new Trainer(b, config("adam", 2));
        Checkpoint.restore(Checkpoint.read(ckpt), b, tb);
        List<Double> resumedLosses = new ArrayList<>();
        tb.fit(d, null, new Trainer.Listener() {
            @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) { resumedLosses.add(meanLoss); }
        });
        assertThat(b.parameters().data()).containsExactly(straight.parameters().data());
        assertThat(resumedLosses).containsExactly(straightLosses.get(1));
    }

    @Test
    void checkpointHoldsModelOptimizerStateRngAndPositionUnderPyTorchNames() throws Exception {
        Dataset d = data();
        Mlp m = model(16);
        Trainer t = new Trainer(m, config("adam", 1));
        t.fit(d, null, new Trainer.Listener() {});
        Path ckpt = dir.resolve("c.safetensors");
        Checkpoint.save(ckpt, m, t, Map.of("greenml.footprint_so_far", "{\"energy_joules\":1.5}"));

        var file = SafeTensors.read(ckpt);
        assertThat(file.tensors().keySet()).contains("0.weight", "2.bias", "optim.exp_avg.0.weight", "optim.exp_avg_sq.2.bias",
                "optim.step.0.weight");
        assertThat(file.get("optim.step.0.weight").shape()).isEmpty();
        assertThat(file.get("optim.step.0.weight").toFloats()).containsExactly(7f);   // ⌈203/32⌉ steps
        assertThat(file.metadata()).containsEntry(Checkpoint.KIND, "checkpoint").containsEntry(Checkpoint.OPTIMIZER, "adam")
                .containsKey("greenml.config").containsEntry("greenml.footprint_so_far", "{\"energy_joules\":1.5}");

        Mlp m2 = model(16);
        Trainer t2 = new Trainer(m2, config("adam", 3));
        Checkpoint.restore(Checkpoint.read(ckpt), m2, t2);
        for (var e : t.optimizer().state().entrySet()) {
            assertThat(t2.optimizer().state().get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
        }
        assertThat(m2.parameters().data()).containsExactly(m.parameters().data());
        assertThat(t2.position()).usingRecursiveComparison().isEqualTo(t.position());
        assertThat(t2.position().epoch()).isEqualTo(2);
    }

    @Test
    void sgdMomentumBuffersRoundTrip() {
        Mlp m = model(16);
        Trainer t = new Trainer(m, config("sgd", 1));
        t.fit(data(), null, new Trainer.Listener() {});
        Path ckpt = dir.resolve("sgd.safetensors");
        Checkpoint.save(ckpt, m, t, Map.of());
        assertThat(SafeTensors.read(ckpt).tensors()).containsKeys("optim.momentum_buffer.0.weight", "optim.momentum_started.2.bias");
        Trainer t2 = new Trainer(model(16), config("sgd", 2));
        Checkpoint.restore(Checkpoint.read(ckpt), (Mlp) t2.model(), t2);
        assertThat(t2.optimizer().state().get("momentum_buffer")).containsExactly(t.optimizer().state().get("momentum_buffer"));
    }

    @Test
    void otherShapesOrOptimizerAreRefusedAndNothingChanges() throws Exception {
        Mlp m = model(16);
        Trainer t = new Trainer(m, config("adam", 1));
        t.fit(data(), null, new Trainer.Listener() {});
        Path ckpt = dir.resolve("c.safetensors");
        Checkpoint.save(ckpt, m, t, Map.of());
        byte[] before = Files.readAllBytes(ckpt);

        Mlp other = model(12);
        float[] init = other.parameters().data().clone();
        Trainer to = new Trainer(other, config("adam", 2));
        assertThatThrownBy(() -> Checkpoint.restore(Checkpoint.read(ckpt), other, to))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("[8,16,3]").hasMessageContaining("[8,12,3]");
        assertThat(other.parameters().data()).containsExactly(init);
        assertThat(to.position()).isNull();

        Mlp same = model(16);
        float[] init2 = same.parameters().data().clone();
        Trainer sgd = new Trainer(same, config("sgd", 2));
        assertThatThrownBy(() -> Checkpoint.restore(Checkpoint.read(ckpt), same, sgd))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("--optimizer adam");
        assertThat(same.parameters().data()).containsExactly(init2);
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(before);
    }

    @Test
    void aModelFileIsNotACheckpoint() throws Exception {
        Path f = dir.resolve("model.safetensors");
        dev.greenml.io.ModelFile.save(f, model(16), Map.of());
        assertThatThrownBy(() -> Checkpoint.read(f)).isInstanceOf(ModelFileException.class).hasMessageContaining("not a greenml checkpoint");
    }

    @Test
    void scheduleIsAppliedPerStepAndRecordedInSteps() {
        List<Float> lrs = new ArrayList<>();
        Trainer t = new Trainer(model(16), config("adam", 3)).schedule(new LrScheduleConfig("step", 1, 0.5f, 0, 0f));
        t.fit(data(), null, new Trainer.Listener() {
            @Override public void onStep(Trainer.Step s) { if (s.step() == 1) lrs.add(s.lr()); }
        });
        assertThat(lrs).containsExactly(0.01f, 0.005f, 0.0025f);
        assertThat(t.optimizer().lr()).isEqualTo(0.0025f);

        var cosine = new LrScheduleConfig("cosine", 1, 1f, 2, 0f).build(1f, 10, 1);
        assertThat(cosine.lr(0)).isEqualTo(0.5f);             // warm-up 1/2
        assertThat(cosine.lr(2)).isEqualTo(1f);               // cosine starts after the warm-up
        assertThat(cosine.lr(10)).isEqualTo(0f);              // and ends at min-lr on the last step
        assertThatThrownBy(() -> new LrScheduleConfig("linear", 1, 1f, 0, 0f)).hasMessageContaining("constant, step or cosine");
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsOnAPlateauAndKeepsTheBest() {
        EarlyStopping es = new EarlyStopping(2);
        assertThat(es.record(1, 0.9)).isTrue();
        assertThat(es.record(2, 0.5)).isTrue();
        assertThat(es.record(3, 0.5)).isFalse();   // equal is no improvement
        assertThat(es.shouldStop()).isFalse();
        assertThat(es.record(4, 0.6)).isFalse();
        assertThat(es.shouldStop()).isTrue();
        assertThat(es.bestEpoch()).isEqualTo(2);
        assertThat(new EarlyStopping(0).shouldStop()).isFalse();
        assertThatThrownBy(() -> new EarlyStopping(-1)).hasMessageContaining("--early-stopping");
    }

    /** A tiny CNN with BatchNorm (running statistics) and Dropout (its own random masks) on 6×6 images. */
    static dev.greenml.nn.Cnn tinyCnn() {
        return new dev.greenml.nn.Cnn(new dev.greenml.nn.Cnn.Config(new int[] {1, 6, 6}, new int[] {4}, 3, true, 8, 0.5f, 3), new Rng(42));
    }

    /** 3 classes of 6×6 "images" (36 features), 96 rows. */
    static Dataset images() {
        Rng r = new Rng(11);
        int rows = 96, f = 36;
        float[] x = new float[rows * f];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < f; j++) x[i * f + j] = (float) (r.nextGaussian() + (j % 3 == y[i] ? 1 : 0));
        }
        return Dataset.classification(x, f, y);
    }

    @Test
    void aCnnWithBatchNormAndDropoutResumesBitForBit() {
        Backends.runWith(Backends.select("blas", 1).backend(), this::cnnResumesBitForBit);
    }

    /** Data-parallel steps: per-replica BatchNorm statistics and Dropout generators seeded by the master's. */
    @Test
    void aCnnWithBatchNormAndDropoutResumesBitForBitOnTwoDataParallelThreads() {
        Backends.runWith(Backends.select("blas", 2).backend(), () -> {
            assertThat(new Trainer(tinyCnn(), config("adam", 2)).parallelism()).startsWith("data-parallel");
            cnnResumesBitForBit();
        });
    }

    private void cnnResumesBitForBit() {
        Dataset d = images();
        var straight = tinyCnn();
        new Trainer(straight, config("adam", 2)).fit(d, null, new Trainer.Listener() {});

        var first = tinyCnn();
        Trainer t1 = new Trainer(first, config("adam", 2));
        t1.fit(d, null, new Trainer.Listener() {
            @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) { t1.requestStop(); }
        });
        Path ckpt = dir.resolve("cnn.safetensors");
        Checkpoint.save(ckpt, first, t1, Map.of());

        var resumed = tinyCnn();
        Trainer t2 = new Trainer(resumed, config("adam", 2));
        Checkpoint.restore(Checkpoint.read(ckpt), resumed, t2);
        t2.fit(d, null, new Trainer.Listener() {});

        assertThat(resumed.parameters().data()).containsExactly(straight.parameters().data());
        for (var b : straight.namedBuffers().entrySet()) {
            assertThat(resumed.namedBuffers().get(b.getKey()).toArray()).as(b.getKey()).containsExactly(b.getValue().toArray());
        }
    }
}
