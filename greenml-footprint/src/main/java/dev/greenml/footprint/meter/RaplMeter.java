package dev.greenml.footprint.meter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Energy from the Linux powercap RAPL interface ({@code /sys/class/powercap/intel-rapl:*}); Intel
 * and AMD (Zen, kernel ≥ 5.8) expose the same tree.
 *
 * <p>Which domains are counted, and why:
 * <ul>
 *   <li>{@code cpu} = the sum of the top-level package domains {@code intel-rapl:N} whose name is
 *       {@code package-N}. Sub-domains {@code intel-rapl:N:M} named core, uncore (and on client
 *       parts dram) are already contained in their package counter, so adding them would count
 *       energy twice.</li>
 *   <li>{@code dram} = domains named {@code dram} (a sub-domain {@code intel-rapl:N:M} or, on some
 *       parts, top-level). On Intel server parts DRAM is <em>not</em> part of the package counter,
 *       so it is reported as its own component and never folded into {@code cpu}.</li>
 *   <li>{@code psys} (whole platform, client parts) is skipped: it contains the packages.</li>
 *   <li>{@code intel-rapl-mmio:*} is skipped: it is a second (MMIO) view of the same package
 *       counter on client parts, so reading both would double the figure.</li>
 * </ul>
 * RAPL counts the whole socket (every process on it), not this process alone; the figure is
 * measured, and its attribution is the machine's.
 *
 * <p>Each counter wraps at {@code max_energy_range_uj} (typically 2^32 µJ ≈ 262 kJ, minutes at
 * full load on big parts); a decrease between two reads is taken as one wrap, so reads must come
 * more often than one wrap period (the run samples every second).
 */
public final class RaplMeter implements Meter {

    /** Our estimate: RAPL package energy tracks external meters within a few percent on recent Intel
     *  parts; AMD's is less validated, and the counter excludes VRM losses. */
    public static final double UNCERTAINTY = 0.10;

    static final String CHMOD_FIX = "sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj "
            + "(or a udev rule: SUBSYSTEM==\"powercap\", ACTION==\"add\", RUN+=\"/bin/chmod o+r /sys%p/energy_uj\")";

    private static final Pattern TOP = Pattern.compile("intel-rapl:\\d+");
    private static final Pattern SUB = Pattern.compile("intel-rapl:\\d+:\\d+");

    private final String id;
    private final String component;
    private final List<Domain> domains;

    private RaplMeter(String id, String component, List<Domain> domains) throws IOException {
        this.id = id;
        this.component = component;
        this.domains = domains;
        for (Domain d : domains) d.start();
    }

    /**
     * Finds the RAPL domains under {@code root/sys/class/powercap}. Returns a {@code cpu} meter (or an
     * unavailable one saying why) and, when the hardware has one, a {@code dram} meter.
     */
    public static List<Meter> detect(Path root) {
        Path powercap = root.resolve("sys/class/powercap");
        if (!Files.isDirectory(powercap)) {
            return List.of(new UnavailableMeter("rapl:package", "cpu", Method.MEASURED, "RAPL (powercap sysfs)",
                    "no RAPL counters (" + powercap + " absent: a VM, not Linux, or the RAPL driver is not loaded)",
                    "on bare-metal Linux: sudo modprobe intel_rapl_common; inside a VM the host must expose RAPL, "
                            + "otherwise greenml uses the CPU model"));
        }
        List<Path> packages = new ArrayList<>();
        List<Path> drams = new ArrayList<>();
        try (Stream<Path> top = Files.list(powercap)) {
            for (Path dir : top.sorted().toList()) {
                String fileName = dir.getFileName().toString();
                if (!TOP.matcher(fileName).matches()) continue; // skips intel-rapl-mmio:* and sub-domain links
                String name = readName(dir);
                if (name.startsWith("package")) packages.add(dir);
                else if (name.equals("dram")) drams.add(dir);
                try (Stream<Path> subs = Files.list(dir)) {
                    for (Path sub : subs.sorted().toList()) {
                        if (SUB.matcher(sub.getFileName().toString()).matches() && readName(sub).equals("dram")) {
                            drams.add(sub);
                        }
                    }
                }
            }
        } catch (IOException e) {
            return List.of(unavailable("rapl:package", "cpu", "cannot list " + powercap + ": " + e.getMessage()));
        }
        if (packages.isEmpty()) {
            return List.of(new UnavailableMeter("rapl:package", "cpu", Method.MEASURED, "RAPL (powercap sysfs)",
                    "no package domain under " + powercap, "load the RAPL driver: sudo modprobe intel_rapl_common"));
        }
        List<Meter> meters = new ArrayList<>();
        meters.add(make("rapl:package", "cpu", packages));
        if (!drams.isEmpty()) meters.add(make("rapl:dram", "dram", drams));
        return meters;
    }

    private static Meter make(String id, String component, List<Path> dirs) {
        List<Domain> domains = new ArrayList<>();
        for (Path dir : dirs) {
            Path energy = dir.resolve("energy_uj");
            try {
                readLong(energy);
                domains.add(new Domain(dir, readLong(dir.resolve("max_energy_range_uj"))));
            } catch (IOException e) {
                return unavailable(id, component, "cannot read " + energy + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); since 2020 kernels make energy_uj readable by root only");
            }
        }
        try {
            return new RaplMeter(id, component, domains);
        } catch (IOException e) {
            return unavailable(id, component, "cannot read RAPL counters: " + e.getMessage());
        }
    }

    private static UnavailableMeter unavailable(String id, String component, String reason) {
        return new UnavailableMeter(id, component, Method.MEASURED, "RAPL (powercap sysfs)", reason, CHMOD_FIX);
    }

    private static String readName(Path dir) {
        try {
            return Files.readString(dir.resolve("name")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    static long readLong(Path file) throws IOException {
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (NumberFormatException e) {
            throw new IOException("not a number in " + file, e);
        }
    }

    /** The domain directories summed by this meter (for reports and tests). */
    public List<Path> domains() { return domains.stream().map(d -> d.dir).toList(); }

    @Override public String id() { return id; }
    @Override public String component() { return component; }
    @Override public Availability availability() { return Availability.ok(); }
    @Override public Method method() { return Method.MEASURED; }
    @Override public double uncertainty() { return UNCERTAINTY; }

    @Override public String source() {
        return "RAPL powercap " + String.join("+", domains.stream().map(d -> d.dir.getFileName().toString()).toList());
    }

    @Override public synchronized double joules() {
        double total = 0;
        for (Domain d : domains) {
            try {
                d.update();
            } catch (IOException e) {
                // keep the last good value: a transient read error must not lose the energy counted so far
            }
            total += d.accumulatedMicroJoules;
        }
        return total / 1e6;
    }

    private static final class Domain {
        final Path dir;
        final long maxRange;
        long last;
        double accumulatedMicroJoules;

        Domain(Path dir, long maxRange) {
            this.dir = dir;
            this.maxRange = maxRange;
        }

        void start() throws IOException { last = readLong(dir.resolve("energy_uj")); }

        void update() throws IOException {
            long now = readLong(dir.resolve("energy_uj"));
            long delta = now - last;
            if (delta < 0) delta += maxRange; // one wrap since the last read
            accumulatedMicroJoules += delta;
            last = now;
        }
    }
}
