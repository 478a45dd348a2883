package dev.greenml.bench;

import dev.greenml.nn.gpt.Generator;
import dev.greenml.nn.gpt.Gpt;
import dev.greenml.nn.gpt.GptTrainer;
import dev.greenml.nn.gpt.Sampler;
import dev.greenml.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * greenml's side of tools/compare/gpt_torch.py: the same GPT config measured the same way —
 * training tokens/s (AdamW steps on random tokens: forward, backward, clip, step) and batch-1
 * greedy generation tokens/s with the KV cache — one JSON object per line.
 */
public final class GptBench {

    public record Config(int layers, int heads, int width, int context, int vocab, int batch, int threads,
                         int steps, int tokens, int repeats) {}

    private final Config c;
    private final Consumer<Map<String, Object>> emit;

    public GptBench(Config c, Consumer<Map<String, Object>> emit) {
        this.c = c;
        this.emit = emit;
    }

    public void run() {
        Gpt model = new Gpt(new Gpt.Config(c.vocab(), c.context(), c.layers(), c.heads(), c.width(), "gelu_tanh"), new Rng(0));
        int[] data = new int[200_000];
        Rng rng = new Rng(1);
        for (int i = 0; i < data.length; i++) data[i] = rng.nextInt(c.vocab());
        GptTrainer trainer = new GptTrainer(model, data, new int[] {1, 2, 3},
                new GptTrainer.Options(c.batch(), 1e-3f, 1_000_000, 0, 0.1f, 1f, 1));
        for (int s = 0; s < 5; s++) trainer.step();   // warm-up (the JIT compiles the hot loops), as many as the PyTorch peer
        for (int r = 0; r < c.repeats(); r++) {
            long t0 = System.nanoTime(), cpu0 = processCpuNanos();
            for (int s = 0; s < c.steps(); s++) trainer.step();
            double sec = (System.nanoTime() - t0) / 1e9, cpu = (processCpuNanos() - cpu0) / 1e9;
            double tokens = (double) c.steps() * c.batch() * c.context();
            Map<String, Object> m = line("train", r, tokens / sec, sec, model, tokens / cpu);
            m.put("parallelism", trainer.parallelism());
            emit.accept(m);
        }
        trainer.close();
        Generator gen = new Generator(model);
        Sampler greedy = new Sampler(0f, 0, 1f, 0);
        gen.generate(new int[] {1}, 5, greedy, null);
        for (int r = 0; r < c.repeats(); r++) {
            long t0 = System.nanoTime(), cpu0 = processCpuNanos();
            gen.generate(new int[] {1}, c.tokens(), greedy, null);
            double sec = (System.nanoTime() - t0) / 1e9, cpu = (processCpuNanos() - cpu0) / 1e9;
            emit.accept(line("gen-kv", r, c.tokens() / sec, sec, model, c.tokens() / cpu));
        }
    }

    /**
     * CPU time of the whole process (GC and JIT threads included), the same quantity as Python's
     * time.process_time(): on a shared machine tokens per CPU-second is steadier than per wall second.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private Map<String, Object> line(String measure, int repeat, double tps, double sec, Gpt model, double perCpuSecond) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("impl", "greenml " + dev.greenml.Version.STRING + " (" + dev.greenml.kernels.Backends.current().name() + ")");
        m.put("measure", measure);
        m.put("repeat", repeat);
        m.put("tokens_per_second", tps);
        m.put("seconds", sec);
        // null when the CPU clock did not advance (its ticks are coarse): no figure rather than infinity
        m.put("tokens_per_cpu_second", Double.isFinite(perCpuSecond) ? perCpuSecond : null);
        m.put("layers", c.layers());
        m.put("heads", c.heads());
        m.put("width", c.width());
        m.put("context", c.context());
        m.put("vocab", c.vocab());
        m.put("batch", c.batch());
        m.put("threads", c.threads());
        m.put("parameters", model.parameterCount());
        return m;
    }

    /** java … dev.greenml.bench.GptBench layers heads width context vocab batch threads steps tokens repeats [java|blas] */
    public static void main(String[] args) {
        int[] v = new int[10];
        for (int i = 0; i < 10; i++) v[i] = Integer.parseInt(args[i]);
        String backend = args.length > 10 ? args[10] : "blas";
        dev.greenml.kernels.Backends.setCurrent(dev.greenml.kernels.Backends.select(backend, v[6]).backend());
        new GptBench(new Config(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]),
                m -> System.out.println(toJson(m))).run();
    }

    private static String toJson(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        for (var e : m.entrySet()) {
            if (sb.length() > 1) sb.append(", ");
            sb.append('"').append(e.getKey()).append("\": ");
            sb.append(e.getValue() instanceof String s ? "\"" + s + "\"" : String.valueOf(e.getValue()));
        }
        return sb.append('}').toString();
    }
}
