package dev.greenml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.autograd.Autograd;
import dev.greenml.data.Dataset;
import dev.greenml.data.FashionMnist;
import dev.greenml.io.ModelFile;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.Backends;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import dev.greenml.train.TrainConfig;
import dev.greenml.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnTest {

    @TempDir Path dir;

    @Test void presetHasPyTorchNamesAndShapes() {
        Cnn cnn = Cnn.Config.fashionMnist().build(new Rng(1));
        Map<String, Tensor> p = cnn.namedParameters();
        assertThat(p.keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias",
                "5.weight", "5.bias", "9.weight", "9.bias", "12.weight", "12.bias");
        assertThat(p.get("4.weight").shape()).containsExactly(32, 16, 3, 3);
        assertThat(p.get("9.weight").shape()).containsExactly(128, 32 * 7 * 7);
        assertThat(cnn.namedBuffers().keySet()).containsExactly("1.running_mean", "1.running_var", "5.running_mean", "5.running_var");
        assertThat(cnn.forward(Tensor.zeros(3, 784)).shape()).containsExactly(3, 10);   // flat rows are viewed as images
        assertThatThrownBy(() -> cnn.forward(Tensor.zeros(3, 100))).hasMessageContaining("(N, 784)");
    }

    @Test void configRoundTripsThroughJson() throws Exception {
        Cnn.Config c = new Cnn.Config(new int[] {3, 16, 12}, new int[] {4, 8}, 5, false, 20, 0.5f, 7);
        ModelConfig back = ModelConfigs.fromJson(new ObjectMapper().readTree(c.toJson().toString()));
        assertThat(back).isEqualTo(c);
        assertThatThrownBy(() -> new Cnn.Config(new int[] {1, 4, 4}, new int[] {2, 2, 2}, 3, true, 8, 0, 10))
                .hasMessageContaining("shrink");
    }

    @Test void modelFileRoundTripKeepsWeightsAndRunningStatistics() throws Exception {
        Cnn cnn = new Cnn(new Cnn.Config(new int[] {1, 8, 8}, new int[] {4}, 3, true, 16, 0.25f, 3), new Rng(2));
        Tensor x = Tensor.zeros(4, 64);
        new Rng(3).fillUniform(x, 0, 1);
        cnn.forward(x);   // training mode: moves the running statistics away from (0, 1)
        cnn.eval();
        float[] expected;
        try (var s = Autograd.noGrad()) {
            expected = cnn.forward(x).toArray();
        }
        Path file = dir.resolve("cnn.safetensors");
        ModelFile.save(file, cnn, Map.of());
        Model loaded = ModelFile.load(file).model();
        assertThat(loaded.namedBuffers().get("1.running_var").toArray()).isEqualTo(cnn.namedBuffers().get("1.running_var").toArray())
                .isNotEqualTo(new float[] {1, 1, 1, 1});
        assertThat(loaded.isTraining()).as("a loaded model is ready for inference").isFalse();
        try (var s = Autograd.noGrad()) {
            assertThat(loaded.forward(x).toArray()).isEqualTo(expected);
        }
    }

    @Test void learnsFashionMnistFromTwoThousandImages() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        Dataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR, "train", true).slice(0, 2000);
        Dataset test = FashionMnist.load(FashionMnist.DEFAULT_DIR, "t10k", true).slice(0, 1000);
        Cnn cnn = Cnn.Config.fashionMnist().build(new Rng(42));
        // The Java kernels: OpenBLAS's threads spin-wait and slow down many-fold when the
        // machine's cores are oversubscribed (as on a shared CI runner); this keeps the test quick.
        Backend saved = Backends.current();
        Backends.setCurrent(Backends.select("java", 2).backend());
        try {
            new Trainer(cnn, new TrainConfig("cross-entropy", "adam", 2e-3f, 2, 32, 42, -1, 0, true))
                    .fit(train, null, new Trainer.Listener() {});
        } finally {
            Backends.setCurrent(saved);
        }
        Trainer.Evaluation e = Trainer.evaluate(cnn, test, "cross-entropy", 500);
        assertThat(e.accuracy()).as("test accuracy after 2 epochs on 2,000 images (chance is 10%%)").isGreaterThan(0.65);
    }
}
