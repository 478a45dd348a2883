package dev.greenml.cli;

import dev.greenml.footprint.run.FootprintRun;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.gpt.Generator;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.nn.gpt.GptTrainer;
import dev.greenml.nn.gpt.Sampler;
import dev.greenml.tensor.Rng;
import dev.greenml.text.BpeTokenizer;
import dev.greenml.text.ByteTokenizer;
import dev.greenml.text.Corpus;
import dev.greenml.text.Tokenizer;
import dev.greenml.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code greenml train --model gpt}: a GPT-style language model on a text (KJV or a UTF-8 file),
 * 90/10 train/validation split of the token stream, AdamW with warm-up and cosine, a wall-clock
 * budget, validation loss beside the unigram baseline, and the model saved with its tokenizer.
 */
final class GptTraining {

    /** The options only the gpt model uses (shared ones — --data, --lr, --batch-size … — live on TrainCommand). */
    static final class Options {
        @Option(names = "--heads", defaultValue = "4", description = "gpt: attention heads (default ${DEFAULT-VALUE}).")
        int heads;
        @Option(names = "--width", defaultValue = "128", description = "gpt: embedding width C (default ${DEFAULT-VALUE}).")
        int width;
        @Option(names = "--context", defaultValue = "128", description = "gpt: context length in tokens (default ${DEFAULT-VALUE}).")
        int context;
        @Option(names = "--tokenizer", defaultValue = "bpe", paramLabel = "byte|bpe|FILE.json",
                description = "gpt: byte (256 symbols), bpe (trained on the training split, --vocab symbols) or a tokenizer JSON file (default ${DEFAULT-VALUE}).")
        String tokenizer;
        @Option(names = "--vocab", defaultValue = "512", description = "gpt with --tokenizer bpe: vocabulary size (default ${DEFAULT-VALUE}).")
        int vocab;
        @Option(names = "--steps", defaultValue = "2000", description = "gpt: optimisation steps; the cosine schedule spans them (default ${DEFAULT-VALUE}).")
        long steps;
        @Option(names = "--max-minutes", defaultValue = "0", paramLabel = "M",
                description = "gpt: wall-clock budget for training; the schedule is shortened to fit it after the first steps (0 = none).")
        double maxMinutes;
        @Option(names = "--warmup", defaultValue = "100", description = "gpt: warm-up steps (default ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--eval-every", defaultValue = "100", description = "gpt: steps between validation evaluations (default ${DEFAULT-VALUE}).")
        int evalEvery;
        @Option(names = "--eval-windows", defaultValue = "64", description = "gpt: validation windows (of --context tokens) per evaluation (default ${DEFAULT-VALUE}).")
        int evalWindows;
        @Option(names = "--gelu", defaultValue = "gelu_tanh", description = "gpt: gelu_tanh (GPT-2) or gelu (exact erf) (default ${DEFAULT-VALUE}).")
        String gelu;
        @Option(names = "--sample-tokens", defaultValue = "200", description = "gpt: tokens of sample text printed after training (default ${DEFAULT-VALUE}; 0 = none).")
        int sampleTokens;
    }

    private final TrainCommand cmd;
    private final Options opt;

    GptTraining(TrainCommand cmd, Options opt) {
        this.cmd = cmd;
        this.opt = opt;
    }

    private Path modelFile;

