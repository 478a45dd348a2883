package dev.greenml.cli;

import dev.greenml.bench.SeedMlpBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** greenml bench: measured performance, as JSON lines that merge with PyTorch's (bench/README.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks that print one JSON object per line (see bench/README.md).",
                "The JSON lines are their result, on stdout, so bench takes no --json; the backend line goes to stderr."},
        subcommands = {BenchCommand.SeedMlp.class, BenchCommand.Gpt.class})
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "seed-mlp", mixinStandardHelpOptions = true,
            description = {"The seed model (1000→200→100→1) under the peer-baseline protocol, one JSON line per measurement.",
                    "Measures training throughput at batch 1/32/256/1024, batch-1 inference latency, batch-1024 inference"
                            + " throughput, 5-epoch quality, file size and save/load (bench/README.md).",
                    "Run each thread count in its own process: greenml bench seed-mlp --threads 1; ... --threads 2."})
    static final class SeedMlp implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Mixin BackendOptions backendOptions;

        @Option(names = "--quick", description = "A few steps of each measurement (smoke test; figures are meaningless).")
        boolean quick;

        @Override public Integer call() throws Exception {
            if (backendOptions.threads == 0) backendOptions.threads = Runtime.getRuntime().availableProcessors();
            spec.commandLine().getErr().println(backendOptions.apply());
            java.io.PrintWriter out = spec.commandLine().getOut();
            new SeedMlpBench(backendOptions.threads, quick, m -> {
                out.println(Output.toJson(m));
                out.flush();
            }).run();
            return 0;
        }
    }

    @Command(name = "gpt", mixinStandardHelpOptions = true,
            description = {"A GPT's training tokens/s and batch-1 generation tokens/s (KV cache), one JSON line per repeat.",
                    "Trains on random tokens (AdamW) after 5 warm-up steps, then generates greedily from one token.",
                    "The PyTorch peer is tools/compare/gpt_torch.py with the same options (docs/gpt.md)."})
    static final class Gpt implements Callable<Integer> {
        @Mixin BackendOptions backendOptions;
        @Option(names = "--layers", defaultValue = "4", paramLabel = "N", description = "Transformer blocks (default ${DEFAULT-VALUE}).") int layers;
        @Option(names = "--heads", defaultValue = "4", paramLabel = "N", description = "Attention heads per block (default ${DEFAULT-VALUE}).") int heads;
        @Option(names = "--width", defaultValue = "160", paramLabel = "N", description = "Embedding width, a multiple of --heads (default ${DEFAULT-VALUE}).") int width;
        @Option(names = "--context", defaultValue = "128", paramLabel = "TOKENS", description = "Context length: tokens per training sequence (default ${DEFAULT-VALUE}).") int context;
        @Option(names = "--vocab", defaultValue = "512", paramLabel = "N", description = "Vocabulary size (default ${DEFAULT-VALUE}).") int vocab;
        @Option(names = "--batch", defaultValue = "16", paramLabel = "N", description = "Sequences per training step (default ${DEFAULT-VALUE}).") int batch;
        @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Training steps per repeat (default ${DEFAULT-VALUE}).") int steps;
        @Option(names = "--tokens", defaultValue = "200", paramLabel = "N", description = "Generated tokens per repeat (default ${DEFAULT-VALUE}).") int tokens;
        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "Measured repeats of training and of generation, one JSON line each (default ${DEFAULT-VALUE}).") int repeats;

        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override public Integer call() {
            if (backendOptions.threads == 0) backendOptions.threads = Runtime.getRuntime().availableProcessors();
            spec.commandLine().getErr().println(backendOptions.apply());
            new dev.greenml.bench.GptBench(new dev.greenml.bench.GptBench.Config(layers, heads, width, context, vocab, batch,
                    backendOptions.threads, steps, tokens, repeats), m -> {
                spec.commandLine().getOut().println(Output.toJson(m));
                spec.commandLine().getOut().flush();
            }).run();
            return 0;
        }
    }
}
