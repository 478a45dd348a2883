package dev.greenml.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.autograd.Autograd;
import dev.greenml.files.AtomicFiles;
import dev.greenml.io.CsvData;
import dev.greenml.io.ModelFile;
import dev.greenml.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** greenml predict: run a saved model over the rows of a CSV file. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Run a saved model on every row of a CSV file of features and write the outputs as CSV.",
                "Regression models write a 'prediction' column; classifiers (trained with cross-entropy) write"
                        + " 'class' and one probability column per class."})
public final class PredictCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.safetensors",
            description = "A model saved by greenml train (MLP or CNN; quantized and pruned files too; a gpt model is run with generate).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE.csv",
            description = "Feature columns with a header row, in the order used for training.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE.csv",
            description = "Where to write the outputs, one CSV row per input row.")
    Path output;

    @Option(names = "--drop", paramLabel = "COLUMN", description = "Ignore this column of the input (e.g. the target).")
    String drop;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Mixin FootprintOut footprintOut;

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        OutputPaths.refuseSameFile("--output", output, "--input", input);
        OutputPaths.refuseSameFile("--output", output, "--model", model);
        OutputPaths.checkWritableFile("--output", output);
        Path report = FootprintOut.check(footprintOut.besideOutput(output), "--output", output, "--input", input, "--model", model);
        try (Metering metering = Metering.start(footprint, "greenml-predict", report)) {
            return run(o, metering);
        }
    }

    private int run(Output o, Metering metering) throws Exception {
        var run = metering.run;
        ModelFile.Loaded loaded = ModelFile.load(model);
        ModelKinds.refuseGpt(model, loaded.model(), "predict, which reads feature columns from a CSV file,");
        run.bytesRead(loaded.fileSizeBytes() + java.nio.file.Files.size(input));
        CsvData.Table table = CsvData.read(input);
        if (drop != null) table = dropColumn(table, drop, input.toString());
        int inputs = loaded.model().config().inputFeatures(), outputs = loaded.model().config().outputFeatures();
        if (table.width() != inputs) {
            throw new UserError(input + ": " + table.width() + " columns " + table.columns() + " but the model expects "
                    + inputs + " input features; give exactly the feature columns, in training order"
                    + (table.width() == inputs + 1 && drop == null ? ", or ignore the target with --drop COLUMN" : ""));
        }
        float[] x = CsvData.features(table, inputs, input.toString());
        boolean classifier = isClassifier(loaded.metadata());
        o.log("%s", backendOptions.apply());   // after the input checks, so that a failed run prints one line

        long start = System.nanoTime();
        float[] y;
        try (var scope = Autograd.noGrad(); var p = run.phase("inference")) {
            y = loaded.model().forward(Tensor.wrap(x, table.rows(), inputs)).toArray();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        StringBuilder csv = new StringBuilder();
        if (classifier) {
            csv.append("class");
            for (int c = 0; c < outputs; c++) csv.append(",p_").append(c);
        } else if (outputs == 1) {
            csv.append("prediction");
        } else {
            for (int c = 0; c < outputs; c++) csv.append(c == 0 ? "" : ",").append("output_").append(c);
        }
        csv.append('\n');
        float[] probs = new float[outputs];
        for (int r = 0; r < table.rows(); r++) {
            if (classifier) {
                softmax(y, r * outputs, outputs, probs);
                int best = 0;
                for (int c = 1; c < outputs; c++) if (probs[c] > probs[best]) best = c;
                csv.append(best);
                for (int c = 0; c < outputs; c++) csv.append(',').append(probs[c]);
            } else {
                for (int c = 0; c < outputs; c++) csv.append(c == 0 ? "" : ",").append(y[r * outputs + c]);
            }
            csv.append('\n');
        }
        run.units("inferences", table.rows());
        long bytes = AtomicFiles.writeString(output, csv.toString());
        run.bytesWritten(bytes);
        o.text("wrote %d predictions to %s (%,d bytes) in %.3f s", table.rows(), OutputPaths.shown(output), bytes, seconds);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "predict");
        result.put("model_file", model.toAbsolutePath().toString());
        result.put("rows", table.rows());
        result.put("output_file", output.toAbsolutePath().toString());
        result.put("output_bytes", bytes);
        result.put("kind", classifier ? "classification" : "regression");
        result.put("seconds", seconds);
        result.put("footprint", Metering.asJson(metering.finish(o)));
        o.result(result);
        return 0;
    }

    static boolean isClassifier(Map<String, String> metadata) {
        String training = metadata.get(ModelFile.TRAINING);
        if (training == null) return false;
        try {
            return "cross-entropy".equals(new ObjectMapper().readTree(training).path("loss").asText());
        } catch (Exception e) {
            return false;
        }
    }

    private static void softmax(float[] z, int off, int n, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, z[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += out[i] = (float) Math.exp(z[off + i] - max);
        for (int i = 0; i < n; i++) out[i] /= (float) sum;
    }

    private static CsvData.Table dropColumn(CsvData.Table t, String column, String file) {
        int drop = t.columns().indexOf(column);
        if (drop < 0) throw new UserError(file + ": --drop " + column + ": no such column; the columns are " + t.columns());
        int w = t.width();
        float[] v = new float[t.rows() * (w - 1)];
        for (int r = 0, k = 0; r < t.rows(); r++) {
            for (int c = 0; c < w; c++) if (c != drop) v[k++] = t.values()[r * w + c];
        }
        var cols = new java.util.ArrayList<>(t.columns());
        cols.remove(drop);
        return new CsvData.Table(java.util.List.copyOf(cols), v, t.rows());
    }
}
