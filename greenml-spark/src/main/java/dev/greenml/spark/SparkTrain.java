package dev.greenml.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.Version;
import dev.greenml.data.Dataset;
import dev.greenml.footprint.carbon.Intensities;
import dev.greenml.footprint.carbon.IntensitySource;
import dev.greenml.footprint.run.Accounting;
import dev.greenml.footprint.run.FootprintConfig;
import dev.greenml.footprint.run.FootprintConfig.Location;
import dev.greenml.io.CsvData;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.nn.Mlp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The {@code spark-submit} entry point: trains an MLP on a numeric CSV with {@link SparkTrainer}
 * and writes a normal greenml model file ({@code greenml predict} and {@code greenml inspect} read
 * it) with the training record and the footprint in its metadata.
 *
 * <pre>
 * spark-submit --class dev.greenml.spark.SparkTrain --master local[2] … greenml-spark-0.1.0.jar \
 *     --data data.csv --target y --layers 4,16,1 --partitions 2 --local-steps 4 --rounds 20 --out model.safetensors
 * </pre>
 *
 * Follows greenml's command conventions: --help, -V/--version, --json (the result as one JSON
 * object on stdout, progress on stderr), --backend java|blas (no auto, and no --threads: one
 * thread per task). Exit codes: 0 done, 2 bad arguments or data (one line on stderr naming the
 * problem and the fix), 1 anything else (one line with the root cause and what to check).
 */
public final class SparkTrain {

    static final String USAGE = """
            usage: spark-submit --class dev.greenml.spark.SparkTrain [spark options] greenml-spark.jar \\
                     --data FILE.csv --target COLUMN --layers IN,HIDDEN,…,OUT --out MODEL.safetensors [options]
              --master URL        Spark master when SparkTrain runs without spark-submit (e.g. local[2]);
                                  refused under spark-submit, whose own --master sets it (default local[*])
              --data FILE         numeric CSV with a header row (as 'greenml train' reads)
              --target COLUMN     the column to predict; the others are the features
              --layers SPEC       MLP widths, the first = number of features (e.g. 4,16,1)
              --activation NAME   relu | gelu | tanh | sigmoid (default relu)
              --loss NAME         mse | cross-entropy (default mse; cross-entropy: the target holds class indices)
              --optimizer NAME    sgd | adam | adamw (default adam)
              --lr X              learning rate (default 0.001)
              --batch-size N      rows per local step in each partition (default 32)
              --partitions N      Spark partitions of the rows, one task each per round (default 2)
              --local-steps K     optimizer steps per partition between two averagings (default 4)
              --rounds R          averaging rounds, one Spark job each (default 20)
              --seed N            initialisation and shuffling (default 42)
              --backend java|blas the kernels of every task, one thread each (default blas: OpenBLAS; a task
                                  fails with the fix where it does not load). No auto: executors that picked
                                  different kernels would compute with different arithmetic. No --threads:
                                  Spark's executor cores set the parallelism
              --country CC        the grid for CO2e: a country (FR) or grid region (US-CA); at most one of
              --region R          --country, --region, --cloud, --intensity, --intensity-file
              --cloud P:REGION    (default: the world average, flagged as a fallback)
              --intensity G       your own grid intensity in g CO2e/kWh
              --intensity-file F  a CSV time series of grid intensity
              --pue X             the data centre's PUE, >= 1 (default: the carbon tables' default)
              --out FILE          where to write the model (safetensors)
              --json              print the result as one JSON object on stdout (progress goes to stderr)
              -h, --help          this text
              -V, --version       greenml's version
            Set GREENML_DEBUG=1 for the stack trace of a failure.
            """;

    private SparkTrain() {}

    public static void main(String[] args) {
        System.exit(run(args, null, System.out, System.err));
    }

