package dev.greenml.spark;

import dev.greenml.footprint.meter.CpuInfo;
import dev.greenml.kernels.Backend;
import dev.greenml.kernels.BlasBackend;
import dev.greenml.kernels.BlasUnavailableException;
import dev.greenml.kernels.JavaBackend;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;

/**
 * The kernels a training task computes with, chosen by name and never by what happens to load:
 * with greenml's "auto", each executor would pick OpenBLAS where it loads and the Java kernels
 * elsewhere, and the partitions of one run would compute with different arithmetic. One thread
 * per task: Spark already runs one task per core.
 *
 * <p>Even a fixed choice gives the same bits only on identical executors: OpenBLAS picks its
 * kernel by CPU (DYNAMIC_ARCH), and the Vector API's width depends on the CPU. So every task
 * reports {@link #describe} and the run records what its tasks used.
 */
final class TaskBackend {

    /** The choices; blas is the default. */
    static final String CHOICES = "java, blas";

    private static final ConcurrentHashMap<String, Backend> BY_NAME = new ConcurrentHashMap<>();

    private TaskBackend() {}

    /** Checks a choice on the driver, before any job. */
    static String check(String choice) {
        String c = choice == null ? "" : choice.trim().toLowerCase(Locale.ROOT);
        if (!c.equals("java") && !c.equals("blas")) {
            throw new IllegalArgumentException("unknown backend '" + choice + "' for Spark tasks; choose " + CHOICES
                    + " (there is no auto: every executor must compute with the same kernels)");
        }
        return c;
    }

    /**
     * The one-thread backend {@code choice} on this executor.
     *
     * @throws IllegalArgumentException when OpenBLAS does not load here, naming the host and the fix
     */
    static Backend get(String choice) {
        return BY_NAME.computeIfAbsent(check(choice), c -> {
            if (c.equals("java")) return new JavaBackend(1);
            try {
                return new BlasBackend(1);
            } catch (BlasUnavailableException | LinkageError e) {
                throw new IllegalArgumentException("OpenBLAS does not load on executor " + host() + " ("
                        + (e instanceof BlasUnavailableException u ? u.file() + ": " + u.reason() : e.toString())
                        + "); give every executor OpenBLAS (the bytedeco jar in --jars, --enable-native-access=ALL-UNNAMED)"
                        + " or train with --backend java");
            }
        });
    }

    /** "blas: OpenBLAS 0.3.31 DYNAMIC_ARCH … Zen … on AMD EPYC …" or "java: Vector API 256-bit on …". */
    static String describe(Backend b) {
        String kernels = b instanceof BlasBackend blas ? "blas: " + blas.config()
                : "java: Vector API " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit";
        return kernels + " on " + cpu();
    }

    private static volatile String cpu;

    private static String cpu() {
        String c = cpu;
        if (c == null) {
            CpuInfo info = CpuInfo.read(Path.of("/"));
            c = (info.model() == null || info.model().isBlank() ? "an unknown CPU" : info.model().strip())
                    + ", " + System.getProperty("os.arch");
            cpu = c;
        }
        return c;
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "(host name unknown)";
        }
    }
}
