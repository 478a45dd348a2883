package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    @TempDir Path dir;

    private Path trainedModel() {
        Path model = dir.resolve("m.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,16,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 1, "--out", model, "--threads", 2);
        assertThat(r.code()).as(r.toString()).isZero();
        return model;
    }

    @Test
    void listsTensorsWithShapesAndTheGreenmlMetadata() {
        Path model = trainedModel();

        Cli.Outcome r = greenml("inspect", model);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("0\\.weight\\s+F32\\s+\\[16, 2\\]\\s+32")
                .containsPattern("0\\.bias\\s+F32\\s+\\[16\\]\\s+16")
                .containsPattern("2\\.weight\\s+F32\\s+\\[1, 16\\]\\s+16")
                .containsPattern("2\\.bias\\s+F32\\s+\\[1\\]\\s+1")
                .contains("greenml.config = {\"architecture\":\"mlp\",\"layers\":[2,16,1],\"activation\":\"relu\"}")
                .contains("greenml.training = ").contains("format = pt");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonHasTheFileSizeTensorsAndMetadata() throws Exception {
        Path model = trainedModel();

        Cli.Outcome r = greenml("inspect", model, "--json");

        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("file_bytes").asLong()).isEqualTo(Files.size(model));
        assertThat(j.get("elements").asLong()).isEqualTo(2 * 16 + 16 + 16 + 1);
        JsonNode first = j.get("tensors").get(0);
        assertThat(first.get("name").asText()).isEqualTo("0.weight");
        assertThat(first.get("dtype").asText()).isEqualTo("F32");
        assertThat(first.get("shape").toString()).isEqualTo("[16,2]");
        assertThat(first.get("bytes").asLong()).isEqualTo(16 * 2 * 4);
        JsonNode meta = j.get("metadata");
        assertThat(meta.has("greenml.config")).isTrue();
        JsonNode training = new ObjectMapper().readTree(meta.get("greenml.training").asText());
        assertThat(training.get("loss").asText()).isEqualTo("mse");
        assertThat(training.get("epochs").asInt()).isEqualTo(1);
    }

    @Test
    void readsAFileWrittenByHandFromTheSpecification() throws Exception {
        // two tensors, no __metadata__: {"w": F32 [2,2], "ids": I64 [3]}
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[16,40]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 40).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float f : new float[] {1, 2, 3, 4}) b.putFloat(f);
        for (long l : new long[] {7, 8, 9}) b.putLong(l);
        Path file = Files.write(dir.resolve("hand.safetensors"), b.array());

        Cli.Outcome r = greenml("inspect", file, "--json");

        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("file_bytes").asLong()).isEqualTo(Files.size(file));
        assertThat(j.get("tensors")).hasSize(2);
        assertThat(j.get("tensors").get(1).get("dtype").asText()).isEqualTo("I64");
        assertThat(j.get("tensors").get(1).get("shape").toString()).isEqualTo("[3]");
        assertThat(j.get("elements").asLong()).isEqualTo(7);
        assertThat(j.get("metadata").isEmpty()).isTrue();

        Cli.Outcome text = greenml("inspect", file);
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("2 tensors, 7 elements").doesNotContain("metadata:");
    }
}
