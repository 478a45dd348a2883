package dev.greenml.footprint.meter;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * CPU time of this whole process (user + system, every thread, exited ones included), from the
 * finest source there is. The JDK's {@code getProcessCpuTime()} reports nanoseconds but on Linux
 * moves in 10 ms clock ticks (it reads times(2)): a phase shorter than that reads 0 and every figure
 * is a multiple of 10 ms. {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} reads the kernel's
 * per-thread runtime sums in nanoseconds for about 1 µs a call, so it is used on Linux when native
 * access is allowed (the greenml launcher allows it); otherwise the JDK counter, with its real
 * resolution stated.
 */
public final class ProcessCpuClock {

    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;   // Linux <time.h>
    private static final ProcessCpuClock BEST = detect();

    private final MethodHandle clockGettime;   // null: the JDK counter
    private final com.sun.management.OperatingSystemMXBean os;

    private ProcessCpuClock(MethodHandle clockGettime, com.sun.management.OperatingSystemMXBean os) {
        this.clockGettime = clockGettime;
        this.os = os;
    }

    /** The finest process CPU clock this JVM can read. */
    public static ProcessCpuClock best() { return BEST; }

    /** CPU nanoseconds of this process since it started; never decreases. */
    public long nanos() {
        if (clockGettime != null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ts = arena.allocate(16, 8);   // struct timespec { long tv_sec; long tv_nsec; }
                if ((int) clockGettime.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts) == 0) {
                    return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
                }
            } catch (Throwable t) {
                // fall through to the JDK counter
            }
        }
        return os == null ? -1 : Math.max(0, os.getProcessCpuTime());
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

    private static ProcessCpuClock detect() {
        var bean = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                MethodHandle h = linker.downcallHandle(linker.defaultLookup().find("clock_gettime").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                ProcessCpuClock c = new ProcessCpuClock(h, bean);
                try (Arena arena = Arena.ofConfined()) {
                    if ((int) h.invokeExact(CLOCK_PROCESS_CPUTIME_ID, arena.allocate(16, 8)) == 0) return c;
                }
            } catch (Throwable t) {
                // no native access or no such symbol: the JDK counter
            }
        }
        return new ProcessCpuClock(null, bean);
    }
}
