package dev.greenml.bench;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.data.SplitMixBenchData;
import dev.greenml.kernels.Backends;
import dev.greenml.nn.Activation;
import dev.greenml.nn.Mlp;
import dev.greenml.optim.Adam;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where one training step of the seed model spends its time: forward (with the loss), backward,
 * Adam and zero_grad, per batch size. A development tool, not a protocol measurement: it reports
 * the calling thread's CPU time per phase (medians over steps) beside wall time, because CPU time
 * is far less disturbed by other processes on a shared machine. With more than one kernel thread
 * the CPU time of the helper threads is not counted, so compare wall times there.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp 'greenml-cli/target/lib/*' dev.greenml.bench.StepProfile [backend] [threads] [batches] [steps]
 * </pre>
 */
public final class StepProfile {

    private StepProfile() {}

    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "blas";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String batches = args.length > 2 ? args[2] : "1,32,256,1024";
        int stepsArg = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Backends.setCurrent(Backends.select(backend, threads).backend());
        // Random inputs are enough for timing; the protocol data lives in SeedMlpBench.
        var rng = new Rng(1);
        Tensor all = Tensor.zeros(1024, 1000);
        rng.fillUniform(all, -1, 1);
        Tensor target = Tensor.zeros(1024, 1);
        rng.fillUniform(target, -1, 1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String bs : batches.split(",")) {
            int b = Integer.parseInt(bs.trim());
            int steps = stepsArg > 0 ? stepsArg : Math.max(20, 4000 / b);
            Mlp model = new Mlp(new Mlp.Config(new int[] {1000, 200, 100, 1}, Activation.Kind.RELU), new Rng(SplitMixBenchData.SEED));
            Adam adam = new Adam(model.parameters(), 1e-3f);
            Tensor x = Tensor.view(all.data(), 0, b, 1000), y = Tensor.view(target.data(), 0, b, 1);
            long[][] cpu = new long[5][steps], wall = new long[5][steps];
            for (int pass = 0; pass < 2; pass++) {   // pass 0 warms up the JIT
                for (int s = 0; s < steps; s++) {
                    long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                    Tensor loss = Losses.mse(model.forward(x), y);
                    long c1 = mx.getCurrentThreadCpuTime(), w1 = System.nanoTime();
                    loss.backward();
                    long c2 = mx.getCurrentThreadCpuTime(), w2 = System.nanoTime();
                    adam.step();
                    long c3 = mx.getCurrentThreadCpuTime(), w3 = System.nanoTime();
                    adam.zeroGrad();
                    long c4 = mx.getCurrentThreadCpuTime(), w4 = System.nanoTime();
                    cpu[0][s] = c1 - c0; cpu[1][s] = c2 - c1; cpu[2][s] = c3 - c2; cpu[3][s] = c4 - c3; cpu[4][s] = c4 - c0;
                    wall[0][s] = w1 - w0; wall[1][s] = w2 - w1; wall[2][s] = w3 - w2; wall[3][s] = w4 - w3; wall[4][s] = w4 - w0;
                }
            }
            long[] inferCpu = new long[steps];
            Tensor x1 = Tensor.view(all.data(), 0, 1, 1000);
            for (int pass = 0; pass < 2; pass++) {
                for (int s = 0; s < steps; s++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int r = 0; r < 10; r++) {
                        try (var scope = Autograd.noGrad()) {
                            model.forward(x1);
                        }
                    }
                    inferCpu[s] = (mx.getCurrentThreadCpuTime() - c0) / 10;
                }
            }
            String[] names = {"forward", "backward", "adam", "zero", "step"};
            var sb = new StringBuilder(String.format(Locale.ROOT, "%s T=%d b=%-5d", backend, threads, b));
            for (int p = 0; p < 5; p++) {
                sb.append(String.format(Locale.ROOT, " %s %.1f/%.1f", names[p], median(cpu[p]) / 1e3, median(wall[p]) / 1e3));
            }
            sb.append(String.format(Locale.ROOT, " us (cpu/wall)  => %.0f samples/s cpu, %.0f wall; infer b=1 %.1f us cpu",
                    b / (median(cpu[4]) / 1e9), b / (median(wall[4]) / 1e9), median(inferCpu) / 1e3));
            System.out.println(sb);
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
