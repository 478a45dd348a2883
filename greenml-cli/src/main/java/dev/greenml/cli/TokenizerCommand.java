package dev.greenml.cli;

import dev.greenml.text.BpeTokenizer;
import dev.greenml.text.Corpus;
import dev.greenml.text.Tokenizers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** greenml tokenizer train: a byte-pair-encoding tokenizer learned from a text, saved as JSON. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, subcommands = TokenizerCommand.Train.class,
        description = {"Tokenizers for text models (train --model gpt --tokenizer FILE.json uses one).",
                "Example: greenml tokenizer train --data kjv --vocab 512 --out tok.json"})
public final class TokenizerCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Learn byte-level BPE merges from a text ('kjv' or a UTF-8 file) and write the tokenizer JSON.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "kjv|FILE", description = "The text: kjv or a UTF-8 text file.")
        String data;
        @Option(names = "--vocab", defaultValue = "512", description = "Vocabulary size in tokens, ≥ 256: the 256 bytes plus one per merge (default ${DEFAULT-VALUE}).")
        int vocab;
        @Option(names = "--out", defaultValue = "tokenizer.json", description = "Where to write the tokenizer JSON (default ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
        boolean json;

        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override public Integer call() throws Exception {
            Output o = new Output(spec.commandLine(), json);
            if (!data.equalsIgnoreCase(Corpus.KJV)) OutputPaths.refuseSameFile("--out", out, "--data", Path.of(data));
            OutputPaths.checkWritableFile("--out", out);
            if (vocab < 256 || vocab > 1 << 20) throw new UserError("--vocab must be between 256 (the bytes) and 2^20, got " + vocab);
            String text = Corpus.load(data);
            if (text.isBlank()) {
                throw new UserError("--data " + data + ": the file is empty" + (text.isEmpty() ? "" : " (only whitespace)")
                        + "; give a text to learn the merges from");
            }
            long t0 = System.nanoTime();
            BpeTokenizer t = BpeTokenizer.train(text, vocab);
            if (t.mergeCount() == 0 && vocab > 256) {
                throw new UserError("--data " + data + ": the text is too short to learn from (" + text.length()
                        + " characters, no pair of bytes occurs twice); give a longer text");
            }
            if (t.vocabSize() < vocab) {
                o.log("note: the vocabulary stopped at %d of --vocab %d: no pair of tokens repeats in the text any more,"
                        + " so further merges would not shorten it (a longer text allows a larger vocabulary)", t.vocabSize(), vocab);
            }
            int tokens = t.encode(text).length;
            Tokenizers.write(out, t);
            double s = (System.nanoTime() - t0) / 1e9;
            o.text("%s: vocab %d (%d merges) from %,d characters in %.1f s; the text is %,d tokens (%.2f characters a token)",
                    OutputPaths.shown(out), t.vocabSize(), t.mergeCount(), text.length(), s, tokens, (double) text.length() / tokens);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("command", "tokenizer train");
            r.put("file", out.toAbsolutePath().toString());
            r.put("vocab", t.vocabSize());
            r.put("vocab_requested", vocab);
            r.put("characters", text.length());
            r.put("tokens", tokens);
            r.put("seconds", s);
            o.result(r);
            return 0;
        }
    }
}
