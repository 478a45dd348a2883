package dev.greenml.cli;

import dev.greenml.compress.Pruning;
import dev.greenml.data.FashionMnist;
import dev.greenml.io.ModelFile;
import dev.greenml.io.safetensors.DType;
import dev.greenml.nn.ModuleTree;
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

/** greenml prune: magnitude pruning to an exact sparsity, optional masked fine-tuning, sparse storage. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Magnitude pruning of a saved model: a given fraction of its smallest weights become zero.",
                "The smallest |w| of the weight matrices and kernels (not biases) become zero, exactly round(s·n) of them"
                        + " (ties broken by position). Per layer by default, or with --global one threshold over all layers."
                        + " Optionally fine-tunes on Fashion-MNIST with the mask re-applied after every step. Weights are stored"
                        + " as a bitmask plus the non-zero values where that is smaller than dense (--dense to keep dense tensors).",
                "Example: greenml prune --model m.safetensors --sparsity 0.8 --global --fine-tune-epochs 1 --data fashion-mnist --out m-pruned.safetensors"})
public final class PruneCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.safetensors", description = "The model to prune (a greenml model file).")
    Path model;

    @Option(names = "--sparsity", required = true, paramLabel = "S", description = "Fraction of weights set to zero, in [0, 1).")
    double sparsity;

    @Option(names = "--global", description = "One magnitude threshold over all layers (default: the same fraction of every layer).")
    boolean global;

    @Option(names = "--fine-tune-epochs", defaultValue = "0", paramLabel = "N", description = "Epochs of fine-tuning with the mask kept (default ${DEFAULT-VALUE}).")
    int fineTuneEpochs;

    @Option(names = "--data", paramLabel = "fashion-mnist|DIR", description = "Data for fine-tuning and for the accuracy report.")
    String data;

    @Option(names = "--lr", defaultValue = "0.0005", description = "Fine-tuning learning rate, Adam (default ${DEFAULT-VALUE}).") float lr;

    @Option(names = "--batch-size", defaultValue = "64", description = "Fine-tuning batch size (default ${DEFAULT-VALUE}).") int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Shuffling seed (default ${DEFAULT-VALUE}).") long seed;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|f16|bf16", description = "Storage of the float tensors (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--dense", description = "Store dense tensors even where the sparse form would be smaller.") boolean dense;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Where to write the pruned model.")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Mixin FootprintOut footprintOut;

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        DType storage = QuantizeCommand.dtype(dtype);
        if (fineTuneEpochs < 0) throw new UserError("--fine-tune-epochs must be 0 or more, got " + fineTuneEpochs);
        if (fineTuneEpochs > 0 && data == null) throw new UserError("--fine-tune-epochs needs --data fashion-mnist (or a directory of IDX files)");
        // every input is checked before the pruning, so that a wrong option fails at once with one line
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new UserError("--sparsity must be in [0, 1): the fraction of weights set to zero, got " + sparsity);
        }
        var parsed = spec.commandLine().getParseResult();
        if (fineTuneEpochs == 0) {
            for (String name : List.of("--lr", "--batch-size", "--seed")) {
                if (parsed.hasMatchedOption(name)) {
                    throw new UserError(name + " applies to fine-tuning only; add --fine-tune-epochs N (and --data), or remove it");
                }
            }
        }
        if (!(lr > 0) || Float.isInfinite(lr)) throw new UserError("--lr must be a positive number, got " + lr);
        if (batchSize < 1) throw new UserError("--batch-size must be at least 1, got " + batchSize);
        if (data != null) FashionData.dir(data);
        OutputPaths.refuseSameFile("--out", out, "--model", model);
        OutputPaths.checkWritableFile("--out", out);
        Path report = FootprintOut.check(footprintOut.besideOutput(out), "--out", out, "--model", model);
        ModelFile.Loaded loaded = ModelFile.load(model);
        if (!ModuleTree.quantized(loaded.model()).isEmpty()) {
            throw new UserError(model + " is int8-quantized; prune the float model, then quantize");
        }
        if (data != null) FashionData.requireImageClassifier(model, loaded.model(), "--data " + data + " (Fashion-MNIST)");
        o.log("%s", backendOptions.apply());
        try (Metering metering = Metering.start(footprint, "greenml-prune", report)) {
            var run = metering.run;
            var m = loaded.model();
            Pruning.Masks masks = Pruning.magnitude(m, sparsity, global);
            o.log("pruned %,d of %,d weights (%.2f%%, %s)", masks.pruned(), masks.total(), 100.0 * masks.pruned() / masks.total(),
                    global ? "global" : "per layer");
            Map<String, Object> layers = new LinkedHashMap<>();
            masks.keep().forEach((name, k) -> layers.put(name, Map.of("weights", k.length, "zero", masks.pruned(name))));
            FashionMnist.Splits splits = data == null ? null : FashionData.load(data);
            Double before = null, after = null;
            List<Map<String, Object>> history = new ArrayList<>();
            if (splits != null) {
                before = Trainer.evaluate(m, splits.test(), "cross-entropy", 1000).accuracy();
                o.log("test accuracy after pruning: %.2f%%", 100 * before);
            }
            if (fineTuneEpochs > 0) {
                TrainConfig config = new TrainConfig("cross-entropy", "adam", lr, fineTuneEpochs, batchSize, seed, -1, 0, true);
                new Trainer(m, config).fit(splits.train(), splits.test(), new Trainer.Listener() {
                    Progress bar;
                    dev.greenml.footprint.run.FootprintRun.Phase phase;
                    double lossSum;   // the epoch's running mean, as train's bar shows, not one batch's loss
                    long seen;
                    @Override public void onStep(int epoch, int step, int steps, float l, int rows) {
                        masks.apply();   // the optimizer moved pruned weights: put them back to zero
                        if (step == 1) {
                            bar = new Progress(o.err, String.format(Locale.ROOT, "fine-tune %d/%d", epoch, fineTuneEpochs), steps);
                            phase = run.phase("fine-tune epoch " + epoch);
                            lossSum = 0;
                            seen = 0;
                        }
                        lossSum += (double) l * rows;
                        seen += rows;
                        run.units("samples", rows);
                        bar.update(step, String.format(Locale.ROOT, "epoch mean loss %.4f, %s so far", lossSum / seen, TrainCommand.energySoFar(run)));
                    }
                    @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) {
                        phase.close();
                        history.add(Map.of("epoch", epoch, "train_loss", meanLoss, "test_accuracy", v.accuracy()));
                        o.log("fine-tune epoch %d: train loss %.5f, test accuracy %.2f%%", epoch, meanLoss, 100 * v.accuracy());
                    }
                });
                masks.apply();
            }
            if (splits != null) after = Trainer.evaluate(m, splits.test(), "cross-entropy", 1000).accuracy();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("source_file", model.getFileName().toString());
            record.put("pruning", global ? "magnitude, global" : "magnitude, per layer");
            record.put("sparsity", sparsity);
            record.put("zero_weights", masks.pruned());
            record.put("weights", masks.total());
            record.put("fine_tune_epochs", fineTuneEpochs);
            if (fineTuneEpochs > 0) record.put("fine_tune", Map.of("optimizer", "adam", "lr", lr, "batch_size", batchSize, "data", data));
            Map<String, String> meta = new LinkedHashMap<>(loaded.metadata());
            meta.remove(ModelFile.CREATED);
            meta.put("greenml.compression", Output.toJson(record));
            if (fineTuneEpochs > 0) {   // the source's training footprint stays in greenml.footprint; this run's is added
                meta.put("greenml.compression_footprint", metering.provenanceJson("after fine-tuning"));
            }
            long bytes = ModelFile.save(out, m, meta, new ModelFile.Storage(storage, !dense));
            run.bytesWritten(bytes);
            o.text("%s: %,d bytes → %s: %,d bytes (%s), %.2f%% of weights zero%s", model, loaded.fileSizeBytes(), out, bytes,
                    QuantizeCommand.sizeChange(loaded.fileSizeBytes(), bytes), 100.0 * masks.pruned() / masks.total(),
                    after == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * after));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("command", "prune");
            result.put("model_file", model.toAbsolutePath().toString());
            result.put("model_file_bytes", loaded.fileSizeBytes());
            result.put("out_file", out.toAbsolutePath().toString());
            result.put("out_file_bytes", bytes);
            result.put("compression", record);
            result.put("layers", layers);
            if (before != null) result.put("test_accuracy_after_pruning", before);
            if (after != null) result.put("test_accuracy", after);
            result.put("fine_tune_history", history);
            result.put("footprint", Metering.asJson(metering.finish(o)));
            o.result(result);
            return 0;
        }
    }
}
