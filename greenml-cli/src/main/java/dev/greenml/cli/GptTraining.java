package dev.greenml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.footprint.run.FootprintRun;
import dev.greenml.io.ModelFile;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.nn.gpt.GptTrainer;
import dev.greenml.tensor.Rng;
import dev.greenml.train.Checkpoint;
import dev.greenml.train.RunDirectory;
import dev.greenml.text.BpeTokenizer;
import dev.greenml.text.ByteTokenizer;
import dev.greenml.text.Corpus;
import dev.greenml.text.Tokenizer;
import dev.greenml.text.Tokenizers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import picocli.CommandLine.Option;

/**
 * {@code greenml train --model gpt}, its setup: the text (KJV or a UTF-8 file) split 90/10, the
 * tokenizer, the model and its trainer, and, with {@code --resume}, the checks that the stopped
 * run is continued with the same options, text, tokenizer and architecture (one line naming each
 * difference, before anything is written). The session itself is {@link GptSession}'s.
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
                description = "gpt: wall-clock budget for training in minutes, per invocation (with --resume: M more minutes); the schedule is"
                        + " shortened to fit it after the first steps (0 = none).")
        double maxMinutes;
        @Option(names = "--warmup", defaultValue = "100", description = "gpt: warm-up steps (default ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--eval-every", defaultValue = "100", description = "gpt: steps between validation evaluations, each followed by a checkpoint (default ${DEFAULT-VALUE}).")
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

    /** The options a resumed run must share with the run it continues, by their names in the checkpoint (--steps may change). */
    private static final Map<String, String> OPTION_OF = Map.of("tokenizer", "--tokenizer", "vocab", "--vocab", "batch_size",
            "--batch-size", "lr", "--lr", "weight_decay", "--weight-decay", "warmup", "--warmup", "seed", "--seed");
    /** Architecture fields and the options that set them. */
    private static final Map<String, String> ARCH_OPTION_OF = Map.of("layers", "--layers", "heads", "--heads", "width", "--width",
            "context", "--context", "activation", "--gelu", "vocab", "--vocab");
    private static final ObjectMapper JSON = new ObjectMapper();

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
        if (opt.evalEvery <= 0) throw new UserError("--eval-every must be at least 1 step, got " + opt.evalEvery);
        float weightDecay = cmd.weightDecay < 0 ? 0.1f : cmd.weightDecay;
        TrainingSession.Settings settings = TrainingSession.settings(cmd.runOptions);   // budgets; --resume with --run-dir
        try (Metering metering = Metering.start(cmd.footprint, "greenml-train-gpt")) {
            return run(o, layers, weightDecay, settings, metering);
        }
    }

    private int run(Output o, int layers, float weightDecay, TrainingSession.Settings settings, Metering metering) throws Exception {
        FootprintRun run = metering.run;
        // the run directory first: a wrong --resume or a taken --run-dir fails before the data is read
        RunDirectory dir;
        Checkpoint.Loaded ckpt = null;
        Map<String, Object> resumable = resumableSettings(weightDecay);
        if (settings.resume() != null) {
            dir = new RunDirectory(settings.resume());
            ckpt = readGptCheckpoint(dir);
            checkSameSettings(ckpt, resumable, dir);
        } else {
            dir = new RunDirectory(settings.runDir() != null ? settings.runDir() : TrainingSession.freshRunDirectory("gpt"));
            if (dir.holdsRun()) {
                throw new UserError(dir.path() + " already holds a run; continue it with --resume " + dir.path() + " or choose another --run-dir");
            }
        }

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
        // a resumed run takes its tokenizer from the checkpoint: BPE is not learned again, and the ids stay the model's
        Tokenizer tok = ckpt != null ? checkpointTokenizer(ckpt) : run.phase("tokenizer", () -> makeTokenizer(trainText));
        int[][] ids = run.phase("tokenize", () -> new int[][] {tok.encode(trainText), tok.encode(valText)});
        int[] train = ids[0], val = ids[1];
        o.hold("data: %s, %,d characters → %,d train + %,d validation tokens (%s tokenizer, vocab %d)", spec, text.length(),
                train.length, val.length, tok.toJson().path("type").asText(), tok.vocabSize());
        if (ckpt == null && opt.tokenizer.equals("bpe") && tok.vocabSize() < opt.vocab) {
            o.hold("note: the vocabulary stopped at %d of --vocab %d: no pair of tokens repeats in the training text any more",
                    tok.vocabSize(), opt.vocab);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data", spec);
        data.put("characters", text.length());
        data.put("train_tokens", train.length);
        data.put("validation_tokens", val.length);
        data.put("tokens_crc32", crc32(train, val));
        if (ckpt != null) checkSameText(ckpt, data, dir);

        Gpt.Config arch;
        try {
            arch = new Gpt.Config(tok.vocabSize(), opt.context, layers, opt.heads, opt.width, opt.gelu);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (ckpt != null) checkSameArchitecture(ckpt, arch);
        Gpt model = new Gpt(arch, new Rng(cmd.seed));
        GptTrainer trainer;
        try {
            trainer = new GptTrainer(model, train, val,
                    new GptTrainer.Options(cmd.batchSize, cmd.lr, opt.steps, opt.warmup, weightDecay, 1f, cmd.seed));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (ckpt != null) {
            Checkpoint.restore(ckpt, model, trainer);
            planResumedSchedule(ckpt, trainer, dir);
        }
        o.hold("%s", cmd.backendOptions.apply());
        // the warm-up that runs: --warmup, capped at half of a short schedule's steps
        long warmup = trainer.warmupSteps();
        String warmupNote = warmup == opt.warmup ? "" : " (--warmup " + opt.warmup + " capped at half of the " + trainer.plannedSteps() + " steps)";
        o.hold("model: %s, %,d parameters; adamw lr %s (warm-up %d%s, cosine to lr/10), weight decay %s on matrices, batch %d × %d tokens",
                arch, model.parameterCount(), cmd.lr, warmup, warmupNote, weightDecay, cmd.batchSize, arch.context());

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("data", spec);
        training.put("split", "first 90% of the characters for training, last 10% for validation");
        training.put("train_tokens", train.length);
        training.put("validation_tokens", val.length);
        training.put("optimizer", "adamw betas (0.9, 0.95), decay on rank>=2 tensors");
        training.put("lr", cmd.lr);
        training.put("weight_decay", weightDecay);
        training.put("warmup", warmup);
        if (warmup != opt.warmup) training.put("warmup_requested", opt.warmup);
        training.put("steps", trainer.stepsDone());   // steps done; GptSession keeps it current
        training.put("batch_size", cmd.batchSize);
        training.put("seed", cmd.seed);
        training.put("max_steps", opt.steps);
        // a tokenizer file is recorded by name (its type alone, "bpe", would read as one trained here)
        training.put("tokenizer", isTokenizerFile(opt.tokenizer) ? opt.tokenizer : tok.toJson().path("type").asText());
        if (isTokenizerFile(opt.tokenizer)) training.put("tokenizer_type", tok.toJson().path("type").asText());
        long tokensPerStep = (long) cmd.batchSize * Math.min(arch.context(), train.length - 1);
        GptSession session = new GptSession(o, settings.budget(), metering, dir, ckpt, model, trainer, tok, opt, resumable, training,
                data, cmd.out, tokensPerStep, cmd.seed, samplePrompt(spec, text, cut));
        return session.run();
    }

    /**
     * The prompt of the sample printed after training: "And God said" for the KJV; for any other
     * text its own words — the first three of the validation text (after the word the 90/10 cut
     * may have split), else of the whole text — so that the sample continues text in the corpus's
     * language and style rather than a Bible phrase the model may never have seen.
     */
    static String samplePrompt(String spec, String text, int cut) {
        if (spec.equalsIgnoreCase(Corpus.KJV)) return "And God said";
        boolean cutInsideAWord = cut > 0 && cut < text.length() && !Character.isWhitespace(text.charAt(cut - 1));
        String fromValidation = firstWords(text.substring(cut), cutInsideAWord);
        if (!fromValidation.isEmpty()) return fromValidation;
        String fromStart = firstWords(text, false);
        return fromStart.isEmpty() ? text.substring(0, Math.min(text.length(), 12)) : fromStart;
    }

    private static final Pattern THREE_WORDS = Pattern.compile("\\S+(?:[ \\t]+\\S+){0,2}");

    /** Up to three words on one line (at most 40 characters) from the start of {@code s}; optionally past its first, partial word. */
    private static String firstWords(String s, boolean skipPartialWord) {
        int from = 0;
        if (skipPartialWord) while (from < s.length() && !Character.isWhitespace(s.charAt(from))) from++;
        Matcher m = THREE_WORDS.matcher(s);
        if (!m.find(from)) return "";
        String words = m.group();
        if (words.length() <= 40) return words;
        return words.substring(0, Character.isHighSurrogate(words.charAt(39)) ? 39 : 40);   // never half a character
    }

    /** What a resumed run must share with the run it continues; --steps (the schedule's length) may change. */
    private Map<String, Object> resumableSettings(float weightDecay) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean file = !opt.tokenizer.equals("byte") && !opt.tokenizer.equals("bpe");
        m.put("tokenizer", file ? "file" : opt.tokenizer);   // a file's content is compared, not its path
        if (opt.tokenizer.equals("bpe")) m.put("vocab", opt.vocab);
        m.put("batch_size", cmd.batchSize);
        m.put("lr", cmd.lr);
        m.put("weight_decay", weightDecay);
        m.put("warmup", opt.warmup);
        m.put("seed", cmd.seed);
        m.put("clip", 1f);
        m.put("steps", opt.steps);
        return m;
    }

    private static Checkpoint.Loaded readGptCheckpoint(RunDirectory dir) {
        if (!Files.exists(dir.checkpoint())) {
            throw new UserError(dir.path() + " has no checkpoint.safetensors; --resume takes the directory of a stopped"
                    + " 'greenml train --model gpt' run (--run-dir of that run)");
        }
        Checkpoint.Loaded ckpt = Checkpoint.read(dir.checkpoint());
        if (!ckpt.isGpt()) {
            throw new UserError(dir.checkpoint() + " was written by an epoch-based run (an MLP or CNN), not by --model gpt;"
                    + " resume it with that run's --layers/--model options");
        }
        return ckpt;
    }

    /** One line naming each option that differs and the value to resume with. */
    private static void checkSameSettings(Checkpoint.Loaded ckpt, Map<String, Object> ours, RunDirectory dir) {
        JsonNode theirs = ckpt.json("greenml.training");
        if (theirs == null) throw new UserError(dir.checkpoint() + " records no training options (greenml.training); it cannot be resumed");
        JsonNode now = asTree(ours);
        StringBuilder was = new StringBuilder(), is = new StringBuilder();
        for (String k : OPTION_OF.keySet().stream().sorted().toList()) {
            JsonNode a = theirs.get(k), b = now.get(k);
            if (a == null ? b == null : a.equals(b)) continue;
            if (a != null) was.append(was.isEmpty() ? "" : " ").append(OPTION_OF.get(k)).append(' ').append(shown(a));
            if (b != null) is.append(is.isEmpty() ? "" : " ").append(OPTION_OF.get(k)).append(' ').append(shown(b));
        }
        if (!was.isEmpty() || !is.isEmpty()) {
            throw new UserError(dir.checkpoint() + " was trained with " + (was.isEmpty() ? "the defaults" : was) + " but this run has "
                    + (is.isEmpty() ? "the defaults" : is) + "; resume with " + (was.isEmpty() ? "those defaults" : was)
                    + " (the original options are in " + dir.runJson() + ")");
        }
    }

    /** An option's value as typed; a tokenizer file is recorded as "file" (its content is what counts). */
    private static String shown(JsonNode v) {
        return v.asText().equals("file") ? "FILE.json" : v.asText();
    }

    private Tokenizer checkpointTokenizer(Checkpoint.Loaded ckpt) {
        String json = ckpt.metadata().get(Tokenizers.METADATA_KEY);
        if (json == null) throw new UserError(ckpt.path() + " holds no tokenizer (" + Tokenizers.METADATA_KEY + "); it cannot be resumed");
        Tokenizer tok = Tokenizers.fromJson(json, ckpt.path().toString());
        if (!opt.tokenizer.equals("byte") && !opt.tokenizer.equals("bpe")) {
            Tokenizer given = makeTokenizer("");
            if (!given.toJson().equals(tok.toJson())) {
                throw new UserError("--tokenizer " + opt.tokenizer + " is not the tokenizer " + ckpt.path() + " was trained with;"
                        + " resume with the original tokenizer file (the run directory's model.tokenizer.json holds a copy once the run has ended)");
            }
        }
        return tok;
    }

    /** The same text gives the same tokens: counts and a CRC32 of the ids, so a moved file still resumes. */
    private static void checkSameText(Checkpoint.Loaded ckpt, Map<String, Object> ours, RunDirectory dir) {
        JsonNode theirs = ckpt.json("greenml.run");
        if (theirs == null) return;
        JsonNode now = asTree(ours);
        for (String k : List.of("train_tokens", "validation_tokens", "tokens_crc32")) {
            if (theirs.has(k) && !theirs.get(k).equals(now.get(k))) {
                throw new UserError(dir.checkpoint() + " was trained on other text: " + theirs.path("train_tokens") + " + "
                        + theirs.path("validation_tokens") + " tokens (CRC32 " + theirs.path("tokens_crc32") + ") from --data "
                        + theirs.path("data").asText() + ", this --data gives " + now.path("train_tokens") + " + "
                        + now.path("validation_tokens") + " (CRC32 " + now.path("tokens_crc32") + "); resume with the original --data");
            }
        }
    }

    /** One line naming each architecture option that differs, before {@link Checkpoint#restore} would refuse the shapes. */
    private static void checkSameArchitecture(Checkpoint.Loaded ckpt, Gpt.Config ours) {
        JsonNode theirs = ckpt.json(ModelFile.CONFIG);
        if (theirs == null) return;   // Checkpoint.restore names the missing entry
        JsonNode now = ours.toJson();
        StringBuilder was = new StringBuilder(), is = new StringBuilder();
        for (String k : List.of("layers", "heads", "width", "context", "activation", "vocab")) {
            if (theirs.path(k).equals(now.path(k))) continue;
            was.append(was.isEmpty() ? "" : " ").append(ARCH_OPTION_OF.get(k)).append(' ').append(theirs.path(k).asText());
            is.append(is.isEmpty() ? "" : " ").append(ARCH_OPTION_OF.get(k)).append(' ').append(now.path(k).asText());
        }
        if (!was.isEmpty()) {
            throw new UserError(ckpt.path() + " holds a gpt with " + was + " but this run builds one with " + is + "; resume with " + was);
        }
    }

    /**
     * The schedule of a resumed run: the checkpoint's (so that it continues as if never stopped),
     * or --steps when that changed; with --max-minutes a finished schedule reopens up to --steps
     * (this invocation's own budget re-plans it).
     */
    private void planResumedSchedule(Checkpoint.Loaded ckpt, GptTrainer trainer, RunDirectory dir) {
        long done = trainer.stepsDone();
        long recordedSteps = ckpt.json("greenml.training").path("steps").asLong(opt.steps);
        long planned = opt.steps != recordedSteps ? opt.steps : trainer.plannedSteps();
        if (opt.maxMinutes > 0 && planned <= done) planned = opt.steps;
        // a "failed" run trained to the end but could not save its result: resuming it saves it
        if (done >= planned && !dir.failed()) {
            throw new UserError(dir.path() + " already trained " + done + " steps" + (done >= opt.steps
                    ? "; pass --steps N with N > " + done + " to train further"
                    : ", where its schedule (fitted to --max-minutes) ends; pass --max-minutes M to train on towards --steps " + opt.steps));
        }
        if (planned != trainer.plannedSteps()) trainer.setTotalSteps(planned);
    }

    private static JsonNode asTree(Map<String, Object> m) {
        try {
            return JSON.readTree(Output.toJson(m));   // through text, as the checkpoint's, so numbers compare alike
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CRC32 of the training then the validation ids (4 bytes each, little-endian). */
    static long crc32(int[] train, int[] val) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] ids : new int[][] {train, val}) {
            for (int i = 0; i < ids.length; i++) {
                b.putInt(ids[i]);
                if (!b.hasRemaining()) {
                    crc.update(b.flip());
                    b.clear();
                }
            }
        }
        crc.update(b.flip());
        return crc.getValue();
    }

    /** True when --tokenizer names a file rather than "byte" or "bpe". */
    static boolean isTokenizerFile(String tokenizer) {
        return !tokenizer.equals("byte") && !tokenizer.equals("bpe");
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
