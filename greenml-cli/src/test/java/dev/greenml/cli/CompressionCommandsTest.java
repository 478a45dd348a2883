package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.DType;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.ModuleTree;
import dev.greenml.tensor.Rng;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** quantize and prune through the CLI (no data needed), predict on their outputs, and their one-line errors. */
class CompressionCommandsTest {

    @TempDir Path dir;

    record Outcome(int code, String err) {}

    static Outcome greenml(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new Outcome(cl.execute(args), err.toString());
    }

    private Path model() throws Exception {
        Path p = dir.resolve("m.safetensors");
        ModelFile.save(p, new Mlp(new Mlp.Config(new int[] {3, 64, 2}, Activation.Kind.RELU), new Rng(1)),
                Map.of(ModelFile.TRAINING, "{\"loss\":\"cross-entropy\"}"));
        return p;
    }

    @Test void quantizeThenPredictAndInspect() throws Exception {
        Path m = model(), q = dir.resolve("q.safetensors"), csv = dir.resolve("x.csv"), y = dir.resolve("y.csv");
        assertThat(greenml("quantize", "--model", m.toString(), "--out", q.toString(), "--dtype", "bf16").code()).isZero();
        var f = SafeTensors.read(q);
        assertThat(f.get("0.weight").dtype()).isEqualTo(DType.I8);
        assertThat(f.get("0.bias").dtype()).isEqualTo(DType.BF16);
        assertThat(f.get("0.weight_scale").dtype()).isEqualTo(DType.F32);
        assertThat(ModuleTree.quantized(ModelFile.load(q).model())).hasSize(2);
        Files.writeString(csv, "a,b,c\n0.1,0.2,0.3\n-1,0,1\n");
        assertThat(greenml("predict", "--model", q.toString(), "--input", csv.toString(), "--output", y.toString()).code()).isZero();
        assertThat(Files.readAllLines(y)).hasSize(3).first().isEqualTo("class,p_0,p_1");
        assertThat(greenml("inspect", q.toString()).code()).isZero();

        Outcome again = greenml("quantize", "--model", q.toString(), "--out", dir.resolve("qq.safetensors").toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already int8-quantized");
        Outcome badDtype = greenml("quantize", "--model", m.toString(), "--out", q.toString(), "--dtype", "f8");
        assertThat(badDtype.code()).isEqualTo(2);
        assertThat(badDtype.err()).contains("--dtype f8: choose f32, f16 or bf16");
    }

    @Test void pruneWritesSparseTensorsWithExactSparsity() throws Exception {
        Path m = model(), p = dir.resolve("p.safetensors");
        assertThat(greenml("prune", "--model", m.toString(), "--sparsity", "0.75", "--global", "--out", p.toString()).code()).isZero();
        var f = SafeTensors.read(p);
        assertThat(f.get("0.weight_values").elementCount() + f.get("2.weight_values").elementCount())
                .isEqualTo(192 + 128 - Math.round(0.75 * (192 + 128)));
        assertThat(Files.size(p)).isLessThan(Files.size(m));
        Outcome noData = greenml("prune", "--model", m.toString(), "--sparsity", "0.5", "--fine-tune-epochs", "1", "--out", p.toString());
        assertThat(noData.code()).isEqualTo(2);
        assertThat(noData.err()).contains("--fine-tune-epochs needs --data");
        assertThat(greenml("prune", "--model", m.toString(), "--sparsity", "1", "--out", p.toString()).err()).contains("--sparsity must be in [0, 1)");
    }
}
