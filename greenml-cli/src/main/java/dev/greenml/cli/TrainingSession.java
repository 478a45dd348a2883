package dev.greenml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.data.Dataset;
import dev.greenml.files.AtomicFiles;
import dev.greenml.footprint.budget.Budget;
import dev.greenml.footprint.budget.Forecast;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintRun;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.Model;
import dev.greenml.train.Checkpoint;
import dev.greenml.train.EarlyStopping;
import dev.greenml.train.LrScheduleConfig;
import dev.greenml.train.RunDirectory;
import dev.greenml.train.TrainConfig;
import dev.greenml.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One session of a training run, as the user sees it: the run directory (docs/run-directory.md),
 * a progress bar with loss, throughput, live watts, energy, CO2e and ETA, a checkpoint every
 * epoch, the forecast after the first epoch, budgets, early stopping, Ctrl-C, and resuming.
 * The training itself is {@link Trainer}'s; this class decides when to stop and what to write.
 */
final class TrainingSession {

    /** Exit codes beyond 0 (completed or stopped early) and 2 (bad input). */
    static final int EXIT_BUDGET = 4;   // Ctrl-C and SIGTERM exit with their Interrupts.Kind code

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The run options, checked before any work starts. */
    record Settings(Budget budget, LrScheduleConfig schedule, int patience, Path runDir, Path resume) {}

