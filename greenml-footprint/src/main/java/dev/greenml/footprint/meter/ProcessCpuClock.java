package dev.greenml.footprint.meter;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * CPU time of this whole process (user + system, every thread, exited ones included), from the
 * finest source there is. The JDK's {@code getProcessCpuTime()} reports nanoseconds but on Linux
 * moves in 10 ms clock ticks (it reads times(2)): a phase shorter than that reads 0 and every figure
 * is a multiple of 10 ms. {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} reads the kernel's
 * per-thread runtime sums in nanoseconds for about 1 µs a call, so it is used on Linux whenever
 * the JVM lets code call native functions: always with --enable-native-access (the greenml launcher
 * gives it), and under JDK 25's default (--illegal-native-access=warn) too, the JVM then printing
 * its one "restricted method" WARNING. Only with --illegal-native-access=deny is it the JDK
 * counter, with its real resolution stated.
 */
public final class ProcessCpuClock {

    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;   // Linux <time.h>
    /** struct timespec { time_t tv_sec; long tv_nsec; }: both C longs on 64-bit Linux, from the linker, not assumed. */
    private static final MemoryLayout TIMESPEC = timespec();
    private static final ProcessCpuClock BEST = detect();

    private final MethodHandle clockGettime;   // null: the JDK counter
    private final com.sun.management.OperatingSystemMXBean os;
    // one timespec per reading thread, allocated once: an arena per read cost a few µs and garbage
    private final ThreadLocal<MemorySegment> timespecs = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(TIMESPEC));
    private final java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();

    private ProcessCpuClock(MethodHandle clockGettime, com.sun.management.OperatingSystemMXBean os) {
        this.clockGettime = clockGettime;
        this.os = os;
    }

    /** The finest process CPU clock this JVM can read. */
    public static ProcessCpuClock best() { return BEST; }

    /**
     * CPU nanoseconds of this process since it started; never decreases. A clock_gettime that
     * fails after working (it should not) returns the last reading rather than switch to the JDK
     * counter, whose 10 ms ticks lag behind: mixing the two could go backwards.
     */
    public long nanos() {
        if (clockGettime == null) return os == null ? -1 : Math.max(0, os.getProcessCpuTime());
        MemorySegment ts = timespecs.get();
        try {
            if ((int) clockGettime.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts) == 0) {
                long now = ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
                return last.accumulateAndGet(now, Math::max);
            }
        } catch (Throwable t) {
            // the last reading below
        }
        return last.get();
    }

    /** The step in which {@link #nanos()} moves: 1 ns, or 10 ms for the JDK counter on Linux. */
    public long resolutionNanos() {
        return clockGettime != null ? 1 : 10_000_000L;
    }

    /** Which source, and its resolution, for reports. */
    public String describe() {
        return clockGettime != null ? "clock_gettime(CLOCK_PROCESS_CPUTIME_ID), user + system of all threads, ns resolution"
                : "JVM process CPU time, user + system, 10 ms clock-tick resolution";
    }

    /** False when neither source works (no procfs-less fallback left). */
    public boolean works() { return clockGettime != null || (os != null && os.getProcessCpuTime() >= 0); }

    private static MemoryLayout timespec() {
        MemoryLayout cLong = Linker.nativeLinker().canonicalLayouts().get("long");
        // the reads above take two 8-byte fields; a platform whose C long differs uses the JDK counter
        return cLong != null && cLong.byteSize() == 8
                ? MemoryLayout.structLayout(cLong.withName("tv_sec"), cLong.withName("tv_nsec")) : null;
    }

    private static ProcessCpuClock detect() {
        var bean = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux") && TIMESPEC != null) {
            try {
                Linker linker = Linker.nativeLinker();
                MethodHandle h = linker.downcallHandle(linker.defaultLookup().find("clock_gettime").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                try (Arena arena = Arena.ofConfined()) {
                    if ((int) h.invokeExact(CLOCK_PROCESS_CPUTIME_ID, arena.allocate(TIMESPEC)) == 0) return new ProcessCpuClock(h, bean);
                }
            } catch (Throwable t) {
                // native access denied (--illegal-native-access=deny) or no such symbol: the JDK counter
            }
        }
        return new ProcessCpuClock(null, bean);
    }
}
