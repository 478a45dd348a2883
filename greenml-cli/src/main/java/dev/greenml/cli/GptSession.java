package dev.greenml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.files.AtomicFiles;
import dev.greenml.footprint.budget.Budget;
import dev.greenml.footprint.budget.Forecast;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintRun;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.gpt.Generator;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.nn.gpt.GptTrainer;
import dev.greenml.nn.gpt.Sampler;
import dev.greenml.text.Tokenizer;
import dev.greenml.text.Tokenizers;
import dev.greenml.train.Checkpoint;
import dev.greenml.train.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One session of {@code greenml train --model gpt}, as {@link TrainingSession} is for epoch-based
 * runs, in the same run directory (docs/run-directory.md) and with the same endings: steps with a
 * progress bar, at every evaluation a history line and a checkpoint, the forecast and the energy
 * and CO2e budgets (exit 4), Ctrl-C (exit 130), the wall-clock budget of --max-minutes, and at the
 * end the model with its tokenizer, a sample and the footprint. The steps are {@link GptTrainer}'s;
 * this class decides when to stop and what to write.
 */
final class GptSession {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Output o;
    private final Budget budget;
    private final Metering metering;
    private final FootprintRun run;
    private final RunDirectory dir;
    private final Gpt model;
    private final GptTrainer trainer;
    private final Tokenizer tok;
    private final GptTraining.Options opt;
    private final Map<String, Object> resumable;   // greenml.training in the checkpoint: what a resume must match
    private final Map<String, Object> training;    // the training record (model file, run.json, --json)
    private final Map<String, Object> data;        // greenml.run in the checkpoint: the text and its tokens
    private final Path out;
    private final long tokensPerStep, seed;
    private final String samplePrompt;              // the start of the sample printed after training

    private final boolean resumed;
    private RunTotals totals = RunTotals.fresh();     // the footprint of a resumed run's earlier sessions
    private String started = Instant.now().toString();

    private volatile boolean stopRequested;
    private volatile Interrupts.Kind stopSignal;   // Ctrl-C or SIGTERM, when one stopped the run
    private Budget.Verdict verdict;
    private boolean timeUp;                        // --max-minutes ended this session
    private Forecast forecast;
    private double[] costAtFirstEvaluation;        // cumulative [seconds, joules, grams] at this session's first evaluation
    private long stepAtFirstEvaluation = -1;
    private long lastCheckpointStep = -1;
    private Map<String, Object> lastCheckpoint;
    private String failure;                        // why the end of the run failed ("failed" in run.json), or null
    private float lastLoss = Float.NaN;
    private long trainNanos, sessionFirstStep;
    private final String previousParallelism;   // how the resumed run used its threads; null for a new run
    private volatile boolean trainingDone;       // past the last step: a signal now only hurries the finish

    GptSession(Output o, Budget budget, Metering metering, RunDirectory dir, Checkpoint.Loaded resumedFrom, Gpt model,
               GptTrainer trainer, Tokenizer tok, GptTraining.Options opt, Map<String, Object> resumable,
               Map<String, Object> training, Map<String, Object> data, Path out, long tokensPerStep, long seed, String samplePrompt) {
        this.o = o;
        this.budget = budget;
        this.metering = metering;
        this.run = metering.run;
        this.dir = dir;
        this.model = model;
        this.trainer = trainer;
        this.tok = tok;
        this.opt = opt;
        this.resumable = resumable;
        this.training = training;
        this.data = data;
        this.out = out;
        this.tokensPerStep = tokensPerStep;
        this.seed = seed;
        this.samplePrompt = samplePrompt;
        this.resumed = resumedFrom != null;
        JsonNode before = resumed ? resumedFrom.json("greenml.training") : null;
        this.previousParallelism = before == null ? null : before.path("parallelism").asText(null);
        if (resumed) {
            JsonNode previous = dir.readRun();
            totals = RunTotals.fromCheckpoint(resumedFrom.json("greenml.footprint_so_far"), previous);
            if (previous != null && previous.hasNonNull("started")) started = previous.get("started").asText();
            if (previous != null && previous.path("checkpoint").isObject()) {
                @SuppressWarnings("unchecked") Map<String, Object> c = JSON.convertValue(previous.get("checkpoint"), Map.class);
                lastCheckpoint = c;
            }
            lastCheckpointStep = trainer.stepsDone();
        }
    }

