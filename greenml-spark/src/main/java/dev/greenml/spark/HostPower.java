package dev.greenml.spark;

import dev.greenml.footprint.meter.CpuInfo;
import dev.greenml.footprint.meter.TdpTable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * The modelled power of one busy core on the machine this JVM runs on (driver or executor), from
 * the footprint module's TDP tables, and the CPU time of the calling thread. Each executor looks
 * up its own CPU, so a cluster of mixed machines is charged per machine.
 */
final class HostPower {

    private static volatile TdpTable.Match match;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HostPower() {}

    /** Watts per core at TDP for this machine's CPU (the tables' default when the model is unknown). */
    static TdpTable.Match lookup() {
        TdpTable.Match m = match;
        if (m == null) {
            m = TdpTable.shipped().lookup(CpuInfo.read(Path.of("/")));
            match = m;
        }
        return m;
    }

    /** A one-line source for reports: "12 W/core (Green Algorithms …)". */
    static String describe(TdpTable.Match m) {
        String w = String.valueOf(Math.round(m.wattsPerCore() * 100) / 100.0);
        return w + " W/core (" + m.source() + ")" + (m.isDefault() ? "; " + m.note() : "");
    }

    /** CPU time of this whole JVM (all threads) in nanoseconds, or -1 when the JVM cannot say. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** CPU time of the calling thread in nanoseconds (user + system). */
    static long threadCpuNanos() {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time (ThreadMXBean), which the "
                    + "Spark footprint needs; run on a HotSpot JVM such as Temurin");
        }
        return THREADS.getCurrentThreadCpuTime();
    }
}
