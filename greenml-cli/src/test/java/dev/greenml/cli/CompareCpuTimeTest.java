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
    void aFigureBelowOneClockStepPrintsAsLessThanTheStep() {
        Map<String, Object> m = Map.of("v", 0.0, "step", 10_000.0 / 256);
        assertThat(CompareCommand.cpuUs(m, "v", "step", "%.2f")).isEqualTo("< 39.06 µs");
        assertThat(CompareCommand.cpuUs(Map.of("v", 78.125, "step", 39.0625), "v", "step", "%.2f")).isEqualTo("78.13 µs");
        assertThat(CompareCommand.cpuUs(Map.of("v", 0.4, "step", 1e-5), "v", "step", "%.2f")).isEqualTo("0.40 µs");
    }
}
