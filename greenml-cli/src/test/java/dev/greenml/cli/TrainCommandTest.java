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

class TrainCommandTest {

    @TempDir Path dir;

    @Test
    void regressionLearnsTheLinearFormula() throws Exception {
        Path csv = Cli.regressionCsv(dir), model = dir.resolve("m.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,16,1", "--data", csv, "--target", "y", "--epochs", 30,
                "--lr", 0.01, "--out", model, "--json", "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode j = r.json();
        double variance = Cli.variance(csv, 2);
        assertThat(j.get("final_validation_loss").asDouble()).isLessThan(0.05 * variance);
        assertThat(j.get("history")).hasSize(30);
        for (int e = 0; e < 30; e++) {
            JsonNode h = j.get("history").get(e);
            assertThat(h.get("epoch").asInt()).isEqualTo(e + 1);
            assertThat(h.get("train_loss").asDouble()).isFinite();
            assertThat(h.get("val_loss").asDouble()).isFinite();
        }
        assertThat(j.get("data").get("rows").asInt()).isEqualTo(200);
        assertThat(j.get("data").get("validation_rows").asInt()).isEqualTo(20);
        assertThat(j.get("model_file_bytes").asLong()).isEqualTo(Files.size(model));
        assertThat(j.get("parameters").asInt()).isEqualTo(2 * 16 + 16 + 16 + 1);
    }

    @Test
    void classifierReachesHighAccuracyOnSeparableClasses() {
        Path csv = Cli.classificationCsv(dir), model = dir.resolve("c.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,16,3", "--loss", "cross-entropy", "--data", csv,
                "--target", "label", "--epochs", 20, "--lr", 0.01, "--out", model, "--json", "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode last = r.json().get("history").get(19);
        assertThat(last.get("val_accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
        assertThat(r.json().get("training").get("loss").asText()).isEqualTo("cross-entropy");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam", "adamw", "AdamW"})
    void everyOptimizerIsAccepted(String optimizer) {
        Path csv = Cli.regressionCsv(dir), model = dir.resolve("m.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,8,1", "--data", csv, "--target", "y", "--epochs", 2,
                "--optimizer", optimizer, "--lr", 0.01, "--out", model, "--json", "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.json().get("training").get("optimizer").asText()).isEqualTo(optimizer.toLowerCase());
        assertThat(r.json().get("final_train_loss").asDouble()).isFinite();
    }

    @Test
    void textModeReportsTheFileOnStdoutAndProgressOnStderr() {
        Path csv = Cli.regressionCsv(dir), model = dir.resolve("m.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,8,1", "--data", csv, "--target", "y", "--epochs", 2,
                "--out", model, "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("completed 2 epochs").contains("model file: ").contains(model.toAbsolutePath().toString());
        assertThat(r.err()).contains("epoch 1: train loss").contains("epoch 2: train loss");
    }
}
