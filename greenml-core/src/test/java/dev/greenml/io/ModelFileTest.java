package dev.greenml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.Version;
import dev.greenml.autograd.Autograd;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.TensorEntry;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    private static final String CONFIG_2_8_3 = "{\"architecture\":\"mlp\",\"layers\":[2,8,3],\"activation\":\"tanh\"}";

    @TempDir Path dir;

    private static Mlp model() {
        return new Mlp(new Mlp.Config(new int[] {2, 8, 3}, Activation.Kind.TANH), new Rng(5));
    }

    /** The tensors of {@link #model()} as file entries, in state_dict order. */
    private static List<TensorEntry> entries(Mlp m) {
        List<TensorEntry> list = new ArrayList<>();
        m.namedParameters().forEach((name, t) -> {
            long[] shape = new long[t.rank()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.dim(i);
            list.add(TensorEntry.ofFloats(name, shape, t.toArray()));
        });
        return list;
    }

    private Path write(List<TensorEntry> tensors, String config) {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, tensors, config == null ? Map.of() : Map.of(ModelFile.CONFIG, config));
        return f;
    }

    @Test
    void saveThenLoadIsBitIdenticalAndGivesTheSameOutputs() throws Exception {
        Mlp original = model();
        Path f = dir.resolve("m.safetensors");
        long bytes = ModelFile.save(f, original, Map.of());

        ModelFile.Loaded loaded = ModelFile.load(f);

        assertThat(bytes).isEqualTo(Files.size(f)).isEqualTo(loaded.fileSizeBytes());
        assertThat(loaded.model().config()).isEqualTo(original.config());
        Map<String, Tensor> a = original.namedParameters(), b = loaded.model().namedParameters();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String name : a.keySet()) {
            float[] x = a.get(name).toArray(), y = b.get(name).toArray();
            assertThat(y).as(name).hasSameSizeAs(x);
            for (int i = 0; i < x.length; i++) {
                assertThat(Float.floatToRawIntBits(y[i])).as("%s[%d]", name, i).isEqualTo(Float.floatToRawIntBits(x[i]));
            }
        }
        Tensor input = Tensor.zeros(4, 2);
        new Rng(9).fillUniform(input, -1f, 1f);
        try (var scope = Autograd.noGrad()) {
            assertThat(loaded.model().forward(input).toArray()).containsExactly(original.forward(input).toArray());
        }
    }

    @Test
    void metadataHoldsConfigVersionCreatedFormatAndTheTrainingRecord() throws Exception {
        Path f = dir.resolve("m.safetensors");
        String training = "{\"loss\":\"mse\",\"optimizer\":\"adam\",\"lr\":0.01}";
        Instant before = Instant.now();
        ModelFile.save(f, model(), Map.of(ModelFile.TRAINING, training));

        Map<String, String> meta = ModelFile.load(f).metadata();

        var config = new ObjectMapper().readTree(meta.get(ModelFile.CONFIG));
        assertThat(config.get("architecture").asText()).isEqualTo("mlp");
        assertThat(config.get("layers").toString()).isEqualTo("[2,8,3]");
        assertThat(config.get("activation").asText()).isEqualTo("tanh");
        assertThat(meta.get(ModelFile.VERSION)).isEqualTo(Version.STRING);
        assertThat(Instant.parse(meta.get(ModelFile.CREATED))).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(meta.get("format")).isEqualTo("pt");
        assertThat(meta.get(ModelFile.TRAINING)).isEqualTo(training);
    }

    @Test
    void missingTensorIsNamed() {
        List<TensorEntry> tensors = entries(model());
        tensors.removeIf(t -> t.name().equals("2.bias"));
        assertThatThrownBy(() -> ModelFile.load(write(tensors, CONFIG_2_8_3)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("m.safetensors").hasMessageContaining("'2.bias' [3] is missing");
    }

    @Test
    void extraTensorIsNamed() {
        List<TensorEntry> tensors = entries(model());
        tensors.add(TensorEntry.ofFloats("4.weight", new long[] {1, 3}, new float[3]));
        assertThatThrownBy(() -> ModelFile.load(write(tensors, CONFIG_2_8_3)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("[4.weight]").hasMessageContaining("not part of the architecture");
    }

    @Test
    void wrongShapeNamesBothShapes() {
        List<TensorEntry> tensors = entries(model());
        tensors.set(0, TensorEntry.ofFloats("0.weight", new long[] {2, 8}, new float[16]));
        assertThatThrownBy(() -> ModelFile.load(write(tensors, CONFIG_2_8_3)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'0.weight' has shape [2, 8]").hasMessageContaining("needs [8, 2]");
    }

    @Test
    void int8TensorsWithoutQuantizationMetadataAreRefused() {
        List<TensorEntry> tensors = entries(model());
        tensors.set(1, TensorEntry.ofInt8("0.bias", new long[] {8}, new byte[8]));
        assertThatThrownBy(() -> ModelFile.load(write(tensors, CONFIG_2_8_3)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'0.bias' is I8").hasMessageContaining("greenml.quantization");
    }

    @Test
    void configThatIsNotJson() {
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()), "{layers: [2,8,3]")))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining(ModelFile.CONFIG).hasMessageContaining("not valid JSON");
    }

    @Test
    void configWithoutUsableLayers() {
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()), "{\"architecture\":\"mlp\",\"layers\":[2]}")))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("at least 2 widths");
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()), "{\"architecture\":\"mlp\",\"layers\":[2,-8,3]}")))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("-8").hasMessageContaining("positive integer");
    }

    @Test
    void unsupportedArchitectureIsNamed() {
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()), "{\"architecture\":\"transformer\",\"layers\":[2,8,3]}")))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'transformer' is not supported").hasMessageContaining("supported: mlp");
    }

    @Test
    void unknownActivationIsAModelFileError() {
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()),
                "{\"architecture\":\"mlp\",\"layers\":[2,8,3],\"activation\":\"swish\"}")))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("swish");
    }

    @Test
    void fileWithoutConfigPointsToInspect() {
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()), null)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("no '" + ModelFile.CONFIG + "'").hasMessageContaining("greenml inspect");
    }

    @Test
    void halfPrecisionWeightsLoadAsFloats() {
        Mlp m = model();
        List<TensorEntry> tensors = new ArrayList<>();
        Map<String, float[]> stored = new LinkedHashMap<>();
        m.namedParameters().forEach((name, t) -> {
            float[] v = new float[t.size()];
            for (int i = 0; i < v.length; i++) v[i] = (i % 7 - 3) * 0.125f;   // exact in F16 and BF16
            stored.put(name, v);
            long[] shape = new long[t.rank()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.dim(i);
            tensors.add(TensorEntry.ofFloatsAs(name, shape, v, name.endsWith("bias") ? DType.BF16 : DType.F16));
        });

        dev.greenml.nn.Model loaded = ModelFile.load(write(tensors, CONFIG_2_8_3)).model();

        stored.forEach((name, v) -> assertThat(loaded.namedParameters().get(name).toArray()).as(name).containsExactly(v));
    }

    @Test
    void aBadTensorAfterGoodOnesFailsBeforeAnyModelIsReturned() {
        // the last tensor is the bad one: every check must run before a model is handed out
        List<TensorEntry> tensors = entries(model());
        tensors.set(3, TensorEntry.ofDoubles("2.bias", new long[] {3}, new double[3]));
        assertThatThrownBy(() -> ModelFile.load(write(tensors, CONFIG_2_8_3)))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("'2.bias' is F64");
    }

    @Test
    void hugeConfigWithSmallTensorsFailsOnTheShapesWithoutAllocatingTheModel() {
        // a corrupt or hostile config must not make the loader allocate gigabytes before it looks at the tensors
        String huge = "{\"architecture\":\"mlp\",\"layers\":[40000,40000,3],\"activation\":\"tanh\"}";
        assertThatThrownBy(() -> ModelFile.load(write(entries(model()), huge)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'0.weight' has shape [8, 2]").hasMessageContaining("needs [40000, 40000]");
    }
}