    /** Trains, writes the run directory, returns the exit code (0, 4 budget, 130 Ctrl-C). */
    int run() throws IOException {
        sessionFirstStep = trainer.stepsDone();
        // from here on the input is good: the held lines print, and the directory is written
        if (resumed) dir.truncateHistory("step", sessionFirstStep);   // lines written after the checkpoint are redone
        o.release();
        o.log("run directory: %s%s", dir.path(), resumed
                ? " (resumed at step " + sessionFirstStep + " of " + trainer.plannedSteps() + ", session " + totals.session + ")" : "");
        o.log("threads: %s", trainer.parallelism());
        training.put("parallelism", trainer.parallelism());
        resumable.put("parallelism", trainer.parallelism());   // the checkpoint records these; not compared on resume
        TrainingSession.noteThreadChange(o, previousParallelism, trainer.parallelism());
        writeRun("running");

        Interrupts ctrlC = Interrupts.forTraining(o, () -> trainingDone, kind -> {
            stopSignal = kind;
            stopRequested = true;
        });
        long start = System.nanoTime();
        try {
            try (var phase = run.phase("train")) {
                train(start);
            } finally {
                trainer.close();   // the data-parallel threads; evaluation and sampling below run on this thread
            }
            trainingDone = true;
            double seconds = (System.nanoTime() - start) / 1e9;

            long done = trainer.stepsDone();
            String status = done >= trainer.plannedSteps() || timeUp ? "completed" : stopSignal != null ? "interrupted" : "stopped-budget";
            if (done != lastCheckpointStep) checkpoint();
            if (timeUp) o.log("stopped by --max-minutes %s after %d steps", opt.maxMinutes, done);

            String sample = "";
            if (status.equals("completed") && opt.sampleTokens > 0) {
                sample = run.phase("sample", () -> {
                    int[] prompt = tok.encode(samplePrompt);
                    int[] gen = new Generator(model).generate(prompt, opt.sampleTokens, new Sampler(0.8f, 0, 0.95f, seed), null);
                    return samplePrompt + tok.decode(gen);
                });
                o.log("sample (prompt \"%s\", temperature 0.8, top-p 0.95):%n%s", Output.printable(samplePrompt), Output.printable(sample));
            }

            training.put("steps", done);   // the model file's record: steps done
            training.put("planned_steps", trainer.plannedSteps());
            recordWarmup();
            long bytes;
            try {
                bytes = saveModel(dir.model(), "final (" + status + ")");
            } catch (IOException | java.io.UncheckedIOException | dev.greenml.io.safetensors.ModelFileException e) {
                throw failed(dir.model().toString(), e);
            }
            Path modelFile = dir.model(), tokFile = GptTraining.tokenizerPathBeside(dir.model());
            if (out != null) {
                modelFile = out.toAbsolutePath();
                tokFile = GptTraining.tokenizerPathBeside(modelFile);
                try {
                    if (modelFile.getParent() != null) Files.createDirectories(modelFile.getParent());
                    AtomicFiles.write(modelFile, os -> Files.copy(dir.model(), os));
                    Tokenizers.write(tokFile, tok);
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw failed("--out " + out, e);
                }
                run.bytesWritten(bytes + Files.size(tokFile));
            }
            writeRun(status);
            FootprintResult fp = metering.finish(dir.path(), o);
            totals.finish(fp);
            writeRun(status);   // again: run.json's footprint_so_far now holds this session's final figures
            double[] total = totals.cumulative(run);
            TrainingSession.addCumulativeToReport(dir, totals.session, total, run.methodSoFar());
            if (totals.session > 1) {
                o.log("whole run (%d sessions): %s, %s CO2e (%s), %s", totals.session, Forecast.energy(total[1]), Forecast.mass(total[2]),
                        run.methodSoFar(), Forecast.duration(total[0]));
            }

            long sessionSteps = done - sessionFirstStep;
            double tokensPerSecond = trainNanos > 0 ? tokensPerStep * sessionSteps / (trainNanos / 1e9) : 0;
            List<JsonNode> history = dir.readHistory();
            JsonNode last = history.isEmpty() ? null : history.getLast();
            o.text("model file: %s (%,d bytes, %,d parameters), tokenizer %s; trained %d steps in %.1f s (%,.0f tokens/s)",
                    OutputPaths.shown(modelFile), bytes, model.parameterCount(), tokFile.getFileName(), sessionSteps, seconds, tokensPerSecond);
            if (last != null) {
                double v = last.path("validation_loss").asDouble(), u = last.path("unigram_loss").asDouble();
                o.text("validation loss %.4f nats/token at step %d, unigram baseline %.4f (%s)", v, last.path("step").asLong(), u,
                        v < u ? "below the baseline" : "NOT below the baseline");
            }
            String why = switch (status) {
                case "interrupted" -> "interrupted by " + stopSignal.label + " at step " + done + "; continue with --resume " + dir.path();
                case "stopped-budget" -> "stopped by the budget at step " + done + ": " + verdict.explain()
                        + "; checkpoint saved, continue with a larger budget and --resume " + dir.path();
                default -> "completed " + done + " steps" + (timeUp ? " (the --max-minutes budget)" : "");
            };
            o.text("%s: %s", dir.path(), why);

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("command", "train");
            r.put("model", "gpt");
            r.put("model_file", modelFile.toAbsolutePath().toString());
            r.put("model_file_bytes", bytes);
            r.put("tokenizer_file", tokFile.toAbsolutePath().toString());
            r.put("parameters", model.parameterCount());
            r.put("architecture", model.config().toJson());
            r.put("training", training);
            r.put("history", history);
            r.put("final_train_loss", Float.isNaN(lastLoss) ? (last == null ? null : last.path("train_loss").asDouble()) : lastLoss);
            if (last != null) {
                r.put("validation_loss", last.path("validation_loss").asDouble());
                r.put("unigram_loss", last.path("unigram_loss").asDouble());
                r.put("validation_tokens_evaluated", last.path("validation_tokens").asInt());
            }
            r.put("stopped_by_budget", timeUp || status.equals("stopped-budget"));
            r.put("train_tokens_per_second", tokensPerSecond);
            r.put("seconds", seconds);
            r.put("sample", sample);
            r.put("sample_prompt", samplePrompt);
            r.put("status", status);
            r.put("run_dir", dir.path().toAbsolutePath().toString());
            r.put("steps_done", done);
            r.put("planned_steps", trainer.plannedSteps());
            r.put("stopped_by_max_minutes", timeUp);
            r.put("budget_verdict", verdict == null ? null : verdict.toMap());
            r.put("forecast", forecastMap());
            r.put("checkpoint", lastCheckpoint);
            r.put("cumulative", Map.of("sessions", totals.session, "energy_joules", total[1], "co2e_grams", total[2], "seconds", total[0],
                "energy_method", run.methodSoFar()));
            r.put("footprint", Metering.asJson(fp));
            o.result(r);
            return switch (status) {
                case "interrupted" -> stopSignal.exitCode;
                case "stopped-budget" -> TrainingSession.EXIT_BUDGET;
                default -> 0;
            };
        } finally {
            // until here: a signal after the last step still lets the model and run.json be written
            if (ctrlC != null) ctrlC.close();
        }
    }

