package dev.greenml.cli;

import dev.greenml.bench.SeedMlpBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** greenml bench: measured performance, as JSON lines that merge with PyTorch's (bench/README.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print one JSON object per line (see bench/README.md).",
        subcommands = {BenchCommand.SeedMlp.class, BenchCommand.Gpt.class})
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "seed-mlp", mixinStandardHelpOptions = true,
            description = {"The seed model under the peer-baseline protocol: training throughput at batch 1/32/256/1024,",
                    "batch-1 inference latency, batch-1024 inference throughput, 5-epoch quality, file size, save/load.",
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
            description = {"A GPT's training tokens/s and batch-1 generation tokens/s (KV cache), one JSON line per repeat;",
                    "the PyTorch peer is tools/compare/gpt_torch.py with the same options (docs/gpt.md)."})
    static final class Gpt implements Callable<Integer> {
        @Mixin BackendOptions backendOptions;
        @Option(names = "--layers", defaultValue = "4") int layers;
        @Option(names = "--heads", defaultValue = "4") int heads;
        @Option(names = "--width", defaultValue = "160") int width;
        @Option(names = "--context", defaultValue = "128") int context;
        @Option(names = "--vocab", defaultValue = "512") int vocab;
        @Option(names = "--batch", defaultValue = "16") int batch;
        @Option(names = "--steps", defaultValue = "10", description = "Training steps per repeat.") int steps;
        @Option(names = "--tokens", defaultValue = "200", description = "Generated tokens per repeat.") int tokens;
        @Option(names = "--repeats", defaultValue = "3") int repeats;

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
