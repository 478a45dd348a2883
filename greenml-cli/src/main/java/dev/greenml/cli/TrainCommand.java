package dev.greenml.cli;

import dev.greenml.data.Dataset;
import dev.greenml.io.CsvData;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Mlp;
import dev.greenml.tensor.Rng;
import dev.greenml.train.TrainConfig;
import dev.greenml.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** greenml train: an MLP from a layer spec, on a numeric CSV file. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train an MLP on a numeric CSV file and save it as safetensors.",
                "Example: greenml train --layers 4,16,3 --data iris.csv --target species --loss cross-entropy --epochs 50"})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "mlp|gpt",
            description = "mlp (numeric CSV) or gpt (a language model on text; see the gpt: options). Default ${DEFAULT-VALUE}.")
    String model;

    @Mixin GptTraining.Options gpt;

    @Option(names = "--layers", paramLabel = "IN,H1,...,OUT",
            description = "Layer widths from inputs to outputs, e.g. 1000,200,100,1. IN must equal the number of feature columns; "
                    + "with cross-entropy OUT is the number of classes.")
    String layers;

    @Option(names = "--activation", defaultValue = "relu", description = "relu, gelu, tanh or sigmoid (default ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "Numeric CSV with a header row.")
    Path data;

    @Option(names = "--target", paramLabel = "COLUMN", description = "Name of the column to predict; all other columns are features.")
    String target;

    @Option(names = "--loss", defaultValue = "mse", description = "mse (regression) or cross-entropy (classes 0..C-1). Default ${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam or adamw (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--weight-decay", defaultValue = "-1", description = "Weight decay (default: 0 for sgd/adam, 0.01 for adamw).")
    float weightDecay;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training rows (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--validation-split", defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Fraction of rows (taken from the end of the file) held out for validation; 0 for none (default ${DEFAULT-VALUE}).")
    double validationSplit;

    @Option(names = "--no-shuffle", description = "Keep file order instead of reshuffling every epoch.")
    boolean noShuffle;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation and shuffling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "model.safetensors", paramLabel = "FILE", description = "Model file to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Override public Integer call() throws Exception {
        if (model.equals("gpt")) return new GptTraining(this, gpt).call();
        if (!model.equals("mlp")) throw new UserError("--model must be mlp or gpt, got '" + model + "'");
        if (layers == null || target == null) throw new UserError("--model mlp needs --layers and --target");
        Output o = new Output(json);
        TrainConfig config;
        Mlp.Config arch;
        try {
            config = new TrainConfig(loss, optimizer.toLowerCase(Locale.ROOT), lr, epochs, batchSize, seed,
                    weightDecay, momentum, !noShuffle);
            dev.greenml.optim.Optimizers.checkName(config.optimizer());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        try {
            arch = Mlp.Config.parse(layers, activation);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new UserError("--validation-split must be in [0, 1), got " + validationSplit);
        }
        o.log("%s", backendOptions.apply());
        try (Metering metering = Metering.start(footprint, "greenml-train")) {
            return run(o, config, arch, metering);
        }
    }

    private int run(Output o, TrainConfig config, Mlp.Config arch, Metering metering) throws Exception {
        var run = metering.run;
        boolean classification = loss.equals("cross-entropy");
        CsvData.Table table = run.phase("read data", () -> {
            try {
                return CsvData.read(data);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        run.bytesRead(java.nio.file.Files.size(data));
        Dataset all = CsvData.toDataset(table, target, classification, data.toString());
        if (all.features() != arch.inputs()) {
            throw new UserError("--layers starts with " + arch.inputs() + " inputs but " + data + " has " + all.features()
                    + " feature columns (all columns except '" + target + "'); start --layers with " + all.features());
        }
        if (classification) {
            int maxLabel = 0;
            for (int l : all.labels()) maxLabel = Math.max(maxLabel, l);
            if (maxLabel >= arch.outputs()) {
                throw new UserError("the target holds class " + maxLabel + " but --layers ends with " + arch.outputs()
                        + " outputs; cross-entropy needs one output per class: end --layers with " + (maxLabel + 1));
            }
        } else if (arch.outputs() != 1) {
            throw new UserError("--loss mse predicts the single column '" + target + "': end --layers with 1, not " + arch.outputs());
        }
        int valRows = (int) Math.floor(all.rows() * validationSplit);
        Dataset train = valRows > 0 ? all.slice(0, all.rows() - valRows) : all;
        Dataset val = valRows > 0 ? all.slice(all.rows() - valRows, all.rows()) : null;
        o.log("data: %s, %d rows (%d train, %d validation), %d features, target '%s'", data, all.rows(), train.rows(),
                valRows, all.features(), target);

        Mlp model = new Mlp(arch, new Rng(seed));
        o.log("model: %s, %,d parameters; %s lr %s, %d epochs, batch %d", arch, model.parameterCount(),
                config.optimizer(), lr, epochs, batchSize);
        Trainer trainer = new Trainer(model, config);
        List<Map<String, Object>> history = new ArrayList<>();
        long start = System.nanoTime();
        trainer.fit(train, val, new Trainer.Listener() {
            Progress bar;
            dev.greenml.footprint.run.FootprintRun.Phase phase;
            @Override public void onStep(int epoch, int step, int steps, float l, int rows) {
                if (step == 1) {
                    bar = new Progress(o.err, String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), steps);
                    phase = run.phase("epoch " + epoch);
                }
                run.units("samples", rows);
                bar.update(step, String.format(Locale.ROOT, "loss %.4f, %s so far", l, energySoFar(run.joulesSoFar())));
            }
            @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) {
                phase.close();
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("epoch", epoch);
                h.put("train_loss", meanLoss);
                String line = String.format(Locale.ROOT, "epoch %d: train loss %.5f", epoch, meanLoss);
                if (v != null) {
                    h.put("validation_loss", v.loss());
                    line += String.format(Locale.ROOT, ", validation loss %.5f", v.loss());
                    if (!Double.isNaN(v.accuracy())) {
                        h.put("validation_accuracy", v.accuracy());
                        line += String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * v.accuracy());
                    }
                }
                history.add(h);
                o.log("%s", line);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> trainingRecord = new LinkedHashMap<>(config.toMap());
        trainingRecord.put("data", data.getFileName().toString());
        trainingRecord.put("target", target);
        trainingRecord.put("rows", all.rows());
        trainingRecord.put("validation_rows", valRows);
        long bytes = ModelFile.save(out, model, Map.of(ModelFile.TRAINING, Output.toJson(trainingRecord),
                ModelFile.FOOTPRINT, metering.provenanceJson("after training")));
        run.bytesWritten(bytes);
        o.text("model file: %s (%,d bytes, %,d parameters), trained in %.2f s", out.toAbsolutePath(), bytes,
                model.parameterCount(), seconds);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "train");
        result.put("model_file", out.toAbsolutePath().toString());
        result.put("model_file_bytes", bytes);
        result.put("parameters", model.parameterCount());
        result.put("architecture", arch.toJson());
        result.put("training", trainingRecord);
        result.put("history", history);
        result.put("final_train_loss", history.getLast().get("train_loss"));
        if (val != null) result.put("final_validation_loss", history.getLast().get("validation_loss"));
        result.put("seconds", seconds);
        result.put("footprint", Metering.asJson(metering.finish(out.toAbsolutePath().getParent(), o)));
        o.result(result);
        return 0;
    }

    /** Energy so far for the progress bar, labelled as modelled or measured by the summary at the end. */
    static String energySoFar(double joules) {
        return joules >= 3600 ? String.format(Locale.ROOT, "%.2f Wh", joules / 3600)
                : String.format(Locale.ROOT, "%.1f J", joules);
    }
}