    int call() throws Exception {
        Output o = new Output(cmd.spec.commandLine(), cmd.json);
        int layers;
        try {
            layers = cmd.layers == null ? 4 : Integer.parseInt(cmd.layers.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--layers for --model gpt is the number of transformer blocks (e.g. 4), got '" + cmd.layers + "'");
        }
        if (cmd.data == null) throw new UserError("--model gpt needs --data: 'kjv' or a UTF-8 text file");
        if (opt.maxMinutes < 0) throw new UserError("--max-minutes must be ≥ 0, got " + opt.maxMinutes);
        float weightDecay = cmd.weightDecay < 0 ? 0.1f : cmd.weightDecay;
        if (cmd.runOptions.resume != null) {
            throw new UserError("--resume is not supported for --model gpt yet; use --max-minutes or --steps to size a run");
        }
        // the model goes to --out, else into the run directory (--run-dir, default runs/gpt-<time>)
        Path runDir = cmd.runOptions.runDir != null ? cmd.runOptions.runDir : TrainingSession.freshRunDirectory("gpt");
        modelFile = cmd.out != null ? cmd.out : runDir.resolve("model.safetensors");
        o.log("%s", cmd.backendOptions.apply());
        try (Metering metering = Metering.start(cmd.footprint, "greenml-train-gpt")) {
            return run(o, layers, weightDecay, metering);
        }
    }

    private int run(Output o, int layers, float weightDecay, Metering metering) throws Exception {
        FootprintRun run = metering.run;
        String spec = cmd.data.toString();
        String text = run.phase("read data", () -> {
            try {
                return Corpus.load(spec);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        run.bytesRead(text.length());
        // split the text 90/10 (at a character boundary) before the tokenizer sees it, so BPE learns from training text only
        int cut = (int) (text.length() * 0.9);
        String trainText = text.substring(0, cut), valText = text.substring(cut);
        Tokenizer tok = run.phase("tokenizer", () -> makeTokenizer(trainText));
        int[][] ids = run.phase("tokenize", () -> new int[][] {tok.encode(trainText), tok.encode(valText)});
        int[] train = ids[0], val = ids[1];
        o.log("data: %s, %,d characters → %,d train + %,d validation tokens (%s tokenizer, vocab %d)", spec, text.length(),
                train.length, val.length, tok.toJson().path("type").asText(), tok.vocabSize());

        Gpt.Config arch;
        try {
            arch = new Gpt.Config(tok.vocabSize(), opt.context, layers, opt.heads, opt.width, opt.gelu);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Gpt model = new Gpt(arch, new Rng(cmd.seed));
        GptTrainer.Options topt;
        try {
            topt = new GptTrainer.Options(cmd.batchSize, cmd.lr, opt.steps, opt.warmup, weightDecay, 1f, cmd.seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        GptTrainer trainer = new GptTrainer(model, train, val, topt);
        o.log("model: %s, %,d parameters; adamw lr %s (warm-up %d, cosine to lr/10), weight decay %s on matrices, batch %d × %d tokens",
                arch, model.parameterCount(), cmd.lr, opt.warmup, weightDecay, cmd.batchSize, arch.context());

        List<Map<String, Object>> history = new ArrayList<>();
        long planned = opt.steps, budgetNanos = (long) (opt.maxMinutes * 60e9);
        long tokensPerStep = (long) cmd.batchSize * Math.min(arch.context(), train.length - 1);
        long start = System.nanoTime(), trainNanos = 0;
        Progress bar = new Progress(o.err, "train", planned);
        GptTrainer.Evaluation last = null;
        float loss = Float.NaN;
        boolean budgetHit = false;
        try (var phase = run.phase("train")) {
            for (long s = 0; s < planned; s++) {
                long t0 = System.nanoTime();
                loss = trainer.step();
                trainNanos += System.nanoTime() - t0;
                run.units("tokens", tokensPerStep);
                long done = s + 1;
                if (budgetNanos > 0 && (done == 5 || done == 25 || done % 100 == 0)) {
                    // fit the schedule to the budget from the wall-clock pace so far (evaluations included);
                    // re-planned a few times because the first steps run before the JIT has compiled them
                    double perStep = (System.nanoTime() - start) / (double) done;
                    long fit = Math.min(opt.steps, done + (long) ((budgetNanos - (System.nanoTime() - start)) / perStep));
                    if (fit != planned) {
                        planned = Math.max(done, fit);
                        trainer.setTotalSteps(planned);
                        bar.total(planned);
                        o.log("--max-minutes %s: %.0f ms a step so far, so the schedule now spans %d steps", opt.maxMinutes,
                                perStep / 1e6, planned);
                    }
                }
                bar.update(done, String.format(Locale.ROOT, "loss %.3f, lr %.2e, %,.0f tok/s, %s so far", loss, trainer.lr(),
                        tokensPerStep * done / (trainNanos / 1e9), TrainCommand.energySoFar(run.joulesSoFar())));
                boolean end = done == planned;
                if (budgetNanos > 0 && System.nanoTime() - start > budgetNanos && !end) {
                    budgetHit = true;
                    end = true;
                }
                if (done % opt.evalEvery == 0 || end) {
                    last = trainer.evaluate(opt.evalWindows);
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("step", done);
                    h.put("seconds", (System.nanoTime() - start) / 1e9);
                    h.put("train_loss", loss);
                    h.put("validation_loss", last.loss());
                    h.put("unigram_loss", last.unigramLoss());
                    h.put("energy_joules_so_far", run.joulesSoFar());
                    history.add(h);
                    o.log("step %d: train loss %.4f, validation loss %.4f (unigram baseline %.4f) nats/token", done, loss,
                            last.loss(), last.unigramLoss());
                }
                if (end) break;
            }
        }
        if (budgetHit) o.log("stopped by --max-minutes %s after %d steps", opt.maxMinutes, trainer.stepsDone());
        double seconds = (System.nanoTime() - start) / 1e9;
        double trainTokensPerSecond = tokensPerStep * trainer.stepsDone() / (trainNanos / 1e9);

        String sample = "";
        if (opt.sampleTokens > 0) {
            sample = run.phase("sample", () -> {
                int[] prompt = tok.encode("And God said");
                int[] out = new Generator(model).generate(prompt, opt.sampleTokens, new Sampler(0.8f, 0, 0.95f, cmd.seed), null);
                return "And God said" + tok.decode(out);
            });
            o.log("sample (temperature 0.8, top-p 0.95):%n%s", sample);
        }

        Map<String, Object> trainingRecord = new LinkedHashMap<>();
        trainingRecord.put("data", spec);
        trainingRecord.put("split", "first 90% of the characters for training, last 10% for validation");
        trainingRecord.put("train_tokens", train.length);
        trainingRecord.put("validation_tokens", val.length);
        trainingRecord.put("optimizer", "adamw betas (0.9, 0.95), decay on rank>=2 tensors");
        trainingRecord.put("lr", cmd.lr);
        trainingRecord.put("weight_decay", weightDecay);
        trainingRecord.put("warmup", opt.warmup);
        trainingRecord.put("steps", trainer.stepsDone());
        trainingRecord.put("batch_size", cmd.batchSize);
        trainingRecord.put("seed", cmd.seed);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelFile.TRAINING, Output.toJson(trainingRecord));
        meta.put(ModelFile.FOOTPRINT, metering.provenanceJson("after training"));
        meta.put(Tokenizers.METADATA_KEY, tok.toJson().toString());
        long bytes = ModelFile.save(modelFile, model, meta);
        Path tokFile = tokenizerPathBeside(modelFile);
        Tokenizers.write(tokFile, tok);
        run.bytesWritten(bytes + Files.size(tokFile));
        o.text("model file: %s (%,d bytes, %,d parameters), tokenizer %s; trained %d steps in %.1f s (%,.0f tokens/s)",
                modelFile.toAbsolutePath(), bytes, model.parameterCount(), tokFile.getFileName(), trainer.stepsDone(), seconds,
                trainTokensPerSecond);
        if (last != null) {
            o.text("validation loss %.4f nats/token, unigram baseline %.4f (%s)", last.loss(), last.unigramLoss(),
                    last.loss() < last.unigramLoss() ? "below the baseline" : "NOT below the baseline");
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "train");
        result.put("model", "gpt");
        result.put("model_file", modelFile.toAbsolutePath().toString());
        result.put("model_file_bytes", bytes);
        result.put("tokenizer_file", tokFile.toAbsolutePath().toString());
        result.put("parameters", model.parameterCount());
        result.put("architecture", arch.toJson());
        result.put("training", trainingRecord);
        result.put("history", history);
        result.put("final_train_loss", loss);
        if (last != null) {
            result.put("validation_loss", last.loss());
            result.put("unigram_loss", last.unigramLoss());
            result.put("validation_tokens_evaluated", last.tokens());
        }
        result.put("stopped_by_budget", budgetHit);
        result.put("train_tokens_per_second", trainTokensPerSecond);
        result.put("seconds", seconds);
        result.put("sample", sample);
        result.put("footprint", Metering.asJson(metering.finish(modelFile.toAbsolutePath().getParent(), o)));
        o.result(result);
        return 0;
    }

    /** m.safetensors → m.tokenizer.json */
    static Path tokenizerPathBeside(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".tokenizer.json");
    }

    private Tokenizer makeTokenizer(String trainText) {
        String t = opt.tokenizer;
        if (t.equals("byte")) return new ByteTokenizer();
        if (t.equals("bpe")) {
            if (opt.vocab < 256) throw new UserError("--vocab must be at least 256, got " + opt.vocab);
            return BpeTokenizer.train(trainText, opt.vocab);
        }
        Path p = Path.of(t);
        if (!Files.isRegularFile(p)) throw new UserError("--tokenizer " + t + ": expected byte, bpe or a tokenizer JSON file");
        try {
            return Tokenizers.read(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
