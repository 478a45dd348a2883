package dev.greenml.footprint.run;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures what metering costs: a fixed CPU-bound workload timed bare and inside a footprint
 * run sampling every second, alternating, several repeats, medians compared. Run with
 * {@code java -cp … dev.greenml.footprint.run.OverheadBenchmark [repeats] [iterations]}.
 * Prints the overhead in percent of the bare median.
 */
public final class OverheadBenchmark {

    private OverheadBenchmark() {}

    /** A CPU-bound loop (xorshift) whose result is returned so the JIT cannot drop it. */
    public static long work(long iterations) {
        long x = 88172645463325252L;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long iterations = args.length > 1 ? Long.parseLong(args[1]) : 1_500_000_000L;
        long sink = work(iterations / 4); // warm-up: JIT the loop before timing
        double[] bare = new double[repeats];
        double[] metered = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            sink += work(iterations);
            bare[r] = (System.nanoTime() - t0) / 1e9;
            try (FootprintRun run = Footprint.start(FootprintConfig.defaults().withInterval(Duration.ofSeconds(1)))) {
                long t1 = System.nanoTime();
                sink += run.phase("work", () -> work(iterations));
                metered[r] = (System.nanoTime() - t1) / 1e9;
            }
        }
        Arrays.sort(bare);
        Arrays.sort(metered);
        double b = bare[repeats / 2], m = metered[repeats / 2];
        System.out.printf(Locale.ROOT, "bare median %.3f s, metered (1 s sampling) median %.3f s, overhead %+.2f%% (%d repeats; sink %d)%n",
                b, m, (m - b) / b * 100, repeats, sink & 1);
        System.out.printf(Locale.ROOT, "bare %s%nmetered %s%n", Arrays.toString(bare), Arrays.toString(metered));
    }
}
