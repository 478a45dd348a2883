package dev.greenml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.autograd.Autograd;
import dev.greenml.compress.Pruning;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.SafeTensorsFile;
import dev.greenml.io.safetensors.TensorEntry;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModuleTree;
import dev.greenml.nn.QuantizedLinear;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** int8, sparse and f16/bf16 model files: round trips, sizes, and tampered files rejected with a clear message. */
class CompressedModelFileTest {

    @TempDir Path dir;

    private static Mlp floatModel() {
        return new Mlp(new Mlp.Config(new int[] {40, 32, 16, 3}, Activation.Kind.RELU), new Rng(11));
    }

    private static Tensor input() {
        Tensor x = Tensor.zeros(5, 40);
        new Rng(12).fillUniform(x, -1, 1);
        return x;
    }

    private static float[] run(Model m, Tensor x) {
        try (var s = Autograd.noGrad()) {
            return m.forward(x).toArray();
        }
    }

    @Test void quantizeSaveLoadPredictRoundTrip() throws Exception {
        Mlp model = floatModel();
        float[] reference = run(model, input());
        assertThat(ModuleTree.quantizeLayers(model)).isEqualTo(3);
        float[] quantized = run(model, input());
        for (int i = 0; i < reference.length; i++) assertThat(quantized[i]).isCloseTo(reference[i], within(0.05f));

        Path f32 = dir.resolve("f32.safetensors"), i8 = dir.resolve("int8.safetensors");
        ModelFile.save(f32, floatModel(), Map.of());
        ModelFile.save(i8, model, Map.of());
        SafeTensorsFile file = SafeTensors.read(i8);
        assertThat(file.get("0.weight").dtype()).isEqualTo(DType.I8);
        assertThat(file.get("0.weight_scale").dtype()).isEqualTo(DType.F32);
        assertThat(file.get("0.weight_scale").shape()).containsExactly(32);
        assertThat(file.get("0.bias").dtype()).isEqualTo(DType.F32);
        assertThat(file.metadata().get(CompressedTensors.QUANTIZATION)).contains("int8-symmetric-per-channel", "\"0.weight\"");

        ModelFile.Loaded loaded = ModelFile.load(i8);
        assertThat(ModuleTree.quantized(loaded.model())).hasSize(3);
        assertThat(run(loaded.model(), input())).containsExactly(quantized);   // bit for bit
        assertThat(ModuleTree.parameterCount(loaded.model())).isEqualTo(floatModel().parameterCount());
        assertThat(Files.size(f32) / (double) Files.size(i8)).isGreaterThan(2.0);   // a tiny model: the JSON header weighs; ≈ 4× on real sizes
    }

    @Test void cnnConvAndLinearLayersQuantizeAndRoundTrip() throws Exception {
        var config = new dev.greenml.nn.Cnn.Config(new int[] {1, 8, 8}, new int[] {4, 6}, 3, true, 8, 0.25f, 3);
        Model model = config.build(new Rng(21));
        Tensor x = Tensor.zeros(2, 64);
        new Rng(22).fillUniform(x, -1, 1);
        model.eval();
        float[] reference = run(model, x);
        assertThat(ModuleTree.quantizeLayers(model)).isEqualTo(4);   // 2 conv + 2 linear
        float[] quantized = run(model, x);
        for (int i = 0; i < reference.length; i++) assertThat(quantized[i]).isCloseTo(reference[i], within(0.05f));
        Path p = dir.resolve("cnn-int8.safetensors");
        ModelFile.save(p, model, Map.of());
        assertThat(SafeTensors.read(p).get("0.weight").shape()).containsExactly(4, 1, 3, 3);
        assertThat(SafeTensors.read(p).get("0.weight").dtype()).isEqualTo(DType.I8);
        Model back = ModelFile.load(p).model();
        back.eval();
        assertThat(ModuleTree.quantized(back)).hasSize(4);
        assertThat(run(back, x)).containsExactly(quantized);
    }

