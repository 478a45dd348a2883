package dev.greenml.kernels;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GemmBenchmarkTest {

    @Test
    void printsOneJsonObjectPerImplAndRatiosAgainstDirectOpenBlas() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = GemmBenchmark.run(new String[] {"--shapes", "gemv", "--repeats", "2", "--warmup", "0",
                        "--repeat-seconds", "0.001"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        var json = new ObjectMapper();
        var lines = out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
        assertThat(lines).extracting(n -> n.get("blas") == null ? "ratio" : n.get("blas").asText())
                .containsExactly("java", "blas", "openblas-direct", "ratio", "ratio");
        JsonNode java = lines.getFirst();
        assertThat(java.get("suite").asText()).isEqualTo("gemm");
        assertThat(java.get("metric").asText()).isEqualTo("sgemm_latency");
        assertThat(java.get("shape").asText()).isEqualTo("1x1000x200");
        assertThat(java.get("unit").asText()).isEqualTo("us");
        assertThat(java.get("values")).hasSize(2);
        assertThat(java.get("min").asDouble()).isPositive().isLessThanOrEqualTo(java.get("max").asDouble());
    }

    @Test
    void badArgumentsGiveStatusTwoAndAMessage() {
        var err = new ByteArrayOutputStream();
        int status = GemmBenchmark.run(new String[] {"--shapes", "huge"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--shapes must be square, gemv, seed or all");
    }
}