    /** Parses and checks {@code r}; throws {@link UserError} with one line and an example. */
    static Settings settings(RunOptions r) {
        try {
            Budget budget = Budget.parse(r.maxEnergy, r.maxCo2);
            LrScheduleConfig schedule = new LrScheduleConfig(r.lrSchedule, r.lrStepEpochs, r.lrGamma, r.warmupSteps, r.minLr);
            new EarlyStopping(r.earlyStopping);
            if (r.resume != null && r.runDir != null && !r.resume.toAbsolutePath().normalize().equals(r.runDir.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--resume " + r.resume + " continues in its own directory; drop --run-dir " + r.runDir);
            }
            return new Settings(budget, schedule, r.earlyStopping, r.runDir, r.resume);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private final Output o;
    private final Settings settings;
    private final Metering metering;
    private final FootprintRun run;
    private final Model model;
    private final TrainConfig config;
    private final Dataset train, validation;
    private final Map<String, Object> data;
    private final Path out;
    private Dataset test;                  // held-out test set evaluated once at the end, or null
    private Trainer.Evaluation testEval;

    private RunDirectory dir;
    private Trainer trainer;
    private EarlyStopping early;
    private Map<String, Object> training;      // the training configuration as recorded
    private String started;
    private RunTotals totals = RunTotals.fresh();     // the footprint of a resumed run's earlier sessions
    private final List<double[]> epochCosts = new ArrayList<>();   // this session's full epochs: seconds, joules, grams
    private Forecast forecast;
    private Budget.Verdict verdict;
    private boolean stoppedEarly;
    private volatile Interrupts.Kind stopSignal;   // Ctrl-C or SIGTERM, when one stopped the run
    private String previousParallelism;            // how the resumed run used its threads; null for a new run
    private volatile boolean trainingDone;         // past the last step: a signal now only hurries the finish
    private float[] bestParams;                // (parameters) the best epoch's, when validating
    private int epochsDone;
    private long lastCheckpointStep = -1;
    private Map<String, Object> lastCheckpoint;
    private String failure;                    // why the end of the run failed ("failed" in run.json), or null

    TrainingSession(Output o, Settings settings, Metering metering, Model model, TrainConfig config, Dataset train,
                    Dataset validation, Map<String, Object> data, Path out) {
        this.o = o;
        this.settings = settings;
        this.metering = metering;
        this.run = metering.run;
        this.model = model;
        this.config = config;
        this.train = train;
        this.validation = validation;
        this.data = data;
        this.out = out;
    }

    /**
     * Says that a resumed run's result will not be bit-identical to an uninterrupted one when it
     * trains with other threads than before ({@code previous} null: a new run, nothing to say). A note
     * on a heap-capped count (after ';') is not a difference.
     */
    static void noteThreadChange(Output o, String previous, String now) {
        if (previous == null || previous.split(";", 2)[0].equals(now.split(";", 2)[0])) return;
        o.log("note: the run being resumed trained with %s; the sums' order differs now, so the result will not be"
                + " bit-identical to an uninterrupted run (resume with the same --threads for that)", previous);
    }

    /** runs/&lt;architecture&gt;-&lt;yyyyMMdd-HHmmss&gt;, with -2, -3 … appended when that name is taken (two runs in one second). */
    static Path freshRunDirectory(String architecture) {
        String base = architecture + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path path = Path.of("runs", base);
        for (int n = 2; java.nio.file.Files.exists(path); n++) path = Path.of("runs", base + "-" + n);
        return path;
    }

    /** A test set (e.g. Fashion-MNIST's 10k images) to evaluate the final model on; null for none. */
    TrainingSession test(Dataset testSet) {
        this.test = testSet;
        return this;
    }

    /** Trains, writes the run directory, returns the exit code. */
    int run() throws IOException {
        if (settings.patience() > 0 && validation == null) {
            throw new UserError("--early-stopping watches the validation loss: give --validation-split > 0");
        }
        trainer = new Trainer(model, config).schedule(settings.schedule());
        early = new EarlyStopping(settings.patience());
        training = new LinkedHashMap<>(config.toMap());
        training.put("lr_schedule", settings.schedule().toMap());
        if (settings.patience() > 0) training.put("early_stopping_patience", settings.patience());
        started = Instant.now().toString();
        if (settings.resume() != null) {
            resume(new RunDirectory(settings.resume()));
        } else {
            Path path = settings.runDir() != null ? settings.runDir() : freshRunDirectory(model.config().architecture());
            dir = new RunDirectory(path);
            if (dir.holdsRun()) {
                throw new UserError(path + " already holds a run; continue it with --resume " + path + " or choose another --run-dir");
            }
        }
        o.release();
        o.log("run directory: %s%s", dir.path(), totals.session > 1 ? " (resumed at epoch " + trainer.position().epoch()
                + (trainer.position().step() > 0 ? ", step " + trainer.position().step() : "") + ")" : "");
        o.log("threads: %s", trainer.parallelism());
        training.put("parallelism", trainer.parallelism());
        TrainingSession.noteThreadChange(o, previousParallelism, trainer.parallelism());
        writeRun("running");

        Trainer.Outcome outcome;
        Interrupts ctrlC = Interrupts.forTraining(o, () -> trainingDone, kind -> {
            stopSignal = kind;
            trainer.requestStop();
        });
        try {
            outcome = trainer.fit(train, validation, new Listener());
            trainingDone = true;

            String status;
            if (outcome == Trainer.Outcome.COMPLETED) status = "completed";
            else if (stopSignal != null) status = "interrupted";
            else if (verdict != null) status = "stopped-budget";
            else status = "stopped-early";
            if (trainer.position().globalStep() != lastCheckpointStep) checkpoint();
            if (settings.patience() > 0 && bestParams != null) {
                // with early stopping the final model is the best epoch's, not the last one's: its
                // parameters, and its buffers (BatchNorm statistics) from best.safetensors
                System.arraycopy(bestParams, 0, model.parameters().data(), 0, bestParams.length);
                if (!model.namedBuffers().isEmpty() && Files.exists(dir.best())) {
                    var best = ModelFile.load(dir.best()).model().namedBuffers();
                    model.namedBuffers().forEach((name, t) -> {
                        float[] v = best.get(name).toArray();
                        System.arraycopy(v, 0, t.data(), t.offset(), v.length);
                    });
                }
            }
            if (test != null) {
                testEval = run.phase("test evaluation", () -> trainer.evaluate(test, 1000));
                training.put("test_rows", testEval.rows());
                training.put("test_loss", testEval.loss());
                if (!Double.isNaN(testEval.accuracy())) training.put("test_accuracy", testEval.accuracy());
                o.log("test: loss %.5f%s on %,d rows", testEval.loss(), Double.isNaN(testEval.accuracy()) ? ""
                        : String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * testEval.accuracy()), testEval.rows());
            }
            long bytes;
            try {
                bytes = saveModel(dir.model(), "final (" + status + ")");
            } catch (java.io.UncheckedIOException | dev.greenml.io.safetensors.ModelFileException e) {
                throw failed(dir.model().toString(), e);
            }
            if (out != null) {
                try {
                    Path target = out.toAbsolutePath();
                    Files.createDirectories(target.getParent());
                    AtomicFiles.write(target, os -> Files.copy(dir.model(), os));
                } catch (IOException e) {
                    throw failed("--out " + out, e);
                }
                run.bytesWritten(bytes);
            }
            writeRun(status);
            FootprintResult result = metering.finish(dir.path(), o);
            totals.finish(result);
            writeRun(status);   // again: run.json's footprint_so_far now holds this session's final figures
            double[] total = totals.cumulative(run);
            addCumulativeToReport(total);
            if (totals.session > 1) {
                o.log("whole run (%d sessions): %s, %s CO2e (%s), %s", totals.session, Forecast.energy(total[1]), Forecast.mass(total[2]),
                        run.methodSoFar(), Forecast.duration(total[0]));
            }
            String why = switch (status) {
                case "interrupted" -> "interrupted by " + stopSignal.label + "; continue with --resume " + dir.path();
                case "stopped-budget" -> "stopped by the budget: " + verdict.explain() + "; checkpoint saved, continue with a larger budget and --resume " + dir.path();
                case "stopped-early" -> String.format(Locale.ROOT, "stopped early: no validation improvement for %d epochs; best epoch %d (validation loss %.5f) is the final model",
                        early.patience(), early.bestEpoch(), early.bestLoss());
                default -> "completed " + epochsDone + " epochs";
            };
            o.text("%s: %s", dir.path(), why);
            o.text("model file: %s (%,d bytes, %,d parameters)%s", OutputPaths.shown(dir.model()), bytes, model.parameterCount(),
                    out != null ? ", copied to " + OutputPaths.shown(out) : "");
            o.result(result(status, bytes, result, total));
            return switch (status) {
                case "interrupted" -> stopSignal.exitCode;
                case "stopped-budget" -> EXIT_BUDGET;
                default -> 0;
            };
        } finally {
            // until here: a signal after the last step still lets the model and run.json be written
            if (ctrlC != null) ctrlC.close();
        }
    }

    /** Restores model, optimizer, position, early-stopping state and prior footprint from DIR; writes nothing. */
    private void resume(RunDirectory from) {
        dir = from;
        if (!Files.exists(from.checkpoint())) {
            throw new UserError(from.path() + " has no checkpoint.safetensors; --resume takes the directory of a stopped 'greenml train' run"
                    + " (--run-dir of that run)");
        }
        Checkpoint.Loaded ckpt = Checkpoint.read(from.checkpoint());
        if (ckpt.isGpt()) {
            throw new UserError(from.checkpoint() + " was written by 'greenml train --model gpt'; resume it with --model gpt and that run's options");
        }
        JsonNode theirs = ckpt.json("greenml.training");
        JsonNode ours;
        try {
            ours = JSON.readTree(Output.toJson(training));   // through text, as the checkpoint's, so numbers compare alike
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> diffs = new ArrayList<>();
        if (theirs != null) {
            for (Iterator<String> it = ours.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (k.equals("epochs")) continue;   // a resumed run may go on longer
                if (!ours.get(k).equals(theirs.get(k))) diffs.add(k + " " + theirs.get(k) + " (now " + ours.get(k) + ")");
            }
        }
        if (!diffs.isEmpty()) {
            throw new UserError(from.checkpoint() + " was trained with " + String.join(", ", diffs)
                    + "; resume with the original options (see " + from.runJson() + ")");
        }
        previousParallelism = theirs == null ? null : theirs.path("parallelism").asText(null);
        JsonNode run = ckpt.json("greenml.run");
        int rows = run == null ? -1 : run.path("train_rows").asInt(-1);
        if (rows >= 0 && rows != train.rows()) {
            throw new UserError(from.checkpoint() + " was trained on " + rows + " rows, this data has " + train.rows()
                    + "; resume with the same --data and --validation-split");
        }
        Checkpoint.restore(ckpt, model, trainer);
        Trainer.Position p = trainer.position();
        // a "failed" run trained to the end but could not save its result: resuming it saves it
        if (p.epochsDone() >= config.epochs() && p.step() == 0 && !from.failed()) {
            throw new UserError(from.path() + " already trained " + p.epochsDone() + " epochs; pass --epochs N with N > "
                    + p.epochsDone() + " to train further");
        }
        totals = RunTotals.fromCheckpoint(ckpt.json("greenml.footprint_so_far"), from.readRun());
        JsonNode es = ckpt.json("greenml.early_stopping");
        if (es != null && es.path("best_epoch").asInt() > 0) {
            early.restore(es.path("best_epoch").asInt(), es.path("best_loss").asDouble(), es.path("epochs_without_improvement").asInt());
            if (Files.exists(from.best())) bestParams = ModelFile.load(from.best()).model().parameters().data().clone();
        }
        JsonNode previous = from.readRun();
        if (previous != null && previous.hasNonNull("started")) started = previous.get("started").asText();
        epochsDone = p.epochsDone();
        lastCheckpointStep = p.globalStep();
        from.truncateHistory(epochsDone);
    }

    /** Progress, history, best model, forecast, budget and checkpoints as epochs go by. */
    private final class Listener implements Trainer.Listener {
        private Progress bar;
        private FootprintRun.Phase phase;
        private final LivePower power = new LivePower(5);
        private long epochStartNanos;
        private double[] epochStart;
        private long samples, correct;
        private double lossSum;
        private boolean firstEpochOfSession = true, partial;
        private Trainer.Position resumedAt;   // where a partial epoch began in this session: its earlier steps' rows and hits

        @Override public void onEpochStart(int epoch, int steps) {
            phase = run.phase("epoch " + epoch);
            bar = new Progress(o.err, String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs()), steps);
            epochStartNanos = System.nanoTime();
            epochStart = totals.cumulative(run);
            samples = correct = 0;
            lossSum = 0;
            partial = trainer.position() != null && trainer.position().epoch() == epoch && trainer.position().step() > 0;
            resumedAt = partial ? trainer.position() : null;
        }

        @Override public void onStep(Trainer.Step s) {
            run.units("samples", s.rows());
            samples += s.rows();
            lossSum += (double) s.loss() * s.rows();
            if (s.correct() >= 0) correct += s.correct();
            if (!bar.due(s.step())) return;
            long now = System.nanoTime();
            double[] c = totals.cumulative(run);
            power.sample(now, c[1]);
            if (verdict == null && settings.budget().isLimited()) {
                verdict = settings.budget().check(c[1], c[2], null);
                if (verdict != null) {
                    o.err.println();
                    o.log("budget: %s; stopping after this step", verdict.explain());
                    trainer.requestStop();
                }
            }
            double elapsed = (now - epochStartNanos) / 1e9;
            double perStep = elapsed / Math.max(1, s.step() - (partial ? trainer.position().step() : 0));
            long stepsLeft = (long) (s.stepsPerEpoch() - s.step()) + (long) (config.epochs() - s.epoch()) * s.stepsPerEpoch();
            StringBuilder st = new StringBuilder(String.format(Locale.ROOT, "epoch mean loss %.4f", lossSum / samples));
            if (s.correct() >= 0) st.append(String.format(Locale.ROOT, " acc %.1f%%", 100.0 * correct / samples));
            st.append(String.format(Locale.ROOT, " · %,.0f samples/s", samples / Math.max(elapsed, 1e-9)));
            double w = power.watts();
            if (!Double.isNaN(w)) st.append(String.format(Locale.ROOT, " · %.1f W", w));
            st.append(" · ").append(Forecast.energy(c[1])).append(" · ").append(Forecast.mass(c[2])).append(" CO2e (")
                    .append(run.methodSoFar()).append(")");
            bar.update(s.step(), st.toString(), stepsLeft * perStep);
        }

        @Override public void onEpochEnd(int epoch, double meanLoss, Trainer.Evaluation v) {
            phase.close();
            epochsDone = epoch;
            double[] c = totals.cumulative(run);
            if (!partial) epochCosts.add(new double[] {c[0] - epochStart[0], c[1] - epochStart[1], c[2] - epochStart[2]});
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("epoch", epoch);
            h.put("steps", trainer.position().stepsPerEpoch());
            h.put("samples", (long) epoch * train.rows());
            h.put("seconds", c[0]);
            h.put("train_loss", meanLoss);
            if (train.isClassification() && samples > 0) {
                if (!partial) {
                    h.put("train_accuracy", (double) correct / samples);
                } else if (resumedAt.correct() >= 0) {   // the steps before the checkpoint are full batches
                    h.put("train_accuracy", (double) (resumedAt.correct() + correct) / ((long) resumedAt.step() * config.batchSize() + samples));
                } else {
                    h.put("train_accuracy", null);
                    h.put("train_accuracy_note", "resumed mid-epoch from a checkpoint that does not record the epoch's accuracy so far");
                }
            }
            String line = String.format(Locale.ROOT, "epoch %d: train loss %.5f", epoch, meanLoss);
            if (v != null) {
                h.put("val_loss", v.loss());
                line += String.format(Locale.ROOT, ", validation loss %.5f", v.loss());
                if (!Double.isNaN(v.accuracy())) {
                    h.put("val_accuracy", v.accuracy());
                    line += String.format(Locale.ROOT, ", accuracy %.2f%%", 100 * v.accuracy());
                }
                if (early.record(epoch, v.loss())) {
                    bestParams = model.parameters().data().clone();
                    saveModel(dir.best(), "best (epoch " + epoch + ")");
                    line += " (best so far)";
                }
                if (early.shouldStop() && epoch < config.epochs()) {
                    stoppedEarly = true;
                    trainer.requestStop();
                }
            }
            h.put("lr", trainer.optimizer().lr());
            h.put("energy_joules", c[1]);
            h.put("co2e_grams", c[2]);
            h.put("energy_method", run.methodSoFar());
            line += String.format(Locale.ROOT, " · %s, %s CO2e so far (%s)", Forecast.energy(c[1]), Forecast.mass(c[2]), run.methodSoFar());
            o.log("%s", line);

            if (!epochCosts.isEmpty()) {
                int n = epochCosts.size();
                boolean warmup = n == 1;
                double[] per = new double[3];
                for (int i = warmup ? 0 : 1; i < n; i++) for (int k = 0; k < 3; k++) per[k] += epochCosts.get(i)[k] / (warmup ? 1 : n - 1);
                forecast = Forecast.linear(c, per, config.epochs() - epoch, warmup ? 1 : n - 1, warmup, run.methodSoFar());
                if (firstEpochOfSession) o.log("%s", forecast.describe());
            }
            firstEpochOfSession = false;
            if (verdict == null && settings.budget().isLimited() && epoch < config.epochs()) {
                verdict = settings.budget().check(c[1], c[2], forecast);
                if (verdict != null) {
                    o.log("budget: %s; stopping with a checkpoint", verdict.explain());
                    trainer.requestStop();
                }
            }
            dir.appendHistory(h);
            checkpoint();
            writeRun("running");
        }
    }

    private void checkpoint() {
        Map<String, Object> es = new LinkedHashMap<>();
        es.put("patience", early.patience());
        es.put("best_epoch", early.bestEpoch());
        es.put("best_loss", Double.isFinite(early.bestLoss()) ? early.bestLoss() : null);
        es.put("epochs_without_improvement", early.epochsWithoutImprovement());
        Map<String, Object> runInfo = new LinkedHashMap<>(data);
        runInfo.put("train_rows", train.rows());
        long t0 = System.nanoTime();
        long bytes = Checkpoint.save(dir.checkpoint(), model, trainer, Map.of(
                "greenml.training", Output.toJson(training),
                "greenml.footprint_so_far", totals.soFarJson(run),
                "greenml.early_stopping", Output.toJson(es),
                "greenml.run", Output.toJson(runInfo)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        run.bytesWritten(bytes);
        if (lastCheckpoint == null) o.log("checkpoint: %s (%,d bytes, written in %.0f ms)", dir.checkpoint(), bytes, seconds * 1000);
        Map<String, Object> position = new LinkedHashMap<>();
        if (trainer.position().step() == 0 && trainer.position().epochsDone() > 0) {
            // at an epoch's end the trainer already points at the next epoch's step 0; say which epoch ended
            position.put("after_epoch", trainer.position().epochsDone());
        } else {
            position.put("epoch", trainer.position().epoch());
            position.put("step", trainer.position().step());
        }
        lastCheckpoint = RunRecord.checkpoint(position, bytes, seconds);
        lastCheckpointStep = trainer.position().globalStep();
    }

    private long saveModel(Path path, String what) {
        try {
            long bytes = ModelFile.save(path, model, Map.of(ModelFile.TRAINING, Output.toJson(training),
                    ModelFile.FOOTPRINT, metering.provenanceJson(what)));
            run.bytesWritten(bytes);
            return bytes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A result that could not be saved after training (checked up front, so rare: a full disk, a
     * directory in the way): run.json says "failed" with the reason instead of staying "running",
     * footprint.json and emissions.csv still account for the training's energy, and the error
     * names the user's path and how to finish the run.
     */
    private UserError failed(String what, Exception e) {
        failure = OutputPaths.cannotWrite(what, e);
        try {
            writeRun("failed");
            totals.finish(metering.finish(dir.path(), o));
            writeRun("failed");
            addCumulativeToReport(totals.cumulative(run));
        } catch (IOException | RuntimeException ignored) {
            // the run directory itself may be what cannot be written; the error line still says why
        }
        return new UserError(failedMessage(failure, dir));
    }

    /** The error line of a run whose result could not be saved: what failed, where it is recorded, and the fix. */
    static String failedMessage(String failure, RunDirectory dir) {
        return failure + " (training itself finished and " + dir.runJson() + " records the failure; make room or remove"
                + " what is in the way, then finish the run: the same train command with --resume " + dir.path() + " instead of --run-dir)";
    }

    private void writeRun(String status) {
        Map<String, Object> r = RunRecord.head(status, model, training, data, started, totals.session);
        r.put("epochs_done", epochsDone);
        r.put("best_epoch", early.bestEpoch() > 0 ? early.bestEpoch() : null);
        r.put("best_metric", early.bestEpoch() > 0 ? Map.of("val_loss", early.bestLoss()) : null);
        Map<String, Object> soFar = totals.soFar(run);
        boolean nothingLeft = status.equals("stopped-early") || (!status.equals("running") && epochsDone >= config.epochs());
        r.put("forecast", RunRecord.forecast(forecast == null ? null : forecast.toMap(), nothingLeft, soFar));
        RunRecord.addTail(r, settings.budget(), verdict, soFar, lastCheckpoint, status);
        RunRecord.addFailure(r, failure, dir);
        dir.writeRun(r);
    }

    /** footprint.json covers this session; a "cumulative" entry adds the run's earlier sessions. */
    private void addCumulativeToReport(double[] total) throws IOException {
        addCumulativeToReport(dir, totals.session, total, run.methodSoFar());
    }

    /** As above, for any session that keeps [seconds, joules, grams] of the whole run (GptSession too). */
    static void addCumulativeToReport(RunDirectory dir, int sessions, double[] total, String energyMethod) throws IOException {
        Path p = dir.footprintJson();
        ObjectNode report = (ObjectNode) JSON.readTree(p.toFile());
        ObjectNode cum = report.putObject("cumulative");
        cum.put("sessions", sessions);
        cum.put("energy_joules", total[1]);
        cum.put("co2e_grams", total[2]);
        cum.put("seconds", total[0]);
        cum.put("energy_method", energyMethod);
        // CO2e is energy × a grid factor: modelled when either is (the factor always is, from tables)
        String co2e = report.path("co2e").path("method").asText("modelled");
        cum.put("co2e_method", energyMethod.equals("measured") && co2e.equals("measured") ? "measured" : "modelled");
        cum.put("note", "this report's other figures cover the last session of the run; cumulative adds the earlier sessions"
                + " (from the checkpoint it resumed)");
        AtomicFiles.writeString(p, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    private Map<String, Object> result(String status, long bytes, FootprintResult fp, double[] total) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", "train");
        r.put("status", status);
        r.put("run_dir", dir.path().toAbsolutePath().toString());
        r.put("model_file", dir.model().toAbsolutePath().toString());
        if (out != null) r.put("model_copy", out.toAbsolutePath().toString());
        r.put("model_file_bytes", bytes);
        r.put("parameters", model.parameterCount());
        r.put("architecture", model.config().toJson());
        r.put("training", training);
        r.put("data", data);
        List<JsonNode> history = dir.readHistory();
        r.put("history", history);
        if (testEval != null) {
            r.put("test_loss", testEval.loss());
            if (!Double.isNaN(testEval.accuracy())) r.put("test_accuracy", testEval.accuracy());
            r.put("test_rows", testEval.rows());
        }
        if (!history.isEmpty()) {
            r.put("final_train_loss", history.getLast().path("train_loss").asDouble());
            if (history.getLast().has("val_loss")) r.put("final_validation_loss", history.getLast().get("val_loss").asDouble());
        }
        r.put("epochs_done", epochsDone);
        r.put("forecast", forecast == null ? null : forecast.toMap());
        r.put("budget_verdict", verdict == null ? null : verdict.toMap());
        r.put("seconds", total[0]);
        r.put("cumulative", Map.of("sessions", totals.session, "energy_joules", total[1], "co2e_grams", total[2], "seconds", total[0],
                "energy_method", run.methodSoFar()));
        r.put("footprint", Metering.asJson(fp));
        return r;
    }
}
