package dev.greenml.footprint.meter;

/** Cumulative CPU seconds of whatever a CPU model meters: this JVM, or an external process tree. */
public interface CpuTime {

    /** CPU seconds (user + system, all threads) since some fixed origin; never decreases. */
    double seconds();

    /** What is being timed, for reports. */
    String describe();

    /**
     * This JVM. On the real /proc (or where there is no procfs) {@link ProcessCpuClock}: the same
     * user + system time as /proc/self/stat, in nanoseconds through clock_gettime where it can (the
     * JDK's own counter, and /proc/self/stat, move in 10 ms clock ticks, so a short epoch or phase
     * would read as zero). A procfs-shaped test directory is read as files.
     */
    static CpuTime self(ProcFs proc) {
        boolean realProc = proc.dir().toAbsolutePath().normalize().equals(java.nio.file.Path.of("/proc"));
        ProcessCpuClock clock = ProcessCpuClock.best();
        if ((realProc || proc.times("self") == null) && clock.works()) {
            return new CpuTime() {
                public double seconds() { return clock.nanos() / 1e9; }
                public String describe() { return "this process (" + clock.describe() + ")"; }
            };
        }
        if (proc.times("self") != null) {
            return new CpuTime() {
                public double seconds() {
                    ProcFs.Times t = proc.times("self");
                    return t == null ? 0 : t.own();
                }
                public String describe() { return "this process (" + proc.dir().resolve("self/stat") + ", 10 ms clock ticks)"; }
            };
        }
        throw new IllegalStateException("no way to read this process's CPU time");
    }

    /**
     * A process and its descendants. While they run: the sum over the live tree of each process's
     * own time plus the time of the children it has reaped. When {@code ourChild} is true and this
     * JVM reaps the root, the kernel adds the whole tree's time to this JVM's cutime/cstime, which
     * catches the short-lived processes that a periodic scan misses. The figure is kept monotonic.
     * Not counted: descendants that were re-parented away (daemonized) before exiting.
     */
    static CpuTime tree(ProcFs proc, long pid, boolean ourChild) {
        return tree(proc, () -> pid, ourChild);
    }

    /**
     * As {@link #tree(ProcFs, long, boolean)} for a process not started yet: {@code pid} is negative
     * until it is, and the tree's time is 0 until then, so a meter created before the start takes
     * its baseline before the process has run.
     */
    static CpuTime tree(ProcFs proc, java.util.function.LongSupplier pid, boolean ourChild) {
        ProcFs.Times self0 = proc.times("self");
        double reapedBaseline = self0 == null ? 0 : self0.children();
        return new CpuTime() {
            private double best;

            public synchronized double seconds() {
                double live = 0;
                long root = pid.getAsLong();
                if (root >= 0) for (ProcFs.Times t : proc.tree(root)) live += t.own() + t.children();
                double reaped = 0;
                if (ourChild) {
                    ProcFs.Times self = proc.times("self");
                    if (self != null) reaped = self.children() - reapedBaseline;
                }
                best = Math.max(best, Math.max(live, reaped));
                return best;
            }

            public String describe() { return "process tree of pid " + pid.getAsLong() + " (/proc/PID/stat, 10 ms clock ticks)"; }
        };
    }
}
