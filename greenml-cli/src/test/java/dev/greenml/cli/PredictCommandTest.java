package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {

    @TempDir Path dir;

    private Path trainRegression() {
        Path model = dir.resolve("reg.safetensors");
        Cli.Outcome r = greenml("train", "--layers", "2,16,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 40, "--lr", 0.01, "--out", model, "--threads", 2);
        assertThat(r.code()).as(r.toString()).isZero();
        return model;
    }

    @Test
    void regressionPredictionsFollowTheFormula() throws Exception {
        Path model = trainRegression();
        Path input = Cli.write(dir.resolve("in.csv"), "a,b\n0,0\n0.5,-0.5\n-0.5,0.25\n0.8,0.1\n");
        Path output = dir.resolve("out.csv");

        Cli.Outcome r = greenml("predict", "--model", model, "--input", input, "--output", output, "--json", "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.json().get("rows").asInt()).isEqualTo(4);
        assertThat(r.json().get("kind").asText()).isEqualTo("regression");
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(5);
        assertThat(lines.getFirst()).isEqualTo("prediction");
        double[][] in = {{0, 0}, {0.5, -0.5}, {-0.5, 0.25}, {0.8, 0.1}};
        for (int i = 0; i < in.length; i++) {
            double expected = 2 * in[i][0] - in[i][1] + 0.5;
            assertThat(Double.parseDouble(lines.get(i + 1))).as("row %d", i).isCloseTo(expected, within(0.25));
        }
    }

    @Test
    void dropIgnoresTheTargetColumnOfTheTrainingFile() throws Exception {
        Path model = trainRegression();
        Path output = dir.resolve("out.csv");

        Cli.Outcome r = greenml("predict", "--model", model, "--input", dir.resolve("regression.csv"), "--drop", "y",
                "--output", output, "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("wrote 200 predictions to ");
        assertThat(Files.readAllLines(output)).hasSize(201);
    }

    @Test
    void classifierWritesClassAndProbabilitiesSummingToOne() throws Exception {
        Path csv = Cli.classificationCsv(dir), model = dir.resolve("c.safetensors");
        Cli.Outcome t = greenml("train", "--layers", "2,16,3", "--loss", "cross-entropy", "--data", csv,
                "--target", "label", "--epochs", 20, "--lr", 0.01, "--out", model, "--threads", 2);
        assertThat(t.code()).as(t.toString()).isZero();
        Path input = Cli.write(dir.resolve("in.csv"), "x1,x2\n-2,-2\n2,-2\n0,2\n");
        Path output = dir.resolve("out.csv");

        Cli.Outcome r = greenml("predict", "--model", model, "--input", input, "--output", output, "--json", "--threads", 2);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.json().get("kind").asText()).isEqualTo("classification");
        List<String> lines = Files.readAllLines(output);
        assertThat(lines.getFirst()).isEqualTo("class,p_0,p_1,p_2");
        assertThat(lines).hasSize(4);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            assertThat(cells).hasSize(4);
            assertThat(Integer.parseInt(cells[0])).as("class of the blob centre %d", i - 1).isEqualTo(i - 1);
            double sum = 0;
            for (int c = 1; c < 4; c++) {
                double p = Double.parseDouble(cells[c]);
                assertThat(p).isBetween(0.0, 1.0);
                sum += p;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }
}
