package dev.greenml.cli;

import dev.greenml.data.Dataset;
import dev.greenml.io.CsvData;
import dev.greenml.data.DataLoader;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModelConfig;
import dev.greenml.nn.Presets;
import dev.greenml.tensor.Rng;
import dev.greenml.train.TrainConfig;
import java.nio.file.Path;
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
        description = {"Train a model — an MLP or CNN on a numeric CSV file or Fashion-MNIST, or a GPT on text — and save it as safetensors.",
                "Example: greenml train --layers 4,16,3 --data iris.csv --target species --loss cross-entropy --epochs 50",
                "Example: greenml train --data fashion-mnist --model cnn --epochs 8 --lr-schedule cosine",
                "Example: greenml train --model gpt --data kjv --layers 4 --heads 4 --width 128 --max-minutes 10"})
public final class TrainCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin GptTraining.Options gpt;

    @Option(names = "--layers", paramLabel = "IN,H1,...,OUT",
            description = "Layer widths from inputs to outputs, e.g. 1000,200,100,1. IN must equal the number of feature columns; "
                    + "with cross-entropy OUT is the number of classes. With --model gpt: the number of transformer blocks (default 4).")
    String layers;

    @Option(names = "--activation", defaultValue = "relu", description = "relu, gelu, tanh or sigmoid (default ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--model", paramLabel = "mlp|cnn|gpt",
            description = {"A preset instead of --layers: mlp (784-256-128-10, relu) or cnn (two conv blocks with batch norm, then 128 hidden);",
                    "or gpt: a GPT-style language model on text (--data kjv or a UTF-8 file; --layers is then the number of blocks; see the gpt: options)."})
    String model;

    @Option(names = "--data", required = true, paramLabel = "FILE|fashion-mnist|kjv",
            description = "Numeric CSV with a header row, or the name of a dataset: fashion-mnist (evaluated on its 10,000 test images at the end)."
                    + " With --model gpt: text, either kjv (the King James Bible, Debian's bible-kjv) or a UTF-8 text file.")
    Path data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the dataset's files are (default for fashion-mnist: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Use only the first N training rows (and N/6 test images), for quick runs; 0 = all (default).")
    int limit;

    @Option(names = "--target", paramLabel = "COLUMN", description = "CSV: name of the column to predict; all other columns are features.")
    String target;

    @Option(names = "--loss", paramLabel = "mse|cross-entropy", description = "mse (regression) or cross-entropy (classes 0..C-1). Default: cross-entropy for a dataset of images, mse for a CSV.")
    String loss;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, adam or adamw (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--weight-decay", defaultValue = "-1", description = "Weight decay (default: 0 for sgd/adam, 0.01 for adamw, 0.1 for gpt).")
    float weightDecay;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum, used with --optimizer sgd only (default ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training rows (default ${DEFAULT-VALUE}); gpt counts --steps instead.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per step; gpt: sequences of --context tokens per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--validation-split", defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Fraction of rows (taken from the end of the file) held out for validation; 0 for none (default ${DEFAULT-VALUE}).")
    double validationSplit;

    @Option(names = "--no-shuffle", description = "Keep file order instead of reshuffling every epoch.")
    boolean noShuffle;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation and shuffling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Also copy the final model to FILE (it is always in the run directory as model.safetensors).")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Mixin RunOptions runOptions;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    /** Options of the MLP/CNN trainer that a gpt run has no use for, with what it uses instead. */
    private static final java.util.Map<String, String> NOT_FOR_GPT = java.util.Map.ofEntries(
            java.util.Map.entry("--activation", "its MLP uses GELU (--gelu)"),
            java.util.Map.entry("--data-dir", "--data is kjv or a text file"),
            java.util.Map.entry("--limit", "use a shorter text"),
            java.util.Map.entry("--target", "it predicts the next token"),
            java.util.Map.entry("--loss", "it uses next-token cross-entropy"),
            java.util.Map.entry("--optimizer", "it uses AdamW"),
            java.util.Map.entry("--momentum", "it uses AdamW"),
            java.util.Map.entry("--epochs", "use --steps or --max-minutes"),
            java.util.Map.entry("--validation-split", "it validates on the last 10% of the text"),
            java.util.Map.entry("--no-shuffle", "it samples random windows"),
            java.util.Map.entry("--lr-schedule", "it uses --warmup, then a cosine over --steps"),
            java.util.Map.entry("--lr-step-epochs", "it uses --warmup, then a cosine over --steps"),
            java.util.Map.entry("--lr-gamma", "it uses --warmup, then a cosine over --steps"),
            java.util.Map.entry("--warmup-steps", "use --warmup"),
            java.util.Map.entry("--min-lr", "its cosine ends at --lr/10"),
            java.util.Map.entry("--early-stopping", "use --steps or --max-minutes"));

    /** Options only a gpt run reads (the GptTraining.Options mixin). */
    private static final java.util.List<String> GPT_ONLY = java.util.List.of("--heads", "--width", "--context", "--tokenizer",
            "--vocab", "--steps", "--max-minutes", "--warmup", "--eval-every", "--eval-windows", "--gelu", "--sample-tokens");

    /** An option given on the command line that the chosen model would silently ignore is an error. */
    private void refuseIgnoredOptions() {
        var parsed = spec.commandLine().getParseResult();
        if ("gpt".equals(model)) {
            for (var e : new java.util.TreeMap<>(NOT_FOR_GPT).entrySet()) {
                if (parsed.hasMatchedOption(e.getKey())) {
                    throw new UserError(e.getKey() + " does not apply to --model gpt (" + e.getValue() + "); remove it");
                }
            }
            if (parsed.hasMatchedOption("--vocab") && !gpt.tokenizer.equals("bpe")) {
                throw new UserError("--vocab applies to --tokenizer bpe (" + (gpt.tokenizer.equals("byte")
                        ? "byte has its 256 symbols" : "the file " + gpt.tokenizer + " brings its own vocabulary") + "); remove it");
            }
        } else {
            for (String name : GPT_ONLY) {
                if (parsed.hasMatchedOption(name)) {
                    throw new UserError(name + " applies to --model gpt only; remove it, or train with --model gpt");
                }
            }
            if (model != null && parsed.hasMatchedOption("--activation")) {
                throw new UserError("--activation applies to an MLP of your own (--layers); the --model " + model
                        + " preset fixes its activations; remove it");
            }
            boolean named = data != null && NamedData.isName(data);
            if (!named && parsed.hasMatchedOption("--data-dir")) {
                throw new UserError("--data-dir applies to a named data set (--data fashion-mnist), not to the file " + data + "; remove it");
            }
            if (named && parsed.hasMatchedOption("--target")) {
                throw new UserError("--target names a CSV column; " + data + " comes with its labels; remove it");
            }
            // options of one optimizer or schedule that the chosen one would ignore
            if (parsed.hasMatchedOption("--momentum") && !optimizer.equalsIgnoreCase("sgd")) {
                throw new UserError("--momentum applies to --optimizer sgd (" + optimizer + " keeps its own moment estimates);"
                        + " remove it, or add --optimizer sgd");
            }
            String schedule = runOptions.lrSchedule.toLowerCase(Locale.ROOT);
            for (String name : List.of("--lr-gamma", "--lr-step-epochs")) {
                if (parsed.hasMatchedOption(name) && !schedule.equals("step")) {
                    throw new UserError(name + " applies to --lr-schedule step, not " + schedule + "; remove it, or add --lr-schedule step");
                }
            }
            if (parsed.hasMatchedOption("--min-lr")) {
                if (!schedule.equals("cosine")) {
                    throw new UserError("--min-lr applies to --lr-schedule cosine, not " + schedule + "; remove it, or add --lr-schedule cosine");
                }
                if (runOptions.minLr > lr) {
                    throw new UserError("--min-lr " + runOptions.minLr + " is above --lr " + lr + "; the cosine schedule falls from --lr"
                            + " to --min-lr: give a --min-lr below --lr");
                }
            }
        }
    }

    /**
     * The files this run will write, checked before any data is read: none may be one of its
     * inputs, and each place must take new files, so that a bad path fails now and not after training.
     */
    private void checkOutputs() {
        RunOptions r = runOptions;
        // only a file can be destroyed: a dataset name (kjv, fashion-mnist) is not one, even when a
        // --run-dir bears the same name
        Path dataFile = data != null && java.nio.file.Files.exists(data) ? data : null;
        OutputPaths.refuseSameFile("--out", out, "--data", dataFile);
        OutputPaths.refuseSameFile("--run-dir", r.runDir, "--data", dataFile);
        OutputPaths.refuseSameFile("--out", out, "--run-dir", r.runDir != null ? r.runDir : r.resume);
        if ("gpt".equals(model) && GptTraining.isTokenizerFile(gpt.tokenizer)) {
            OutputPaths.refuseSameFile("--out", out, "--tokenizer", Path.of(gpt.tokenizer));
        }
        // the run directory may not hold run.json yet, so its own file names are refused here by name
        OutputPaths.refuseRunFile("--out", out, r.runDir != null ? r.runDir : r.resume);
        if (out != null) OutputPaths.checkWritableFile("--out", out);
        if (r.runDir != null) OutputPaths.checkWritableDirectory("--run-dir " + r.runDir, r.runDir);
        else if (r.resume != null) OutputPaths.checkWritableDirectory("--resume " + r.resume, r.resume);
        else OutputPaths.checkWritableDirectory("the run directory runs/ (give another with --run-dir)", Path.of("runs"));
    }

    @Override public Integer call() throws Exception {
        refuseIgnoredOptions();
        checkOutputs();
        if ("gpt".equals(model)) return new GptTraining(this, gpt).call();
        Output o = new Output(spec.commandLine(), json);
        TrainConfig config;
        ModelConfig arch;
        boolean named = NamedData.isName(data);
        if (loss == null) loss = named ? "cross-entropy" : "mse";
        if (data.toString().equalsIgnoreCase(dev.greenml.text.Corpus.KJV)) {
            throw new UserError("--data kjv is text: train a language model on it with --model gpt (an MLP or CNN needs a CSV file or fashion-mnist)");
        }
        if (!named && target == null) {
            throw new UserError("--target COLUMN is needed with a CSV file (the column to predict); for a text file, train a"
                    + " language model with --model gpt");
        }
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
                        + String.join(", ", Presets.NAMES) + ", or gpt for a language model on text), not "
                        + (model == null ? "neither" : "both"));
            }
            arch = model != null ? Presets.byName(model) : Mlp.Config.parse(layers, activation);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new UserError("--validation-split must be in [0, 1), got " + validationSplit);
        }
        TrainingSession.Settings session = TrainingSession.settings(runOptions);
        try (Metering metering = Metering.start(footprint, "greenml-train")) {
            return run(o, config, arch, metering, session);
        }
    }

    private int run(Output o, TrainConfig config, ModelConfig arch, Metering metering, TrainingSession.Settings session) throws Exception {
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
            o.hold("%s", named.description());
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
            if (all.features() != arch.inputFeatures() && this.model != null) {
                // a preset was named, not --layers: say what the preset is for and what to give instead
                int outputs = 1;
                if (classification) for (int l : all.labels()) outputs = Math.max(outputs, l + 1);
                throw new UserError("--model " + this.model + " is a preset for Fashion-MNIST (" + arch.inputFeatures() + " inputs, "
                        + arch.outputFeatures() + " classes), but " + data + " has " + all.features() + " feature columns; give --layers "
                        + all.features() + ",16," + outputs + " (an MLP of your own widths) instead of --model " + this.model);
            }
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
            o.hold("data: %s, %d rows (%d train, %d validation), %d features, target '%s'", data, all.rows(), train.rows(),
                    valRows, all.features(), target);
        }

        // held until the run directory is settled: a failed run prints its one error line and nothing else
        o.hold("%s", backendOptions.apply());
        Model model = arch.build(new Rng(seed));
        o.hold("model: %s, %,d parameters; %s lr %s, %d epochs, batch %d", arch, model.parameterCount(),
                config.optimizer(), lr, epochs, batchSize);
        Map<String, Object> dataInfo = new LinkedHashMap<>();
        dataInfo.put("data", data.getFileName().toString());
        if (target != null) dataInfo.put("target", target);
        dataInfo.put("rows", allRows);
        dataInfo.put("validation_rows", valRows);
        if (named != null) dataInfo.putAll(named.record());
        return new TrainingSession(o, session, metering, model, config, train, val, dataInfo, out).test(test).run();
    }

    /** Energy so far for the progress bar, labelled as modelled or measured by the summary at the end. */
    /** Energy used so far with its method, for progress bars: "44.6 J (modelled)". */
    static String energySoFar(dev.greenml.footprint.run.FootprintRun run) {
        double joules = run.joulesSoFar();
        return (joules >= 3600 ? String.format(Locale.ROOT, "%.2f Wh", joules / 3600) : String.format(Locale.ROOT, "%.1f J", joules))
                + " (" + run.methodSoFar() + ")";
    }
}
