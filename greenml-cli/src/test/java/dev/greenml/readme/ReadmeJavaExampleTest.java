package dev.greenml.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.footprint.report.Summary;
import dev.greenml.footprint.run.Footprint;
import dev.greenml.footprint.run.FootprintConfig;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.optim.Adam;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example in README.md, kept compiling and working (with fewer steps). */
class ReadmeJavaExampleTest {

    @TempDir Path dir;

    @Test void theReadmeExampleTrainsSavesReloadsAndMeters() throws Exception {
        Mlp model = new Mlp(new Mlp.Config(new int[] {1000, 200, 100, 1}, Activation.Kind.RELU), new Rng(42));
        Adam adam = new Adam(model.parameters(), 1e-3f);
        Tensor x = Tensor.zeros(64, 1000), y = Tensor.zeros(64, 1);
        new Rng(1).fillUniform(x, -1f, 1f);
        new Rng(2).fillUniform(y, -1f, 1f);
        float first = Float.NaN, last = Float.NaN;
        for (int step = 0; step < 30; step++) {
            Tensor loss = Losses.mse(model.forward(x), y);
            loss.backward();
            adam.step();
            adam.zeroGrad();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertThat(last).isLessThan(first);

        Path file = dir.resolve("bigmodel.safetensors");
        ModelFile.save(file, model, Map.of());
        Model reloaded = ModelFile.load(file).model();
        try (var scope = Autograd.noGrad()) {
            assertThat(Arrays.equals(model.forward(x).toArray(), reloaded.forward(x).toArray())).isTrue();
        }

        try (var run = Footprint.start(FootprintConfig.defaults().withCountry("FR"))) {
            run.phase("epoch 1", () -> {
                for (int step = 0; step < 5; step++) {
                    Tensor loss = Losses.mse(model.forward(x), y);
                    loss.backward();
                    adam.step();
                    adam.zeroGrad();
                }
            });
            String summary = Summary.text(run.finish());
            assertThat(summary).contains("modelled").contains("FR");
        }
    }
}