    @Test void quantizedModelRefusesToRunWithGradients() {
        Mlp model = floatModel();
        ModuleTree.quantizeLayers(model);
        assertThatThrownBy(() -> model.forward(input())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inference mode only");
    }

    @Test void halfAndBfloat16FilesLoadAsFloat32() throws Exception {
        Mlp model = floatModel();
        float[] reference = run(model, input());
        for (DType d : new DType[] {DType.F16, DType.BF16}) {
            Path p = dir.resolve(d + ".safetensors");
            ModelFile.save(p, model, Map.of(), new ModelFile.Storage(d, false));
            assertThat(SafeTensors.read(p).get("0.weight").dtype()).isEqualTo(d);
            float[] y = run(ModelFile.load(p).model(), input());
            for (int i = 0; i < y.length; i++) assertThat(y[i]).isCloseTo(reference[i], within(d == DType.F16 ? 0.01f : 0.05f));
        }
    }

    @Test void sparseStorageIsExactAndSmaller() throws Exception {
        Mlp model = floatModel();
        Pruning.magnitude(model, 0.8, false);
        Path dense = dir.resolve("dense.safetensors"), sparse = dir.resolve("sparse.safetensors");
        ModelFile.save(dense, model, Map.of());
        ModelFile.save(sparse, model, Map.of(), new ModelFile.Storage(DType.F32, true));
        SafeTensorsFile f = SafeTensors.read(sparse);
        assertThat(f.contains("0.weight")).isFalse();
        assertThat(f.get("0.weight_mask").dtype()).isEqualTo(DType.U8);
        assertThat(f.get("0.weight_values").elementCount()).isEqualTo(1280 - Math.round(0.8 * 1280));
        assertThat(Files.size(sparse)).isLessThan(Files.size(dense) / 2);
        Model back = ModelFile.load(sparse).model();
        assertThat(back.namedParameters().get("0.weight").toArray()).containsExactly(model.namedParameters().get("0.weight").toArray());
        assertThat(run(back, input())).containsExactly(run(model, input()));
    }

    @Test void denseStorageIsKeptWhenSparseDoesNotPay() throws Exception {
        Mlp model = floatModel();   // no zeros
        Path p = dir.resolve("m.safetensors");
        ModelFile.save(p, model, Map.of(), new ModelFile.Storage(DType.F32, true));
        assertThat(SafeTensors.read(p).contains("0.weight")).isTrue();
        assertThat(SafeTensors.read(p).metadata()).doesNotContainKey(CompressedTensors.SPARSE);
    }

    // ------------------------------------------------------------------ tampered files

    /** Saves a quantized model, lets {@code edit} change its tensors, writes it back. */
    private Path tampered(Consumer<Map<String, TensorEntry>> edit) throws Exception {
        Mlp model = floatModel();
        ModuleTree.quantizeLayers(model);
        Path p = dir.resolve("q.safetensors");
        ModelFile.save(p, model, Map.of());
        SafeTensorsFile f = SafeTensors.read(p);
        Map<String, TensorEntry> t = new LinkedHashMap<>(f.tensors());
        edit.accept(t);
        Path out = dir.resolve("tampered.safetensors");
        SafeTensors.write(out, t.values(), f.metadata());
        return out;
    }

    private static TensorEntry scales(float... v) {
        return TensorEntry.ofFloats("2.weight_scale", new long[] {v.length}, v);
    }

    private static float[] ones(int n, float first) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 0.01f);
        v[0] = first;
        return v;
    }

    @Test void wrongScaleCountIsRejected() throws Exception {
        Path p = tampered(t -> t.put("2.weight_scale", scales(ones(15, 0.01f))));
        assertThatThrownBy(() -> ModelFile.load(p)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'2.weight_scale' has shape [15]").hasMessageContaining("needs exactly 16 scales");
    }

    @Test void missingScaleIsRejected() throws Exception {
        Path p = tampered(t -> t.remove("2.weight_scale"));
        assertThatThrownBy(() -> ModelFile.load(p)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("'2.weight' has no scale tensor '2.weight_scale'");
    }

    @Test void zeroNegativeOrNanScaleIsRejected() throws Exception {
        for (float bad : new float[] {0f, -0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            Path p = tampered(t -> t.put("2.weight_scale", scales(ones(16, bad))));
            assertThatThrownBy(() -> ModelFile.load(p)).isInstanceOf(ModelFileException.class)
                    .hasMessageContaining("holds " + bad + " at channel 0").hasMessageContaining("finite number > 0");
        }
    }

    @Test void int8TensorWithoutQuantizationMetadataIsRejected() throws Exception {
        Mlp model = floatModel();
        ModuleTree.quantizeLayers(model);
        Path p = dir.resolve("q.safetensors");
        ModelFile.save(p, model, Map.of());
        SafeTensorsFile f = SafeTensors.read(p);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.remove(CompressedTensors.QUANTIZATION);
        Path out = dir.resolve("nometa.safetensors");
        SafeTensors.write(out, f.tensors().values(), meta);
        assertThatThrownBy(() -> ModelFile.load(out)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("is I8 but the metadata 'greenml.quantization' does not list it");
    }

    @Test void quantizedWeightOfWrongDtypeIsRejected() throws Exception {
        Path p = tampered(t -> t.put("2.weight", TensorEntry.ofFloats("2.weight", new long[] {16, 32}, new float[512])));
        assertThatThrownBy(() -> ModelFile.load(p)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("quantized weight '2.weight' must be I8 (out, in) or (out, c, kh, kw), got F32");
    }

    @Test void sparseMaskAndValuesMustAgree() throws Exception {
        Mlp model = floatModel();
        Pruning.magnitude(model, 0.5, false);
        Path p = dir.resolve("s.safetensors");
        ModelFile.save(p, model, Map.of(), new ModelFile.Storage(DType.F32, true));
        SafeTensorsFile f = SafeTensors.read(p);
        Map<String, TensorEntry> t = new LinkedHashMap<>(f.tensors());
        t.put("0.weight_values", TensorEntry.ofFloats("0.weight_values", new long[] {3}, new float[3]));
        Path out = dir.resolve("bad.safetensors");
        SafeTensors.write(out, t.values(), f.metadata());
        assertThatThrownBy(() -> ModelFile.load(out)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("marks 640 non-zero elements but '0.weight_values' holds 3");
    }

    @Test void quantizedLinearKeepsItsNameForFiles() {
        Mlp model = floatModel();
        ModuleTree.quantizeLayers(model);
        assertThat(ModuleTree.quantized(model)).extracting(q -> q.name()).containsExactly("0.", "2.", "4.");
        assertThat(ModuleTree.quantized(model).getFirst()).isInstanceOf(QuantizedLinear.class);
    }
}