    /** The steps of this session, until the schedule ends, the time is up, a budget or Ctrl-C stops them. */
    private void train(long start) {
        long budgetNanos = (long) (opt.maxMinutes * 60e9);
        Progress bar = new Progress(o.err, "train", trainer.plannedSteps());
        LivePower power = new LivePower(5);
        while (trainer.stepsDone() < trainer.plannedSteps() && !stopRequested) {
            long t0 = System.nanoTime();
            lastLoss = trainer.step();
            trainNanos += System.nanoTime() - t0;
            run.units("tokens", tokensPerStep);
            long done = trainer.stepsDone(), inSession = done - sessionFirstStep;
            if (budgetNanos > 0 && (inSession == 5 || inSession == 25 || inSession % 100 == 0)) {
                // fit the schedule to this invocation's budget from its wall-clock pace so far (evaluations included);
                // re-planned a few times because the first steps run before the JIT has compiled them
                double perStep = (System.nanoTime() - start) / (double) inSession;
                long fit = Math.min(opt.steps, done + (long) ((budgetNanos - (System.nanoTime() - start)) / perStep));
                fit = Math.max(done, fit);
                if (fit != trainer.plannedSteps()) {
                    long warmupBefore = trainer.warmupSteps();
                    trainer.setTotalSteps(fit);   // which caps the warm-up anew at half of the new length
                    recordWarmup();
                    bar.total(fit);
                    o.log("--max-minutes %s: %.0f ms a step so far, so the schedule now spans %d steps%s", opt.maxMinutes, perStep / 1e6, fit,
                            trainer.warmupSteps() == warmupBefore ? ""
                                    : ", warm-up " + trainer.warmupSteps() + " (was " + warmupBefore + "; --warmup " + opt.warmup + ")");
                }
            }
            boolean end = done == trainer.plannedSteps();
            if (budgetNanos > 0 && !end && System.nanoTime() - start > budgetNanos) {
                timeUp = true;
                end = true;
            }
            if (bar.due(done)) {
                double[] c = totals.cumulative(run);
                long now = System.nanoTime();
                power.sample(now, c[1]);
                double perStep = (now - start) / 1e9 / Math.max(1, inSession);
                StringBuilder st = new StringBuilder(String.format(Locale.ROOT, "step loss %.3f, lr %.2e, %,.0f tok/s", lastLoss, trainer.lr(),
                        tokensPerStep * inSession / Math.max(trainNanos / 1e9, 1e-9)));
                double w = power.watts();
                if (!Double.isNaN(w)) st.append(String.format(Locale.ROOT, " · %.1f W", w));
                st.append(" · ").append(Forecast.energy(c[1])).append(" · ").append(Forecast.mass(c[2])).append(" CO2e (")
                        .append(run.methodSoFar()).append(")");
                bar.update(done, st.toString(), (trainer.plannedSteps() - done) * perStep);
            }
            if (verdict == null && budget.isLimited()) {
                double[] c = totals.cumulative(run);
                verdict = budget.check(c[1], c[2], null);
                if (verdict != null) {
                    o.err.println();   // off the progress bar's line
                    o.log("budget: %s; stopping with a checkpoint", verdict.explain());
                    stopRequested = true;
                }
            }
            // an evaluation (and its checkpoint) on schedule and at the planned end; a stop by Ctrl-C or a
            // budget skips it and only saves the checkpoint after the loop
            if (done % opt.evalEvery == 0 || end) evaluate(done);
            if (timeUp) break;
        }
    }

