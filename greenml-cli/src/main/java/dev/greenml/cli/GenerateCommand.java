package dev.greenml.cli;

import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.io.safetensors.ModelFileException;
import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.nn.gpt.Generator;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.nn.gpt.Gpt2Checkpoint;
import dev.greenml.nn.gpt.Sampler;
import dev.greenml.text.Tokenizer;
import dev.greenml.text.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** greenml generate: text from a gpt model file, with tokens/s and the energy and CO2e per 1,000 tokens. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate text with a gpt model (KV cache, one token at a time) and report its footprint per 1,000 tokens.",
                "Example: greenml generate --model m.safetensors --prompt \"And God said\" --tokens 200 --temperature 0.8 --top-p 0.95"})
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A gpt model file (greenml's, or a GPT-2 safetensors checkpoint with --heads).")
    Path model;

    @Option(names = "--prompt", defaultValue = "\n", description = "Text to continue (default: a newline); of a prompt longer than the model's context only the last"
            + " context tokens are read.")
    String prompt;

    @Option(names = "--tokens", defaultValue = "200", description = "Tokens to generate (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature; 0 = greedy (default ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens; 0 = all (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling: the smallest set of tokens with this much probability; 1 = all (default ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tokenizer", paramLabel = "FILE.json", description = "Tokenizer JSON (default: the one embedded in the model file, else FILE.tokenizer.json beside it).")
    Path tokenizer;

    @Option(names = "--heads", defaultValue = "0", description = "Attention heads, for GPT-2 checkpoints that do not record them (default 0: from the model file).")
    int heads;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;

    @Mixin BackendOptions backendOptions;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin dev.greenml.cli.footprint.FootprintOptions footprint;

    @Mixin FootprintOut footprintOut;

    @Override public Integer call() throws Exception {
        Output o = new Output(spec.commandLine(), json);
        if (tokens <= 0) throw new UserError("--tokens must be positive, got " + tokens);
        Sampler sampler = new Sampler(temperature, topK, topP, seed);
        // the tokenizer beside the model is an input too, read when the model embeds none
        Path report = FootprintOut.check(footprintOut.inWorkingDirectory("generate"), "--model", model, "--tokenizer", tokenizer,
                "the tokenizer beside --model", tokenizer == null ? GptTraining.tokenizerPathBeside(model) : null);
        try (Metering metering = Metering.start(footprint, "greenml-generate", report)) {
            var run = metering.run;
            Gpt gpt = run.phase("load", () -> Gpt2Checkpoint.load(model, heads));
            run.bytesRead(Files.size(model));
            Tokenizer tok = loadTokenizer();
            int[] promptIds = tok.encode(prompt);
            if (promptIds.length == 0) throw new UserError("--prompt is empty; give at least one character");
            o.log("%s", backendOptions.apply());   // after the model and prompt checks, so that a failed run prints one line
            o.log("model: %s, %,d parameters; prompt %d tokens", gpt.config(), gpt.parameterCount(), promptIds.length);
            int context = gpt.config().context();
            if (promptIds.length > context) {   // the generator reads only the last context tokens: say so, not silently
                o.log("note: the prompt's %d tokens exceed the model's context of %d; only its last %d tokens are read",
                        promptIds.length, context, context);
            }
            if (!json) {
                o.err.flush();
                o.out.print(Output.printable(prompt));
            }
            long t0 = System.nanoTime();
            int[] out;
            Utf8Stream stream = new Utf8Stream(o.out);
            try (var phase = run.phase("generate")) {
                out = new Generator(gpt).generate(promptIds, tokens, sampler, id -> {
                    if (!json) stream.write(tok.bytes(id));
                });
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            run.units("tokens", tokens);
            if (!json) {
                stream.finish();
                o.out.println();
            }
            String text = tok.decode(out);
            FootprintResult r = metering.finish(o);
            double joules = r.energy().joules(), grams = r.carbon() == null ? Double.NaN : r.carbon().gramsCo2e();
            var gen = r.phases().stream().filter(p -> p.name().equals("generate")).findFirst();
            double genJoules = gen.map(p -> p.energy().joules()).orElse(Double.NaN);
            o.log("%d tokens in %.2f s: %.1f tokens/s (prompt prefill and the JIT's warm-up included)", tokens, seconds, tokens / seconds);
            o.log("per 1,000 tokens: %.3f J and %.4f g CO2e for the whole run (load included; %s), %.3f J for generation alone",
                    1000 * joules / tokens, 1000 * grams / tokens, r.energy().method(), 1000 * genJoules / tokens);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("command", "generate");
            result.put("model_file", model.toAbsolutePath().toString());
            result.put("prompt", prompt);
            result.put("text", text);
            result.put("tokens", tokens);
            result.put("seconds", seconds);
            result.put("tokens_per_second", tokens / seconds);
            result.put("sampling", Map.of("temperature", temperature, "top_k", topK, "top_p", topP, "seed", seed));
            result.put("joules_per_1000_tokens", 1000 * joules / tokens);
            result.put("grams_co2e_per_1000_tokens", 1000 * grams / tokens);
            result.put("generation_joules_per_1000_tokens", 1000 * genJoules / tokens);
            result.put("energy_method", r.energy().method());
            result.put("footprint", Metering.asJson(r));
            o.result(result);
            return 0;
        }
    }

    private Tokenizer loadTokenizer() throws java.io.IOException {
        if (tokenizer != null) return Tokenizers.read(tokenizer);
        String embedded = SafeTensors.read(model).metadata().get(Tokenizers.METADATA_KEY);
        if (embedded != null) return Tokenizers.fromJson(embedded, model.getFileName() + " (metadata " + Tokenizers.METADATA_KEY + ")");
        Path beside = GptTraining.tokenizerPathBeside(model);
        if (Files.isRegularFile(beside)) return Tokenizers.read(beside);
        throw new ModelFileException(model.getFileName() + ": no tokenizer embedded and no " + beside.getFileName()
                + " beside it; pass --tokenizer FILE.json");
    }

    /**
     * Prints tokens as they come. A byte-level token may end inside a UTF-8 character, so bytes
     * are decoded as a stream: an incomplete sequence waits for the next token. Control characters
     * are shown escaped ({@link Output#printable}); the text of --json is exact.
     */
    static final class Utf8Stream {
        private final java.io.PrintWriter out;
        private final java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
        private java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(64);
        private String held = "";

        Utf8Stream(java.io.PrintWriter out) {
            this.out = out;
        }

        void write(byte[] bytes) {
            if (pending.remaining() < bytes.length) {
                java.nio.ByteBuffer bigger = java.nio.ByteBuffer.allocate(pending.capacity() + bytes.length * 2);
                pending.flip();
                bigger.put(pending);
                pending = bigger;
            }
            pending.put(bytes);
            pending.flip();
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(pending.remaining() + 1);
            decoder.decode(pending, chars, false);
            pending.compact();
            chars.flip();
            String text = held + chars;
            // a \r at the end may be the first half of a \r\n split between tokens: wait for the next
            boolean hold = text.endsWith("\r");
            held = hold ? "\r" : "";
            out.append(Output.printable(hold ? text.substring(0, text.length() - 1) : text));
            out.flush();
        }

        /** The end of the text: a \r still held was not part of a line end. */
        void finish() {
            out.append(Output.printable(held));
            held = "";
            out.flush();
        }
    }
}
