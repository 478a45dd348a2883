package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoCommandTest {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"java", "blas"})
    void shortDemoTrainsSavesAndReloadsIdentically(String backend) throws Exception {
        Path model = dir.resolve("m.safetensors");
        Cli.Outcome r = greenml("demo", "--steps", 30, "--batch-size", 16, "--out", model, "--json",
                "--backend", backend, "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("backend").asText()).isEqualTo(backend);
        assertThat(j.get("reload_identical").asBoolean()).isTrue();
        assertThat(Files.exists(model)).isTrue();
        assertThat(j.get("model_file_bytes").asLong()).isEqualTo(Files.size(model));
        double testMse = j.get("test_mse").asDouble();
        assertThat(testMse).isFinite().isLessThan(j.get("first_loss").asDouble());
        assertThat(j.get("steps").asInt()).isEqualTo(30);
        // J per sample on the same basis as train's: the training phase, not the whole run
        assertThat(j.at("/footprint/units/0/kind").asText()).isEqualTo("samples");
        assertThat(j.at("/footprint/units/0/basis").asText()).isEqualTo("phase 'train'");
    }

    @Test
    void unknownBackendIsRejectedWithTheValidChoices() {
        Path model = dir.resolve("m.safetensors");
        Cli.Outcome r = greenml("demo", "--steps", 1, "--out", model, "--backend", "cuda");

        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("greenml demo: ").contains("cuda").contains("java").contains("blas").contains("auto");
        assertThat(model).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"footprint.json", "emissions.csv"})
    void anOutNamedLikeDemosOwnReportIsRefusedBeforeTheWork(String name) {
        Path out = dir.resolve(name);
        Cli.Outcome r = greenml("demo", "--steps", 1, "--batch-size", 8, "--out", out, "--threads", 1);
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains("--out " + out).contains("footprint report").contains("choose another file name");
        assertThat(out).doesNotExist();
    }
}
