package dev.greenml.cli;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.data.SplitMixBenchData;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.optim.Adam;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import dev.greenml.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The reference program: BigModel (Linear(1000,200) → ReLU → Linear(200,100) → ReLU →
 * Linear(100,1)) trained with MSE and Adam(lr=0.001) for 1000 steps, saved, loaded back, and run
 * on one random 1×1000 input.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The reference program: train the BigModel, save, reload, check and run it, and report its footprint.",
                "Trains BigModel (1000→200→100→1, ReLU) with MSE and Adam for 1000 steps, saves it as safetensors, reloads it,"
                        + " checks the reloaded model gives identical outputs, and runs one inference.",
                "Data: the synthetic regression set 'splitmix-bm-v1' (specified in bench/README.md):"
                        + " x ~ N(0,1)^1000 from a seeded SplitMix64 stream, y = x·w + 0.5 + 0.05·noise with w ~ N(0,1/1000);"
                        + " rows 0–65535 train, 65536–73727 test. Predicting the mean scores MSE ≈ 1; the noise floor is 0.0025."})
public final class DemoCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "1000", description = "Training steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "64", description = "Rows per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weight initialisation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/demo/bigmodel.safetensors", paramLabel = "FILE",
            description = "Where to write the model (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Override public Integer call() throws Exception {
        if (steps <= 0) throw new UserError("--steps must be at least 1, got " + steps);
        if (batchSize <= 0) throw new UserError("--batch-size must be at least 1, got " + batchSize);
        // checked before the data is generated (seconds of work), as train checks its own
        if (batchSize > SplitMixBenchData.TRAIN_ROWS) {
            throw new UserError("--batch-size must be at most the " + SplitMixBenchData.TRAIN_ROWS + " training rows, got " + batchSize);
        }
        if (!(lr > 0) || Float.isInfinite(lr)) throw new UserError("--lr must be a positive number, got " + lr);
        OutputPaths.checkWritableFile("--out", out);
        // demo writes its footprint report beside the model: a model saved under one of those names
        // would be overwritten by the report (footprint.json) or break the CSV append (emissions.csv)
        String name = out.getFileName() == null ? "" : out.getFileName().toString();
        if (name.equals("footprint.json") || name.equals("emissions.csv")) {
            throw new UserError("--out " + out + " is where demo writes its footprint report (footprint.json and emissions.csv"
                    + " beside the model); choose another file name");
        }
        // demo writes footprint.json beside its model file and keeps no run.json, so a run.json
        // there means a training run's directory, whose footprint.json demo must not replace
        Path runDir = out.toAbsolutePath().getParent();
        OutputPaths.refuseRunFootprint(runDir.resolve("footprint.json"), "give demo an --out outside a training run's directory");
        Output o = new Output(spec.commandLine(), json);
        long t0 = System.nanoTime();
        o.log("%s", backendOptions.apply());
        try (Metering metering = Metering.start(footprint, "greenml-demo")) {
            return run(o, t0, metering);
        }
    }

    private int run(Output o, long t0, Metering metering) throws Exception {
        var run = metering.run;

        o.log("data: generating %s (%d rows × %d features) ...", SplitMixBenchData.SPEC,
                SplitMixBenchData.DEFAULT_ROWS, SplitMixBenchData.FEATURES);
        SplitMixBenchData data = run.phase("data", () -> SplitMixBenchData.generate());
        Dataset train = Dataset.regression(data.trainX(), data.features, data.trainY(), 1);
        Dataset test = Dataset.regression(data.testX(), data.features, data.testY(), 1);

        Mlp.Config config = new Mlp.Config(new int[] {1000, 200, 100, 1}, Activation.Kind.RELU);
        Mlp model = new Mlp(config, new Rng(seed));
        o.log("model: BigModel %s, %,d parameters", Arrays.toString(config.layers()), model.parameterCount());
        Adam adam = new Adam(model.parameters(), lr);

        // forward, loss, backward, step, zero_grad — 1000 times, cycling through the training rows
        Progress bar = new Progress(o.err, "train", steps);
        float firstLoss = Float.NaN, lastLoss = Float.NaN;
        double smoothed = Double.NaN;
        long trainStart = System.nanoTime();
        var trainPhase = run.phase("train");
        for (int step = 0; step < steps; step++) {
            int from = (step * batchSize) % (train.rows() - batchSize + 1);
            Tensor x = Tensor.view(train.x(), from * train.features(), batchSize, train.features());
            Tensor y = Tensor.view(train.targets(), from, batchSize, 1);
            Tensor loss = Losses.mse(model.forward(x), y);
            loss.backward();
            adam.step();
            adam.zeroGrad();
            lastLoss = loss.item();
            if (step == 0) firstLoss = lastLoss;
            smoothed = Double.isNaN(smoothed) ? lastLoss : 0.95 * smoothed + 0.05 * lastLoss;
            bar.update(step + 1, String.format(java.util.Locale.ROOT, "loss %.4f", smoothed));
        }
        run.units("samples", (long) steps * batchSize);   // inside the phase: J per sample is training's, as train's is
        trainPhase.close();
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        Trainer.Evaluation eval = run.phase("evaluate", () -> Trainer.evaluate(model, test, "mse", 1024));
        o.log("trained %d steps × %d rows in %.2f s (%,.0f samples/s); loss %.4f → %.4f; test MSE %.4f",
                steps, batchSize, trainSeconds, steps * (double) batchSize / trainSeconds, firstLoss, lastLoss, eval.loss());

        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(ModelFile.TRAINING, Output.toJson(Map.of("program", "greenml demo", "data", SplitMixBenchData.SPEC,
                "loss", "mse", "optimizer", "adam", "lr", lr, "steps", steps, "batch_size", batchSize, "seed", seed)));
        provenance.put(ModelFile.FOOTPRINT, metering.provenanceJson("after training"));
        long bytes;
        try (var p = run.phase("save")) {
            bytes = ModelFile.save(out, model, provenance);
        }
        run.bytesWritten(bytes);
        ModelFile.Loaded loaded;
        boolean identical;
        try (var p = run.phase("reload and verify")) {
            loaded = ModelFile.load(out);
            run.bytesRead(loaded.fileSizeBytes());
            identical = Trainer.sameOutputs(model, loaded.model(), test);
        }

        Tensor input = Tensor.zeros(1, 1000);
        new Rng(seed + 1).fillUniform(input, -1f, 1f);
        float prediction;
        long inferStart;
        double inferMicros;
        double firstMicros;
        try (var scope = Autograd.noGrad()) {
            try (var p = run.phase("inference")) {   // the phase meters the one inference of the reference program
                inferStart = System.nanoTime();
                prediction = loaded.model().forward(input).item();
                firstMicros = (System.nanoTime() - inferStart) / 1e3;
            }
            // the first calls run in the interpreter; a served model answers with compiled code, so
            // report the median of warm calls too (≈ 0.1 s of warm-up)
            for (int i = 0; i < 2000; i++) loaded.model().forward(input);
            double[] calls = new double[201];
            for (int i = 0; i < calls.length; i++) {
                long s0 = System.nanoTime();
                loaded.model().forward(input);
                calls[i] = (System.nanoTime() - s0) / 1e3;
            }
            java.util.Arrays.sort(calls);
            inferMicros = calls[calls.length / 2];
        }
        double total = (System.nanoTime() - t0) / 1e9;

        o.text("model file: %s (%,d bytes)", OutputPaths.shown(out), bytes);
        o.text("reloaded model outputs on the %d test rows: %s", test.rows(), identical ? "identical" : "DIFFERENT");
        o.text("inference on one random 1×1000 input: %.6f (first call %.0f µs, JIT cold; warm: %.1f µs, median of 201 calls after 2,000)",
                prediction, firstMicros, inferMicros);
        o.text("test MSE %.4f (predicting the mean ≈ 1.0, noise floor 0.0025); total %.1f s", eval.loss(), total);
        var footprintResult = metering.finish(out.toAbsolutePath().getParent(), o);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "demo");
        result.put("backend", dev.greenml.kernels.Backends.current().name());
        result.put("data", SplitMixBenchData.SPEC);
        result.put("parameters", model.parameterCount());
        result.put("steps", steps);
        result.put("batch_size", batchSize);
        result.put("first_loss", firstLoss);
        result.put("final_loss", lastLoss);
        result.put("test_mse", eval.loss());
        result.put("train_seconds", trainSeconds);
        result.put("model_file", out.toAbsolutePath().toString());
        result.put("model_file_bytes", bytes);
        result.put("reload_identical", identical);
        result.put("inference_output", prediction);
        result.put("inference_us", inferMicros);   // warm median
        result.put("inference_first_call_us", firstMicros);
        result.put("seconds", total);
        result.put("footprint", Metering.asJson(footprintResult));
        o.result(result);
        return identical ? 0 : 1;
    }

}
