package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.io.ModelFile;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.tensor.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare's CPU-time columns: a process clock finer than 10 ms ticks, and no 0.00 for a figure below a clock step. */
class CompareCpuTimeTest {

    @TempDir Path dir;

    @Test
    void twoThreadCpuTimePerRowIsMeasuredNotZero() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "needs dataset-fashion-mnist");
        Path m = dir.resolve("m.safetensors");
        ModelFile.save(m, new Mlp(new Mlp.Config(new int[] {784, 8, 10}, Activation.Kind.RELU), new Rng(1)),
                Map.of(ModelFile.TRAINING, "{\"loss\":\"cross-entropy\"}"));
        Cli.Outcome r = greenml("compare", m, "--rounds", 1, "--latency-calls", 20, "--throughput-batches", 1, "--threads", 2,
                "--json", "--footprint-out", dir.resolve("c.footprint.json"));
        assertThat(r.code()).as(r.toString()).isZero();
        var row = r.json().get("models").get(0);
        // one 256-row batch of a tiny model takes far less than a 10 ms tick: the old clock read 0 here
        assertThat(row.get("batch256_cpu_us_per_row_median").asDouble()).isPositive();
        assertThat(row.get("batch256_cpu_us_per_row_resolution").asDouble()).isLessThan(0.01);
        assertThat(r.json().get("cpu_time_clock").asText()).contains("ns resolution");
        assertThat(dir.resolve("c.footprint.json")).exists();
    }

    @Test
    void energyPer1000IsTheMedianRoundAfterAnUntimedWarmUpOfEveryModel() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "needs dataset-fashion-mnist");
        Path a = dir.resolve("a.safetensors"), b = dir.resolve("b.safetensors");
        for (Path p : new Path[] {a, b}) {
            ModelFile.save(p, new Mlp(new Mlp.Config(new int[] {784, 8, 10}, Activation.Kind.RELU), new Rng(1)),
                    Map.of(ModelFile.TRAINING, "{\"loss\":\"cross-entropy\"}"));
        }
        Cli.Outcome r = greenml("compare", a, b, "--rounds", 3, "--latency-calls", 50, "--throughput-batches", 1, "--threads", 1,
                "--json", "--footprint-out", dir.resolve("c.footprint.json"));
        assertThat(r.code()).as(r.toString()).isZero();
        var phases = r.json().get("footprint").get("phases");
        java.util.List<String> names = new java.util.ArrayList<>();
        phases.forEach(p -> names.add(p.get("name").asText()));
        // both models warm up before either is measured: the first-listed model no longer pays for JIT compilation
        int firstMeasured = names.indexOf("a.safetensors batch 1");
        assertThat(names.indexOf("a.safetensors warm-up")).isBetween(0, firstMeasured);
        assertThat(names.indexOf("b.safetensors warm-up")).isBetween(0, firstMeasured);
        for (var row : r.json().get("models")) {
            String label = row.get("model").asText();
            java.util.List<Double> expected = new java.util.ArrayList<>();
            phases.forEach(p -> { if (p.get("name").asText().equals(label + " batch 1")) expected.add(p.get("energy").get("joules").asDouble() / 50 * 1000); });
            var rounds = row.get("energy_per_1000_inferences_batch1_j_rounds");
            assertThat(rounds).as(row.toString()).hasSize(3);
            for (int i = 0; i < 3; i++) assertThat(rounds.get(i).asDouble()).isCloseTo(expected.get(i), org.assertj.core.data.Offset.offset(1e-9));
            double[] v = {rounds.get(0).asDouble(), rounds.get(1).asDouble(), rounds.get(2).asDouble()};
            // the median round, like latency and CPU time; not the total over rounds (mean)
            assertThat(row.get("energy_per_1000_inferences_batch1_j").asDouble()).isEqualTo(CompareCommand.median(v));
            assertThat(row.get("energy_per_1000_inferences_batch256_j_rounds")).hasSize(3);
        }
    }

    @Test
    void aFigureBelowOneClockStepPrintsAsLessThanTheStep() {
        Map<String, Object> m = Map.of("v", 0.0, "step", 10_000.0 / 256);
        assertThat(CompareCommand.cpuUs(m, "v", "step", "%.2f")).isEqualTo("< 39.06 µs");
        assertThat(CompareCommand.cpuUs(Map.of("v", 78.125, "step", 39.0625), "v", "step", "%.2f")).isEqualTo("78.13 µs");
        assertThat(CompareCommand.cpuUs(Map.of("v", 0.4, "step", 1e-5), "v", "step", "%.2f")).isEqualTo("0.40 µs");
    }
}
