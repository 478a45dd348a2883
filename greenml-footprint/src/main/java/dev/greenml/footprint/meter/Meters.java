package dev.greenml.footprint.meter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds which meters work on this machine and picks the ones a run uses. */
public final class Meters {

    private Meters() {}

    /** Every meter greenml knows, readable or not, for this JVM. {@code root} is "/" outside tests. */
    public static List<Meter> detect(Path root) {
        return detect(root, NvmlMeter.LIBRARY, (Long) null, false, java.time.Duration.ofSeconds(1));
    }

    /**
     * Every meter, available or not. With {@code pid} non-null the models meter that process tree
     * instead of this JVM ({@code ourChild}: this JVM started it and will reap it); {@code interval}
     * is the run's sampling interval, which the RAM model's source text names.
     */
    public static List<Meter> detect(Path root, String nvmlLibrary, Long pid, boolean ourChild, java.time.Duration interval) {
        if (pid != null) return detect(root, nvmlLibrary, () -> pid, ourChild, interval);
        List<Meter> all = new ArrayList<>(RaplMeter.detect(root));
        all.addAll(NvmlMeter.detect(nvmlLibrary));
        all.add(CpuModelMeter.forSelf(root));
        all.add(RamModelMeter.forSelf(root));
        return all;
    }

    /**
     * Every meter, for a process tree whose root is {@code pid}; the models read 0 while it is
     * negative, so the meters can be created (and read their baselines) before the process starts.
     */
    public static List<Meter> detect(Path root, String nvmlLibrary, java.util.function.LongSupplier pid, boolean ourChild,
                                     java.time.Duration interval) {
        List<Meter> all = new ArrayList<>(RaplMeter.detect(root));
        all.addAll(NvmlMeter.detect(nvmlLibrary));
        all.add(CpuModelMeter.forTree(root, pid, ourChild));
        all.add(RamModelMeter.forTree(root, pid, interval));
        return all;
    }

    /**
     * The meters a run reads: measured counters where they work, models for what they do not
     * cover, and never two meters for the same thing (that is how tools double count).
     * CPU: RAPL package if readable, else the CPU model. Memory: RAPL dram if present, else the
     * RAM model. GPUs: NVML.
     */
    public static List<Meter> select(List<Meter> detected) {
        List<Meter> out = new ArrayList<>();
        boolean raplCpu = detected.stream().anyMatch(m -> m.availability().available() && m instanceof RaplMeter && m.component().equals("cpu"));
        boolean raplDram = detected.stream().anyMatch(m -> m.availability().available() && m instanceof RaplMeter && m.component().equals("dram"));
        for (Meter m : detected) {
            if (!m.availability().available()) continue;
            if (m instanceof CpuModelMeter && raplCpu) continue;
            if (m instanceof RamModelMeter && raplDram) continue;
            out.add(m);
        }
        return out;
    }
}
