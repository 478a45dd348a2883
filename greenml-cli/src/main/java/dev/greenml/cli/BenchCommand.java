package dev.greenml.cli;

import dev.greenml.bench.SeedMlpBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** greenml bench: measured performance, as JSON lines that merge with PyTorch's (bench/README.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print one JSON object per line (see bench/README.md).",
        subcommands = {BenchCommand.SeedMlp.class})
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
}