    /** Bad arguments or data: the message is the whole story for the user. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Runs the command; uses {@code given} as the Spark context when not null (tests), else
     * creates one and stops it at the end. With --json, {@code out} receives the result object
     * alone and the progress goes to {@code err}.
     */
    static int run(String[] args, JavaSparkContext given, PrintStream out, PrintStream err) {
        Map<String, String> a;
        try {
            a = parse(args);
            if (a.containsKey("help")) {
                out.print(USAGE);
                return 0;
            }
            if (a.containsKey("version")) {
                out.println("greenml " + Version.STRING);
                return 0;
            }
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        boolean json = a.containsKey("json");
        PrintStream progress = json ? err : out;
        JavaSparkContext sc = null;
        try {
            Path data = Path.of(required(a, "data")), outFile = Path.of(required(a, "out"));
            // before the data is read and any Spark job runs: an --out that would destroy an input,
            // or that cannot be written, would otherwise be found only after the whole training
            OutputCheck.refuseSameFile("--out", outFile, "--data", data);
            if (a.containsKey("intensity-file")) {
                OutputCheck.refuseSameFile("--out", outFile, "--intensity-file", Path.of(a.get("intensity-file")));
            }
            OutputCheck.checkWritableFile("--out", outFile);
            refuseMasterUnderSparkSubmit(a);   // an option error, so before the CSV is read as the others are
            String target = required(a, "target");
            String loss = a.getOrDefault("loss", "mse");
            Mlp.Config config = Mlp.Config.parse(required(a, "layers"), a.getOrDefault("activation", "relu"));
            int partitions = intOption(a, "partitions", 2);
            if (partitions < 1) throw new UsageException("--partitions must be at least 1, got " + partitions);
            SparkTrainer.Builder b = SparkTrainer.builder(config)
                    .optimizer(a.getOrDefault("optimizer", "adam"), floatOption(a, "lr", 1e-3f))
                    .loss(loss)
                    .batchSize(intOption(a, "batch-size", 32))
                    .localSteps(intOption(a, "local-steps", 4))
                    .rounds(intOption(a, "rounds", 20))
                    .seed(longOption(a, "seed", 42))
                    .backend(a.getOrDefault("backend", "blas"));
            FootprintConfig location = location(a);
            b.grid(grid(location)).pue(location.pue() != null ? location.pue() : Intensities.defaultPue(provider(location)));
            SparkTrainer trainer = b.build();

            // the rows go to Spark as row objects; the Dataset is dropped once they are built, and
            // the RDD is not cached: fit packs and caches each partition once, evaluation re-reads them
            List<TrainingRow> rowList;
            long rowCount;
            int featureCount;
            double meanMse;
            {
                Dataset dataset = CsvData.toDataset(CsvData.read(data), target, loss.equals("cross-entropy"), data.toString());
                if (dataset.features() != config.inputs()) {
                    throw new UsageException("--layers starts with " + config.inputs() + " inputs but " + data + " has "
                            + dataset.features() + " feature columns besides '" + target + "'; start --layers with " + dataset.features());
                }
                if (loss.equals("mse") && config.outputs() != 1) {
                    throw new UsageException("--layers ends with " + config.outputs() + " outputs but mse on one target column needs 1;"
                            + " end --layers with 1 (or use --loss cross-entropy for classes)");
                }
                rowCount = dataset.rows();
                featureCount = dataset.features();
                meanMse = loss.equals("mse") ? meanPredictorMse(dataset) : Double.NaN;
                rowList = SparkTrainer.rows(dataset);
            }

            if (given != null) {
                sc = given;
            } else {
                SparkConf conf = sparkConf(a);
                try {
                    sc = new JavaSparkContext(conf);
                } catch (Exception e) {
                    throw new UsageException("cannot start Spark with master '" + conf.get("spark.master", "") + "': "
                            + firstLine(e.getMessage()) + "; check --master (e.g. local[2], spark://host:7077, yarn)");
                }
            }
            progress.printf(Locale.ROOT, "greenml-spark: %s on %s (%d rows × %d features), %d partitions, K=%d local steps, %d rounds,"
                            + " master %s, backend %s (one thread per task)%n",
                    config, data, rowCount, featureCount, partitions, trainer.options().localSteps(),
                    trainer.options().rounds(), sc.master(), trainer.options().backend());
            JavaRDD<TrainingRow> rows = sc.parallelize(rowList, partitions);
            SparkTrainResult r = trainer.fit(rows);
            for (int i = 0; i < r.rounds(); i++) {
                if (i < 3 || i == r.rounds() - 1 || (i + 1) % 5 == 0) {
                    progress.printf(Locale.ROOT, "round %d/%d: training loss %.6f%n", i + 1, r.rounds(), r.lossPerRound().get(i));
                }
            }
            progress.println("tasks computed on: " + String.join(" | ", r.taskKernels()));
            if (r.kernelWarning() != null) err.println("warning: " + r.kernelWarning());
            double finalLoss = SparkTrainer.evaluate(r.model(), rows, loss, trainer.options().backend());
            progress.printf(Locale.ROOT, "%s over all rows after training: %.6f", loss, finalLoss);
            if (loss.equals("mse")) progress.printf(Locale.ROOT, " (predicting the mean: %.6f)", meanMse);
            progress.printf(Locale.ROOT, "%ntrained in %.2f s wall%n%s%n", r.wallSeconds(), r.footprint().summary());

            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("data", data.toString());
            extra.put("target", target);
            extra.put("final_loss", finalLoss);
            extra.put("spark_master", sc.master());
            long bytes;
            try {
                bytes = r.save(outFile, extra);
            } catch (ModelFileException e) {
                throw new UsageException(OutputCheck.saveFailure(outFile, e));
            }
            progress.printf(Locale.ROOT, "model: %s (%,d bytes)%n", outFile, bytes);
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("model", outFile.toString());
                result.put("model_bytes", bytes);
                result.put("final_loss", finalLoss);
                if (loss.equals("mse")) result.put("mean_predictor_mse", meanMse);
                Map<String, Object> training = r.trainingRecord();
                training.putAll(extra);
                result.put("training", training);
                result.put("footprint", r.footprint().toMap());
                out.println(JSON.writeValueAsString(result));
            }
            return 0;
        } catch (UsageException | CsvData.DataException | IllegalArgumentException | ModelFileException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("error: " + e.getMessage() + " (" + e.getClass().getSimpleName() + "); check the path and its permissions");
            return 2;
        } catch (Exception e) {
            return fail(e, err);
        } finally {
            if (given == null && sc != null) sc.stop();
        }
    }

