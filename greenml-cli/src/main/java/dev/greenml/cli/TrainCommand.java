package dev.greenml.cli;

import dev.greenml.data.Dataset;
import dev.greenml.io.CsvData;
import dev.greenml.io.ModelFile;
import dev.greenml.data.DataLoader;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.Presets;
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

/** greenml train: an MLP from a layer spec or a preset, on a numeric CSV file or a named dataset. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model on a numeric CSV file or on Fashion-MNIST and save it as safetensors.",
                "Example: greenml train --layers 4,16,3 --data iris.csv --target species --loss cross-entropy --epochs 50",
                "Example: greenml train --data fashion-mnist --model cnn --epochs 3"})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--layers", paramLabel = "IN,H1,...,OUT",
            description = "Layer widths from inputs to outputs, e.g. 1000,200,100,1. IN must equal the number of feature columns; "
                    + "with cross-entropy OUT is the number of classes.")
    String layers;

    @Option(names = "--activation", defaultValue = "relu", description = "relu, gelu, tanh or sigmoid (default ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--model", paramLabel = "mlp|cnn",
            description = "A preset instead of --layers: mlp (784-256-128-10, relu) or cnn (two conv blocks with batch norm, then 128 hidden).")
    String model;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv|fashion-mnist",
            description = "Numeric CSV with a header row, or the name of a dataset: fashion-mnist (evaluated on its 10,000 test images at the end).")
    Path data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the dataset's files are (default for fashion-mnist: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Use only the first N training rows (and N/6 test images), for quick runs; 0 = all (default).")
    int limit;

    @Option(names = "--target", paramLabel = "COLUMN", description = "CSV: name of the column to predict; all other columns are features.")
    String target;

    @Option(names = "--loss", description = "mse (regression) or cross-entropy (classes 0..C-1). Default: cross-entropy for a dataset of images, mse for a CSV.")
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
        Output o = new Output(json);
        TrainConfig config;
        ModelConfig arch;
        boolean named = NamedData.isName(data);
        if (loss == null) loss = named ? "cross-entropy" : "mse";
        if (!named && target == null) throw new UserError("--target COLUMN is needed with a CSV file (the column to predict)");
        if (limit < 0) throw new UserError("--limit must be 0 (all rows) or more, got " + limit);
        try {
            config = new TrainConfig(loss, optimizer.toLowerCase(Locale.ROOT), lr, epochs, batchSize, seed,
                    weightDecay, momentum, !noShuffle);
            dev.greenml.optim.Optimizers.checkName(config.optimizer());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        try {
            if ((model == null) == (layers == null)) {
                throw new UserError("give either --layers (an MLP of your own widths) or --model (a preset: "
                        + String.join(", ", Presets.NAMES) + "), not " + (model == null ? "neither" : "both"));
            }
            arch = model != null ? Presets.byName(model) : Mlp.Config.parse(layers, activation);
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

    private int run(Output o, TrainConfig config, ModelConfig arch, Metering metering) throws Exception {
        var run = metering.run;
        boolean classification = loss.equals("cross-entropy");
        NamedData.Loaded named = NamedData.isName(data)
                ? NamedData.load(data.toString(), dataDir, arch, loss, validationSplit, seed, limit, run) : null;
        Dataset train, val, test = named == null ? null : named.test();
        int allRows, valRows;
        if (named != null) {
            train = named.train();
            val = named.validation();
            valRows = val == null ? 0 : val.rows();
            allRows = train.rows() + valRows;
            o.log("%s", named.description());
        } else {
            CsvData.Table table = run.phase("read data", () -> {
                try {
                    return CsvData.read(data);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            run.bytesRead(java.nio.file.Files.size(data));
            Dataset all = DataLoader.limit(CsvData.toDataset(table, target, classification, data.toString()), limit > 0 ? limit : Integer.MAX_VALUE);
            if (all.features() != arch.inputFeatures()) {
                throw new UserError("--layers starts with " + arch.inputFeatures() + " inputs but " + data + " has " + all.features()
                        + " feature columns (all columns except '" + target + "'); start --layers with " + all.features());
            }
            if (classification) {
                int maxLabel = 0;
                for (int l : all.labels()) maxLabel = Math.max(maxLabel, l);
                if (maxLabel >= arch.outputFeatures()) {
                    throw new UserError("the target holds class " + maxLabel + " but --layers ends with " + arch.outputFeatures()
                            + " outputs; cross-entropy needs one output per class: end --layers with " + (maxLabel + 1));
                }
            } else if (arch.outputFeatures() != 1) {
                throw new UserError("--loss mse predicts the single column '" + target + "': end --layers with 1, not " + arch.outputFeatures());
            }
            valRows = (int) Math.floor(all.rows() * validationSplit);
            allRows = all.rows();
            train = valRows > 0 ? all.slice(0, all.rows() - valRows) : all;
            val = valRows > 0 ? all.slice(all.rows() - valRows, all.rows()) : null;
            o.log("data: %s, %d rows (%d train, %d validation), %d features, target '%s'", data, all.rows(), train.rows(),
                    valRows, all.features(), target);
        }

        Model model = arch.build(new Rng(seed));
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
        Trainer.Evaluation testEval = test == null ? null
                : run.phase("test evaluation", () -> Trainer.evaluate(model, test, config.loss(), 1000));
        if (testEval != null) {
            o.log("test: loss %.5f, accuracy %.2f%% on %,d images", testEval.loss(), 100 * testEval.accuracy(), testEval.rows());
        }
        Map<String, Object> trainingRecord = new LinkedHashMap<>(config.toMap());
        trainingRecord.put("data", data.getFileName().toString());
        if (target != null) trainingRecord.put("target", target);
        trainingRecord.put("rows", allRows);
        trainingRecord.put("validation_rows", valRows);
        if (named != null) trainingRecord.putAll(named.record());
        if (testEval != null) {
            trainingRecord.put("test_rows", testEval.rows());
            trainingRecord.put("test_accuracy", testEval.accuracy());
        }
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
        if (testEval != null) {
            result.put("test_loss", testEval.loss());
            result.put("test_accuracy", testEval.accuracy());
            result.put("test_rows", testEval.rows());
        }
        result.put("samples_per_second", (double) train.rows() * epochs / seconds);
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