    /** Validation loss, a history line, the forecast (and the budget against it), a checkpoint, run.json. */
    private void evaluate(long done) {
        GptTrainer.Evaluation e = trainer.evaluate(opt.evalWindows);
        double[] c = totals.cumulative(run);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("step", done);
        h.put("seconds", c[0]);
        h.put("train_loss", lastLoss);
        h.put("validation_loss", e.loss());
        h.put("unigram_loss", e.unigramLoss());
        h.put("energy_joules_so_far", c[1]);
        h.put("val_loss", e.loss());              // the run directory's common names, read by greenml report
        h.put("energy_joules", c[1]);
        h.put("co2e_grams", c[2]);
        h.put("energy_method", run.methodSoFar());
        h.put("lr", trainer.lr());
        h.put("tokens", done * tokensPerStep);
        h.put("validation_tokens", e.tokens());
        dir.appendHistory(h);
        o.log("step %d: train loss %.4f, validation loss %.4f (unigram baseline %.4f) nats/token · %s, %s CO2e so far (%s)", done,
                lastLoss, e.loss(), e.unigramLoss(), Forecast.energy(c[1]), Forecast.mass(c[2]), run.methodSoFar());

        long left = trainer.plannedSteps() - done;
        if (left > 0) {
            // one step's cost: since this session's first evaluation (JIT warmed up, one evaluation per
            // --eval-every steps included), or, until there is a second, since the session began
            boolean warmup = stepAtFirstEvaluation < 0;
            double[] base = warmup ? totals.prior : costAtFirstEvaluation;   // prior: where this session began
            long basis = done - (warmup ? sessionFirstStep : stepAtFirstEvaluation);
            if (basis > 0) {
                double[] per = new double[3];
                for (int k = 0; k < 3; k++) per[k] = (c[k] - base[k]) / basis;
                forecast = new Forecast(c[0] + left * per[0], c[1] + left * per[1], c[2] + left * per[2], (int) Math.min(basis, Integer.MAX_VALUE),
                        "linear in steps: spent so far + " + left + " step(s) left × the cost of a step, mean of " + basis
                                + (warmup ? " step(s) since the session began (includes JIT warm-up, so likely an overestimate)"
                                          : " step(s) since the session's first evaluation"), run.methodSoFar());
                if (warmup) o.log("%s", forecast.describe());
                if (verdict == null && budget.isLimited()) {
                    verdict = budget.check(c[1], c[2], forecast);
                    if (verdict != null) {
                        o.log("budget: %s; stopping with a checkpoint", verdict.explain());
                        stopRequested = true;
                    }
                }
            }
        }
        if (stepAtFirstEvaluation < 0) {
            stepAtFirstEvaluation = done;
            costAtFirstEvaluation = c;
        }
        checkpoint();
        writeRun("running");
    }