    /**
     * Any other failure, typically a deployment mistake that makes Spark abort a job (greenml's
     * jars not on the executors: ClassNotFoundException; executors without the JVM flags:
     * NoClassDefFoundError jdk/incubator/vector/…): one line with the root cause and what to
     * check, exit 1. Spark's message for an aborted job already holds the executor's stack trace
     * as text, so only its first line is printed; GREENML_DEBUG=1 prints the whole trace.
     */
    static int fail(Exception e, PrintStream err) {
        if ("1".equals(System.getenv("GREENML_DEBUG"))) e.printStackTrace(err);
        err.println("error: " + failureLine(e));
        return 1;
    }

    static String failureLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String what = root.getMessage() == null ? root.getClass().getName()
                : root instanceof org.apache.spark.SparkException ? firstLine(root.getMessage())   // names the executor's exception itself
                : root.getClass().getName() + ": " + firstLine(root.getMessage());
        return "Spark job failed: " + what + " — are greenml's jars on the executors (spark-submit --jars, see docs/spark.md), and do"
                + " driver and executors run with --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED?"
                + " (GREENML_DEBUG=1 prints the stack trace)";
    }

    static String firstLine(String s) {
        if (s == null) return "";
        String t = s.strip();
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).strip();
    }

    /** --master is refused under spark-submit; checked before the data is read (and again in {@link #sparkConf}). */
    static void refuseMasterUnderSparkSubmit(Map<String, String> a) {
        if (a.containsKey("master") && "true".equals(System.getProperty("SPARK_SUBMIT"))) {
            // spark-submit sets spark.master to local[*] when it was given no --master, and leaves no
            // trace of whether the user chose it (SparkSubmitArguments.master, Spark 4.2), so a
            // second master here can be neither trusted nor checked: the master belongs to spark-submit
            throw new UsageException("--master " + a.get("master") + " is for running SparkTrain without spark-submit;"
                    + " under spark-submit give it to spark-submit, before the jar (spark-submit --master "
                    + a.get("master") + " … greenml-spark-0.1.0.jar …), which otherwise uses local[*]");
        }
    }

    static SparkConf sparkConf(Map<String, String> a) {
        SparkConf conf = new SparkConf().setAppName("greenml-spark");
        refuseMasterUnderSparkSubmit(a);
        if (a.containsKey("master")) {
            // spark-submit passes its --master as spark.master; a second, different one would silently win
            if (conf.contains("spark.master") && !conf.get("spark.master").equals(a.get("master"))) {
                throw new UsageException("--master " + a.get("master") + " conflicts with spark-submit's --master "
                        + conf.get("spark.master") + "; give the master once");
            }
            conf.setMaster(a.get("master"));
        } else if (!conf.contains("spark.master")) {
            throw new UsageException("no Spark master: pass --master local[2] here, or --master to spark-submit");
        }
        return conf;
    }

    /**
     * The grid and PUE options as the footprint module reads them (greenml's other commands take the
     * same: --country, --region, --cloud, --intensity, --intensity-file, --pue).
     */
    static FootprintConfig location(Map<String, String> a) {
        List<Location> given = new java.util.ArrayList<>();
        if (a.containsKey("country")) given.add(new Location(Location.Kind.COUNTRY, a.get("country")));
        if (a.containsKey("region")) given.add(new Location(Location.Kind.REGION, a.get("region")));
        if (a.containsKey("cloud")) given.add(new Location(Location.Kind.CLOUD, a.get("cloud")));
        if (a.containsKey("intensity")) given.add(new Location(Location.Kind.INTENSITY, a.get("intensity")));
        if (a.containsKey("intensity-file")) given.add(new Location(Location.Kind.FILE, a.get("intensity-file")));
        if (given.size() > 1) {
            throw new UsageException("give one location option, not " + given.size()
                    + " (--country, --region, --cloud, --intensity, --intensity-file)");
        }
        Double pue = null;
        if (a.containsKey("pue")) {
            try {
                pue = Double.valueOf(a.get("pue").strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--pue needs a number (a PUE such as 1.2), got '" + a.get("pue") + "'");
            }
        }
        return FootprintConfig.defaults().withLocation(given.isEmpty() ? Location.world() : given.getFirst()).withPue(pue);
    }

    /** The grid intensity of {@code c}, checked now: a time series that starts after the training would fail only at its end. */
    static IntensitySource grid(FootprintConfig c) {
        try {
            IntensitySource source = Accounting.intensity(c);
            source.at(java.time.Instant.now());
            return source;
        } catch (java.io.UncheckedIOException e) {
            throw new UsageException(e.getMessage() + " (" + OutputCheck.reason(e.getCause()) + "); check the path and its permissions");
        }
    }

    /** The cloud provider of a --cloud location, for its default PUE; null otherwise (the tables' default for an unknown data centre). */
    static String provider(FootprintConfig c) {
        if (c.location().kind() != Location.Kind.CLOUD) return null;
        String v = c.location().value();
        return v.indexOf(':') > 0 ? v.substring(0, v.indexOf(':')).strip() : null;
    }

    /** Mean squared error of predicting the targets' mean: the figure a trained model must beat. */
    static double meanPredictorMse(Dataset d) {
        double mean = 0;
        for (float t : d.targets()) mean += t;
        mean /= d.targets().length;
        double s = 0;
        for (float t : d.targets()) s += (t - mean) * (t - mean);
        return s / d.targets().length;
    }

    private static final List<String> OPTIONS = List.of("master", "data", "target", "layers", "activation", "loss", "optimizer",
            "lr", "batch-size", "partitions", "local-steps", "rounds", "seed", "backend", "country", "region", "cloud", "intensity", "intensity-file", "pue", "out");

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                m.put("help", "");
                continue;
            }
            if (arg.equals("--version") || arg.equals("-V")) {
                m.put("version", "");
                continue;
            }
            if (arg.equals("--json")) {
                m.put("json", "");
                continue;
            }
            if (!arg.startsWith("--")) throw new UsageException("unexpected argument '" + arg + "'; options start with -- (see --help)");
            String name = arg.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!OPTIONS.contains(name)) {
                throw new UsageException("unknown option --" + name + "; known: --" + String.join(", --", OPTIONS));
            }
            if (value == null) {
                if (i + 1 >= args.length) throw new UsageException("--" + name + " needs a value (see --help)");
                value = args[++i];
            }
            if (m.put(name, value) != null) throw new UsageException("--" + name + " is given twice; give it once");
        }
        return m;
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) throw new UsageException("--" + name + " is required (see --help)");
        return v;
    }

    private static int intOption(Map<String, String> a, String name, int dflt) {
        String v = a.get(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    private static long longOption(Map<String, String> a, String name, long dflt) {
        String v = a.get(name);
        if (v == null) return dflt;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    private static float floatOption(Map<String, String> a, String name, float dflt) {
        String v = a.get(name);
        if (v == null) return dflt;
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }
}
