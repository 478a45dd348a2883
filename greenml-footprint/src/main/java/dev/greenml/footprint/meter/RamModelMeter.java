package dev.greenml.footprint.meter;

import java.util.function.LongSupplier;

/**
 * Modelled memory energy: resident memory × 0.3725 W/GB (Green Algorithms referenceValues.csv
 * "memoryPower", citing doi 10.1145/3076113.3076117), integrated over time with the trapezoid
 * rule between reads (a process tree that has exited: its last reading, held to the exit's read). RSS is what the process holds, not what the machine has installed, so the
 * figure is attributional. ±50%: the factor comes from DDR3/DDR4-era measurements and DRAM power
 * depends on traffic more than on size.
 */
public final class RamModelMeter implements Meter {

    /** W per GB of resident memory (Green Algorithms, referenceValues.csv; GB read as GiB). */
    public static final double WATTS_PER_GB = 0.3725;
    public static final double UNCERTAINTY = 0.5;

    /**
     * A metered command's memory is read this long after it starts, then at doubling delays up to
     * the sampling interval (FootprintRun): at its start it is only just spawned and holds almost
     * nothing, and a short command may exit before the first interval's read.
     */
    public static final int FIRST_READ_MS = 50;

    private final LongSupplier rssBytes;
    private final java.util.function.Supplier<String> what;
    private long lastNanos;
    private double lastWatts;
    private double joules;

    public RamModelMeter(LongSupplier rssBytes, String what) {
        this(rssBytes, () -> what);
    }

    private RamModelMeter(LongSupplier rssBytes, java.util.function.Supplier<String> what) {
        this.rssBytes = rssBytes;
        this.what = what;
        this.lastNanos = System.nanoTime();
        this.lastWatts = watts(rssBytes.getAsLong());
    }

    /** RAM model for this JVM (VmRSS of root/proc/self/status). */
    public static RamModelMeter forSelf(java.nio.file.Path root) {
        ProcFs proc = new ProcFs(root);
        return new RamModelMeter(() -> proc.rssBytes("self"), "this process (VmRSS of /proc/self/status, read at every sample)");
    }

    /**
     * RAM model for a process tree (sum of VmRSS of the live tree) about to be started: {@code pid}
     * negative (no memory) until then. {@code interval}: the run's sampling interval; the early reads
     * after the start (FootprintRun) come only before the first sample, which the source text says.
     */
    public static RamModelMeter forTree(java.nio.file.Path root, LongSupplier pid, java.time.Duration interval) {
        ProcFs proc = new ProcFs(root);
        long ms = interval.toMillis();
        String reads = interval.toNanos() > FIRST_READ_MS * 1_000_000L
                ? "read when the command starts, " + FIRST_READ_MS + ", " + 2 * FIRST_READ_MS + ", " + 4 * FIRST_READ_MS
                        + " … ms after the command starts (up to one sampling interval), then at every sample"
                : "read when the command starts, then at every sample (every " + ms + " ms)";
        return new RamModelMeter(() -> {
            long p = pid.getAsLong();
            return p < 0 ? 0 : proc.tree(p).stream().mapToLong(t -> proc.rssBytes(Long.toString(t.pid()))).sum();
        }, () -> "the process tree of pid " + pid.getAsLong() + " (VmRSS of /proc/PID/status summed over the live tree, " + reads
                + "; after the tree exits its last reading stands until the exit is seen)");
    }

    private static double watts(long bytes) { return bytes / (double) (1L << 30) * WATTS_PER_GB; }

    @Override public String id() { return "model:ram"; }
    @Override public String component() { return "ram"; }
    @Override public Availability availability() { return Availability.ok(); }
    @Override public Method method() { return Method.MODELLED; }
    @Override public double uncertainty() { return UNCERTAINTY; }

    @Override public String source() {
        return "resident memory of " + what.get() + " × 0.3725 W/GB (Green Algorithms referenceValues.csv, memoryPower)";
    }

    @Override public synchronized double joules() {
        long now = System.nanoTime();
        double w = watts(rssBytes.getAsLong());
        // a process tree that has exited reads 0, yet held its memory until the exit, somewhere in
        // this interval: the last reading stands for the interval, not a ramp down to 0 (which
        // would halve it, and for a command shorter than one interval leave almost nothing)
        double mean = w == 0 && lastWatts > 0 ? lastWatts : (w + lastWatts) / 2;
        joules += mean * (now - lastNanos) / 1e9;
        lastNanos = now;
        lastWatts = w;
        return joules;
    }
}
