package dev.greenml.footprint.meter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What /proc/cpuinfo says about the CPU.
 *
 * @param model        "model name" of the first processor ("unknown" when absent)
 * @param logicalCpus  number of "processor" entries (hardware threads visible to the OS)
 * @param coresPerChip "cpu cores" (physical cores per package as the kernel sees them; 0 when absent)
 * @param virtualized  true when the "hypervisor" flag is set: core counts are the VM's, not the chip's
 */
public record CpuInfo(String model, int logicalCpus, int coresPerChip, int packages, boolean virtualized) {

    public static CpuInfo read(Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve("proc/cpuinfo"));
        } catch (IOException e) {
            return new CpuInfo("unknown", Runtime.getRuntime().availableProcessors(), 0, 1, false);
        }
        String model = null;
        int logical = 0, cores = 0;
        boolean hypervisor = false;
        Set<String> physicalIds = new HashSet<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "processor" -> logical++;
                case "model name" -> { if (model == null) model = value; }
                case "cpu cores" -> { if (cores == 0) cores = parse(value); }
                case "physical id" -> physicalIds.add(value);
                case "flags" -> { if ((" " + value + " ").contains(" hypervisor ")) hypervisor = true; }
                default -> { }
            }
        }
        return new CpuInfo(model == null ? "unknown" : model, Math.max(logical, 1), cores,
                Math.max(physicalIds.size(), 1), hypervisor);
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
