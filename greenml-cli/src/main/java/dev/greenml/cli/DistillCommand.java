package dev.greenml.cli;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.DistillationLoss;
import dev.greenml.data.Dataset;
import dev.greenml.data.FashionMnist;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Mlp;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModuleTree;
import dev.greenml.optim.Adam;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
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

/** greenml distill: train a small MLP student on a saved teacher's softened outputs. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = {"Knowledge distillation: train a small MLP student on Fashion-MNIST from a saved teacher model.",
                "The student minimises",
                "  α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1−α)·CE(labels, student)",
                "The teacher runs in inference mode (its logits are computed once, before the first epoch). The student file"
                        + " records this run's footprint in greenml.footprint and the teacher's own training footprint in"
                        + " greenml.teacher_footprint.",
                "Example: greenml distill --teacher big.safetensors --student-layers 784,64,10 --temperature 4 --alpha 0.7 --data fashion-mnist --epochs 5 --out student.safetensors"})
public final class DistillCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--teacher", required = true, paramLabel = "FILE.safetensors",
            description = "The trained teacher: a model file that takes Fashion-MNIST's 784 pixels and outputs 10 classes.")
    Path teacher;

    @Option(names = "--student-layers", required = true, paramLabel = "784,H,...,10", description = "Layer widths of the student MLP, from Fashion-MNIST's 784 pixels to its 10 classes, e.g. 784,64,10.")
    String studentLayers;

    @Option(names = "--activation", defaultValue = "relu", description = "Student activation: relu, gelu, tanh or sigmoid (default ${DEFAULT-VALUE}).") String activation;

    @Option(names = "--temperature", defaultValue = "4", paramLabel = "T", description = "Softening temperature T > 0 (default ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--alpha", defaultValue = "0.7", description = "Weight α of the teacher term, in [0, 1] (default ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--data", required = true, paramLabel = "fashion-mnist|DIR",
            description = "Training and test data: fashion-mnist (Debian's dataset-fashion-mnist) or a directory of its files.")
    String data;

    @Option(names = "--epochs", defaultValue = "5", description = "Student training epochs (default ${DEFAULT-VALUE}).") int epochs;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).") float lr;

    @Option(names = "--batch-size", defaultValue = "64", description = "Rows per training step (default ${DEFAULT-VALUE}).") int batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the student's initial weights and the shuffling (default ${DEFAULT-VALUE}).") long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors",
            description = "Where to write the student model.")
    Path out;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Mixin FootprintOut footprintOut;

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        if (epochs < 1) throw new UserError("--epochs must be at least 1, got " + epochs);
        if (batchSize < 1) throw new UserError("--batch-size must be at least 1, got " + batchSize);
        if (!(lr > 0)) throw new UserError("--lr must be positive, got " + lr);
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new UserError("--temperature must be a positive number, got " + temperature);
        if (!(alpha >= 0 && alpha <= 1)) throw new UserError("--alpha must be in [0, 1], got " + alpha);
        OutputPaths.refuseSameFile("--out", out, "--teacher", teacher);
        OutputPaths.checkWritableFile("--out", out);
        Path report = FootprintOut.check(footprintOut.besideOutput(out), "--out", out, "--teacher", teacher);
        FashionData.dir(data);
        Mlp.Config arch;
        try {
            arch = Mlp.Config.parse(studentLayers, activation);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        // the teacher is checked before the backend line and the meter start, so that a wrong one fails with one line
        ModelFile.Loaded t = ModelFile.load(teacher);
        Model teacherModel = t.model();
        teacherModel.eval();
        FashionData.requireImageClassifier(teacher, teacherModel, "distill, which trains on Fashion-MNIST,");
        int in = teacherModel.config().inputFeatures(), classes = teacherModel.config().outputFeatures();
        if (arch.inputs() != in || arch.outputs() != classes) {
            throw new UserError("--student-layers " + studentLayers + " must start with the teacher's " + in + " inputs and end with its "
                    + classes + " outputs, e.g. " + in + ",64," + classes);
        }
        o.log("%s", backendOptions.apply());
        try (Metering metering = Metering.start(footprint, "greenml-distill", report)) {
            var run = metering.run;
            FashionMnist.Splits splits = FashionData.load(data);
            Dataset train = splits.train(), test = splits.test();
            if (train.features() != in) throw new UserError("the teacher takes " + in + " inputs but the data has " + train.features() + " features");

            // The teacher's logits for every training row, once: the teacher never changes, so per-epoch passes would repeat work.
            float[] teacherLogits = new float[train.rows() * classes];
            long teacherParams = ModuleTree.parameterCount(teacherModel);
            try (var p = run.phase("teacher inference"); var s = Autograd.noGrad()) {
                for (int from = 0; from < train.rows(); from += 1000) {
                    int to = Math.min(train.rows(), from + 1000);
                    Tensor y = teacherModel.forward(Tensor.view(train.x(), from * in, to - from, in));
                    System.arraycopy(y.data(), y.offset(), teacherLogits, from * classes, (to - from) * classes);
                }
                run.units("teacher inferences", train.rows());
            }
            double teacherAcc = Trainer.evaluate(teacherModel, test, "cross-entropy", 1000).accuracy();
            o.log("teacher %s: %,d parameters, test accuracy %.2f%%", teacher.getFileName(), teacherParams, 100 * teacherAcc);

            Mlp student = new Mlp(arch, new Rng(seed));
            Adam adam = new Adam(student.parameters(), lr);
            Rng rng = new Rng(seed ^ 0x5DEECE66DL);
            int rows = train.rows(), steps = (rows + batchSize - 1) / batchSize;
            int[] order = new int[rows];
            for (int i = 0; i < rows; i++) order[i] = i;
            float[] xb = new float[batchSize * in], tb = new float[batchSize * classes];
            List<Map<String, Object>> history = new ArrayList<>();
            o.log("student %s: %,d parameters (%.1f%% of the teacher's); T = %s, α = %s, %d epochs", arch, student.parameterCount(),
                    100.0 * student.parameterCount() / teacherParams, temperature, alpha, epochs);
            long start = System.nanoTime();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                rng.shuffle(order);
                double sum = 0;
                Progress bar = new Progress(o.err, String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), steps);
                try (var phase = run.phase("distill epoch " + epoch)) {
                    student.train();
                    for (int s = 0; s < steps; s++) {
                        int from = s * batchSize, n = Math.min(rows, from + batchSize) - from;
                        int[] labels = new int[n];
                        for (int r = 0; r < n; r++) {
                            int row = order[from + r];
                            System.arraycopy(train.x(), row * in, xb, r * in, in);
                            System.arraycopy(teacherLogits, row * classes, tb, r * classes, classes);
                            labels[r] = train.labels()[row];
                        }
                        Tensor loss = DistillationLoss.of(student.forward(Tensor.view(xb, 0, n, in)), Tensor.view(tb, 0, n, classes),
                                labels, temperature, alpha);
                        adam.zeroGrad();
                        loss.backward();
                        adam.step();
                        sum += (double) loss.item() * n;
                        run.units("samples", n);
                        // the epoch's running mean, as train's bar shows, not one batch's loss
                        bar.update(s + 1, String.format(Locale.ROOT, "epoch mean loss %.4f, %s so far", sum / (from + n), TrainCommand.energySoFar(run)));
                    }
                }
                double acc = Trainer.evaluate(student, test, "cross-entropy", 1000).accuracy();
                history.add(Map.of("epoch", epoch, "train_loss", sum / rows, "test_accuracy", acc));
                o.log("epoch %d: distillation loss %.5f, student test accuracy %.2f%%", epoch, sum / rows, 100 * acc);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double studentAcc = (double) history.getLast().get("test_accuracy");

            Map<String, Object> training = new LinkedHashMap<>();
            training.put("loss", "distillation");
            training.put("temperature", temperature);
            training.put("alpha", alpha);
            training.put("optimizer", "adam");
            training.put("lr", lr);
            training.put("epochs", epochs);
            training.put("batch_size", batchSize);
            training.put("seed", seed);
            training.put("data", data);
            training.put("teacher_file", teacher.getFileName().toString());
            training.put("teacher_parameters", teacherParams);
            training.put("teacher_config", t.metadata().get(ModelFile.CONFIG));
            Map<String, String> meta = new LinkedHashMap<>();
            // "loss" must read cross-entropy for predict to treat the student as a classifier; the distillation details sit beside it.
            meta.put(ModelFile.TRAINING, Output.toJson(Map.of("loss", "cross-entropy", "distillation", training)));
            meta.put(ModelFile.FOOTPRINT, metering.provenanceJson("after distillation"));
            String tf = t.metadata().get(ModelFile.FOOTPRINT);
            meta.put("greenml.teacher_footprint", tf != null ? tf
                    : "{\"note\":\"the teacher file records no footprint (greenml.footprint absent)\"}");
            long bytes = ModelFile.save(out, student, meta);
            run.bytesWritten(bytes);
            o.text("student %s: %,d bytes, %,d parameters (%.1f%% of the teacher's %,d); test accuracy %.2f%% (teacher %.2f%%), %.1f s",
                    out, bytes, student.parameterCount(), 100.0 * student.parameterCount() / teacherParams, teacherParams,
                    100 * studentAcc, 100 * teacherAcc, seconds);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("command", "distill");
            result.put("teacher_file", teacher.toAbsolutePath().toString());
            result.put("teacher_parameters", teacherParams);
            result.put("teacher_test_accuracy", teacherAcc);
            result.put("out_file", out.toAbsolutePath().toString());
            result.put("out_file_bytes", bytes);
            result.put("student_parameters", student.parameterCount());
            result.put("student_test_accuracy", studentAcc);
            result.put("training", training);
            result.put("history", history);
            result.put("seconds", seconds);
            result.put("footprint", Metering.asJson(metering.finish(o)));
            o.result(result);
            return 0;
        }
    }
}
