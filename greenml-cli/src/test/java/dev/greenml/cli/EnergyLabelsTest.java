package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.footprint.run.Footprint;
import dev.greenml.footprint.run.FootprintConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every energy figure a command prints or returns names its method (measured or modelled). */
class EnergyLabelsTest {

    @TempDir Path dir;

    @Test
    void progressBarEnergyOfDistillAndPruneNamesItsMethod() {
        try (var run = Footprint.start(FootprintConfig.defaults())) {
            assertThat(TrainCommand.energySoFar(run)).matches("[0-9.]+ (J|Wh) \\((measured|modelled)\\)");
        }
    }

    @Test
    void trainJsonCumulativeCarriesTheEnergyMethod() {
        Cli.Outcome r = greenml("train", "--layers", "2,8,1", "--data", Cli.regressionCsv(dir), "--target", "y",
                "--epochs", 1, "--threads", 1, "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        var cumulative = r.json().get("cumulative");
        assertThat(cumulative.get("energy_method").asText()).isIn("measured", "modelled");
        assertThat(cumulative.get("energy_joules").isNumber()).isTrue();
    }
}
