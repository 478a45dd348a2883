package dev.greenml.cli;

import dev.greenml.autograd.Autograd;
import dev.greenml.data.Dataset;
import dev.greenml.data.FashionMnist;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Model;
import dev.greenml.nn.ModuleTree;
import dev.greenml.tensor.Tensor;
import dev.greenml.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** greenml compare: several model files side by side, all measured in one metered run. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare model files on Fashion-MNIST in one metered run: size, accuracy, speed, energy per 1,000 inferences.",
                "For each model: file size, parameters, test accuracy, latency at batch 1, throughput at batch 256, and energy"
                        + " and CO2e per 1,000 inferences. The models are measured in interleaved rounds"
                        + " (round 1 of every model, then round 2, …) so that load from other processes hits them alike, after one"
                        + " untimed warm-up round of every model (JIT compilation; its time and energy are discarded from the per-model"
                        + " figures). Each model's inference runs in its own footprint phases; its energy per 1,000 inferences is the"
                        + " median over the rounds of a round's phase energy divided by the inferences it ran. Latency, throughput,"
                        + " CPU time and energy are all medians over the rounds.",
                "Example: greenml compare m.safetensors m-int8.safetensors student.safetensors --data fashion-mnist --json"})
public final class CompareCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE.safetensors",
            description = "Model files to compare (MLP or CNN models that take Fashion-MNIST's 784 pixels; quantized and pruned files too).")
    List<Path> models;

    @Option(names = "--data", defaultValue = "fashion-mnist", paramLabel = "fashion-mnist|DIR", description = "Test data: fashion-mnist (Debian's dataset-fashion-mnist) or a directory of its files (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved measurement rounds (default ${DEFAULT-VALUE}).") int rounds;

    @Option(names = "--latency-calls", defaultValue = "4000", description = "Batch-1 inferences per model per round (default ${DEFAULT-VALUE}).")
    int latencyCalls;

    @Option(names = "--throughput-batches", defaultValue = "40", description = "Batches of 256 per model per round (default ${DEFAULT-VALUE}).")
    int throughputBatches;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @Mixin BackendOptions backendOptions;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Mixin FootprintOut footprintOut;

    private record Entry(String label, Path file, Model model, long bytes, long parameters, long nonZero) {}

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        if (rounds < 1 || latencyCalls < 1 || throughputBatches < 1) throw new UserError("--rounds, --latency-calls and --throughput-batches must be at least 1");
        Object[] inputs = new Object[2 * models.size()];
        for (int i = 0; i < models.size(); i++) {
            inputs[2 * i] = "FILE";
            inputs[2 * i + 1] = models.get(i);
        }
        Path report = FootprintOut.check(footprintOut.inWorkingDirectory("compare"), inputs);
        FashionData.dir(data);   // before the models load: a wrong --data fails first
        List<Entry> entries = new ArrayList<>();
        for (Path p : models) {
            ModelFile.Loaded l = ModelFile.load(p);
            FashionData.requireImageClassifier(p, l.model(), "compare, which measures image classifiers on Fashion-MNIST,");
            l.model().eval();
            String label = p.getFileName().toString();
            for (Entry e : entries) if (e.label.equals(label)) label = p.toString();
            entries.add(new Entry(label, p, l.model(), Files.size(p), ModuleTree.parameterCount(l.model()), nonZero(l.model())));
        }
        FashionMnist.Splits splits = FashionData.load(data);
        Dataset test = splits.test();
        for (Entry e : entries) {
            if (e.model.config().inputFeatures() != test.features()) {
                throw new UserError(e.file + " takes " + e.model.config().inputFeatures() + " inputs but the data has " + test.features() + " features");
            }
        }
        o.log("%s", backendOptions.apply());   // after the input checks, so that a failed run prints one line
        int n = entries.size(), features = test.features();
        double[][] latencyUs = new double[n][rounds], rowsPerSecond = new double[n][rounds];
        // CPU time per inference: unlike wall time, it does not grow when other processes take the
        // cores, so it stays comparable on a shared machine. With one kernel thread all work runs on
        // this thread, whose CPU clock has nanosecond resolution; otherwise the whole process's
        // (ProcessCpuClock: ns through clock_gettime, else 10 ms ticks). A figure below the clock's
        // resolution is printed as "< resolution ÷ calls", not as 0.
        double[][] cpuUs1 = new double[n][rounds], cpuUs256 = new double[n][rounds];
        var processClock = dev.greenml.footprint.meter.ProcessCpuClock.best();
        var threadsBean = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean oneThread = dev.greenml.kernels.Backends.current().threads() == 1;
        java.util.function.LongSupplier cpuNanos = oneThread ? threadsBean::getCurrentThreadCpuTime : processClock::nanos;
        long cpuResolutionNs = oneThread ? 1 : processClock.resolutionNanos();
        double cpuResolutionUs1 = cpuResolutionNs / 1e3 / latencyCalls, cpuResolutionUs256 = cpuResolutionNs / 1e3 / (256.0 * throughputBatches);
        double[] accuracy = new double[n];
        try (Metering metering = Metering.start(footprint, "greenml-compare", report); var noGrad = Autograd.noGrad()) {
            var run = metering.run;
            for (int i = 0; i < n; i++) {
                Entry e = entries.get(i);
                try (var p = run.phase(e.label + " accuracy")) {
                    accuracy[i] = Trainer.evaluate(e.model, test, "cross-entropy", 1000).accuracy();
                }
            }
            // One whole untimed round of every model before the measured ones: the first round ran about twice as
            // slow (JIT compilation), and it landed on whichever model was listed first, ~25% of its energy per 1k.
            // Its own phases keep the run's totals honest; no per-model figure reads them.
            for (Entry e : entries) {
                try (var p = run.phase(e.label + " warm-up")) {
                    for (int c = 0; c < latencyCalls; c++) e.model.forward(Tensor.view(test.x(), (c % test.rows()) * features, 1, features));
                    int batches = test.rows() / 256;
                    for (int b = 0; b < throughputBatches; b++) e.model.forward(Tensor.view(test.x(), (b % batches) * 256 * features, 256, features));
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) {
                    Entry e = entries.get(i);
                    try (var p = run.phase(e.label + " batch 1")) {
                        long c0 = cpuNanos.getAsLong(), t0 = System.nanoTime();
                        for (int c = 0; c < latencyCalls; c++) {
                            int row = (r * latencyCalls + c) % test.rows();
                            e.model.forward(Tensor.view(test.x(), row * features, 1, features));
                        }
                        latencyUs[i][r] = (System.nanoTime() - t0) / 1e3 / latencyCalls;
                        cpuUs1[i][r] = (cpuNanos.getAsLong() - c0) / 1e3 / latencyCalls;
                        run.units(e.label + " batch-1 inferences", latencyCalls);   // per model and batch: a mix means nothing
                    }
                    try (var p = run.phase(e.label + " batch 256")) {
                        long c0 = cpuNanos.getAsLong(), t0 = System.nanoTime();
                        int batches = test.rows() / 256;
                        for (int b = 0; b < throughputBatches; b++) {
                            int from = ((r * throughputBatches + b) % batches) * 256;
                            e.model.forward(Tensor.view(test.x(), from * features, 256, features));
                        }
                        rowsPerSecond[i][r] = 256.0 * throughputBatches / ((System.nanoTime() - t0) / 1e9);
                        cpuUs256[i][r] = (cpuNanos.getAsLong() - c0) / 1e3 / (256.0 * throughputBatches);
                        run.units(e.label + " batch-256 inferences", 256L * throughputBatches);
                    }
                }
            }
            FootprintResult result = metering.finish(o);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Entry e = entries.get(i);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", e.label);
                m.put("file", e.file.toAbsolutePath().toString());
                m.put("file_bytes", e.bytes);
                m.put("parameters", e.parameters);
                m.put("nonzero_parameters", e.nonZero);
                m.put("storage", storage(e.model));
                m.put("test_accuracy", accuracy[i]);
                m.put("latency_batch1_us_median", median(latencyUs[i]));
                m.put("latency_batch1_us_rounds", latencyUs[i]);
                m.put("latency_batch1_cpu_us_median", median(cpuUs1[i]));
                m.put("latency_batch1_cpu_us_rounds", cpuUs1[i]);
                m.put("throughput_batch256_rows_per_s_median", median(rowsPerSecond[i]));
                m.put("batch256_cpu_us_per_row_median", median(cpuUs256[i]));
                m.put("batch256_cpu_us_per_row_rounds", cpuUs256[i]);
                // one clock step spread over a round's calls: a median below it is "less than this", not 0
                m.put("latency_batch1_cpu_us_resolution", cpuResolutionUs1);
                m.put("batch256_cpu_us_per_row_resolution", cpuResolutionUs256);
                m.put("throughput_batch256_rows_per_s_rounds", rowsPerSecond[i]);
                // per round, like latency and CPU time: a median, so one slow round (a neighbour's load) moves nothing
                double[] j1 = perThousand(roundJoules(result, e.label + " batch 1"), latencyCalls);
                double[] j256 = perThousand(roundJoules(result, e.label + " batch 256"), 256.0 * throughputBatches);
                m.put("energy_per_1000_inferences_batch1_j", median(j1));
                m.put("energy_per_1000_inferences_batch1_j_rounds", j1);
                m.put("energy_per_1000_inferences_batch256_j", median(j256));
                m.put("energy_per_1000_inferences_batch256_j_rounds", j256);
                m.put("co2e_per_1000_inferences_batch1_g", grams(result, median(j1)));
                m.put("co2e_per_1000_inferences_batch256_g", grams(result, median(j256)));
                m.put("energy_method", j256.length > 0 ? result.energy().method() + " (" + result.energy().source() + ")" : "");
                rows.add(m);
            }
            printTable(o, rows, result);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("command", "compare");
            out.put("data", data);
            out.put("test_rows", test.rows());
            out.put("rounds", rounds);
            out.put("latency_calls_per_round", latencyCalls);
            out.put("throughput_batches_per_round", throughputBatches);
            out.put("backend", dev.greenml.kernels.Backends.current().name());
            out.put("threads", dev.greenml.kernels.Backends.current().threads());
            out.put("cpu_time_clock", oneThread ? "this thread's CPU time (ns resolution)" : "process CPU time: " + processClock.describe());
            out.put("energy_method", result.energy().method() + " (" + result.energy().source() + "), ±"
                    + Math.round(100 * result.energy().uncertainty()) + "%");
            out.put("carbon_method", String.format(Locale.ROOT, "IT energy × PUE %.2f × %.0f g CO2e/kWh (%s, %s %s)", result.carbon().pue(),
                    result.carbon().gramsPerKWh(), result.carbon().location(), result.carbon().source(), result.carbon().year()));
            out.put("models", rows);
            out.put("footprint", Metering.asJson(result));
            o.result(out);
        }
        return 0;
    }

    /** Joules of each phase named {@code name}, one per round, in round order. */
    private static double[] roundJoules(FootprintResult r, String name) {
        return r.phases().stream().filter(p -> p.name().equals(name)).mapToDouble(p -> p.energy().joules()).toArray();
    }

    private static double[] perThousand(double[] joules, double inferences) {
        return Arrays.stream(joules).map(j -> j / inferences * 1000).toArray();
    }

    /** Grams CO2e of {@code joules} of IT energy, with the run's PUE and grid intensity. */
    private static double grams(FootprintResult r, double joules) {
        return joules / 3.6e6 * r.carbon().pue() * r.carbon().gramsPerKWh();
    }

    private static long nonZero(Model m) {
        long n = 0;
        for (Tensor t : m.namedParameters().values()) for (int i = 0; i < t.size(); i++) if (t.get(i) != 0f) n++;
        for (var q : ModuleTree.quantized(m)) for (byte b : q.weights().q()) if (b != 0) n++;
        return n;
    }

    private static String storage(Model m) {
        return ModuleTree.quantized(m).isEmpty() ? "float32" : "int8 weights (" + ModuleTree.quantized(m).size() + " layers)";
    }

    /** A CPU-time cell: the median, or "< step" when the clock did not move a whole step in the median round. */
    static String cpuUs(Map<String, Object> m, String key, String resolutionKey, String format) {
        double v = (double) m.get(key), step = (double) m.get(resolutionKey);
        return step > 1e-3 && v < step ? "< " + String.format(Locale.ROOT, format, step) + " µs"
                : String.format(Locale.ROOT, format, v) + " µs";
    }

    static double median(double[] v) {
        if (v.length == 0) return 0;
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static void printTable(Output o, List<Map<String, Object>> rows, FootprintResult r) {
        int w = 5;
        for (var m : rows) w = Math.max(w, m.get("model").toString().length());
        o.text("%-" + w + "s %12s %11s %9s %12s %12s %12s %12s %10s %12s %10s", "model", "file bytes", "parameters", "accuracy", "latency b=1",
                "CPU b=1", "rows/s b=256", "CPU/row b256", "J/1k b=1", "J/1k b=256", "g CO2e/1k");
        for (var m : rows) {
            o.text("%-" + w + "s %,12d %,11d %8.2f%% %9.1f µs %12s %,12.0f %12s %10.4f %12.4f %10.6f", m.get("model"), m.get("file_bytes"),
                    m.get("parameters"), 100 * (double) m.get("test_accuracy"), (double) m.get("latency_batch1_us_median"),
                    cpuUs(m, "latency_batch1_cpu_us_median", "latency_batch1_cpu_us_resolution", "%.1f"),
                    (double) m.get("throughput_batch256_rows_per_s_median"),
                    cpuUs(m, "batch256_cpu_us_per_row_median", "batch256_cpu_us_per_row_resolution", "%.2f"),
                    (double) m.get("energy_per_1000_inferences_batch1_j"),
                    (double) m.get("energy_per_1000_inferences_batch256_j"), (double) m.get("co2e_per_1000_inferences_batch256_g"));
        }
        o.text("energy: %s (%s), ±%d%%; CO2e (batch 256): × PUE %.2f × %.0f g/kWh (%s). Latency, throughput, CPU time"
                + " (the whole process's, per inference) and energy: medians of the rounds, after one untimed warm-up round of every model.",
                r.energy().method(), r.energy().source(), Math.round(100 * r.energy().uncertainty()), r.carbon().pue(),
                r.carbon().gramsPerKWh(), r.carbon().location());
    }
}