    private void checkpoint() {
        long t0 = System.nanoTime();
        long bytes = Checkpoint.save(dir.checkpoint(), model, trainer, Map.of(
                "greenml.training", Output.toJson(resumable),
                Tokenizers.METADATA_KEY, tok.toJson().toString(),
                "greenml.footprint_so_far", totals.soFarJson(run),
                "greenml.run", Output.toJson(data)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        run.bytesWritten(bytes);
        if (lastCheckpoint == null) o.log("checkpoint: %s (%,d bytes, written in %.0f ms)", dir.checkpoint(), bytes, seconds * 1000);
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("step", trainer.stepsDone());
        position.put("planned_steps", trainer.plannedSteps());
        lastCheckpoint = RunRecord.checkpoint(position, bytes, seconds);
        lastCheckpointStep = trainer.stepsDone();
    }

    /** The model with its training record, footprint so far and tokenizer, and the tokenizer's JSON beside it. */
    private long saveModel(Path path, String what) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelFile.TRAINING, Output.toJson(training));
        meta.put(ModelFile.FOOTPRINT, metering.provenanceJson(what));
        meta.put(Tokenizers.METADATA_KEY, tok.toJson().toString());
        long bytes = ModelFile.save(path, model, meta);
        Path tokFile = GptTraining.tokenizerPathBeside(path);
        Tokenizers.write(tokFile, tok);
        run.bytesWritten(bytes + Files.size(tokFile));
        return bytes;
    }

    private Map<String, Object> forecastMap() {
        if (forecast == null) return null;
        Map<String, Object> m = new LinkedHashMap<>(forecast.toMap());
        m.remove("basis_epochs");
        m.put("basis_steps", forecast.basis());
        return m;
    }

    /** As TrainingSession's: run.json says "failed", footprint.json accounts for the energy, the error names the path and the fix. */
    private UserError failed(String what, Exception e) {
        failure = OutputPaths.cannotWrite(what, e);
        try {
            writeRun("failed");
            totals.finish(metering.finish(dir.path(), o));
            writeRun("failed");
            TrainingSession.addCumulativeToReport(dir, totals.session, totals.cumulative(run), run.methodSoFar());
        } catch (IOException | RuntimeException ignored) {
            // the run directory itself may be what cannot be written; the error line still says why
        }
        return new UserError(TrainingSession.failedMessage(failure, dir));
    }

    /** The warm-up of the schedule that runs: a re-planned schedule (--max-minutes, --steps on resume) caps it anew. */
    private void recordWarmup() {
        training.put("warmup", trainer.warmupSteps());
        if (trainer.warmupSteps() != opt.warmup) training.put("warmup_requested", opt.warmup);
        else training.remove("warmup_requested");
    }

    private void writeRun(String status) {
        training.put("steps", trainer.stepsDone());
        training.put("planned_steps", trainer.plannedSteps());
        recordWarmup();
        Map<String, Object> r = RunRecord.head(status, model, training, data, started, totals.session);
        r.put("steps_done", trainer.stepsDone());
        r.put("planned_steps", trainer.plannedSteps());
        r.put("max_minutes", opt.maxMinutes > 0 ? opt.maxMinutes : null);
        r.put("stopped_by_max_minutes", timeUp);
        Map<String, Object> soFar = totals.soFar(run);
        r.put("forecast", RunRecord.forecast(forecastMap(), !status.equals("running") && trainer.stepsDone() >= trainer.plannedSteps(), soFar));
        RunRecord.addTail(r, budget, verdict, soFar, lastCheckpoint, status);
        boolean ended = !status.equals("running");
        r.put("tokenizer_file", ended ? "model.tokenizer.json" : null);
        RunRecord.addFailure(r, failure, dir);
        dir.writeRun(r);
    }
}
