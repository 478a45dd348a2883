package dev.greenml.footprint.meter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Per-core power of a CPU model, from two public tables shipped as resources (see PROVENANCE.md
 * beside them): Green Algorithms' TDP_cpu.csv (TDP, cores, TDP per core; 2025-02, CC BY 4.0) and
 * CodeCarbon's cpu_power.csv (TDP only; MIT).
 *
 * <p>Names are matched loosely: case, "(R)", "(TM)", "CPU", "@ 2.20GHz", "N-Core Processor" and
 * "Processor" are ignored, and a table entry matches when all its words appear in the CPU's name
 * and one of them holds a digit (the model number). A name without a model number (as some
 * hypervisors report, e.g. "AMD EPYC") matches nothing, on purpose: a family name does not
 * say which part it is.
 */
public final class TdpTable {

    /** Green Algorithms' "Any" row (TDP_cpu.csv, 2025-02): the default when the model is unknown. */
    public static final double DEFAULT_WATTS_PER_CORE = 12.0;

    static final String GA_SOURCE = "Green Algorithms TDP_cpu.csv (2025-02, CC BY 4.0)";
    static final String CC_SOURCE = "CodeCarbon cpu_power.csv (v3.3.0, MIT; vendor TDP)";

    /**
     * The outcome of a lookup.
     *
     * @param wattsPerCore power per physical core at TDP
     * @param matchedModel the table entry used, or null for the default
     * @param source       table and entry, for reports
     * @param isDefault    true when the model was not found and the default was used
     * @param note         why the default was used, or how per-core was derived
     */
    public record Match(double wattsPerCore, String matchedModel, String source, boolean isDefault, String note) {}

    private record Row(String model, Set<String> words, double tdp, int cores, double perCore, String table) {}

    private final List<Row> ga;
    private final List<Row> codecarbon;

    private TdpTable(List<Row> ga, List<Row> codecarbon) {
        this.ga = ga;
        this.codecarbon = codecarbon;
    }

    private static volatile TdpTable shipped;

    /** The tables shipped in greenml's resources. */
    public static TdpTable shipped() {
        TdpTable t = shipped;
        if (t == null) {
            t = new TdpTable(load("green-algorithms-TDP_cpu.csv", true), load("codecarbon-cpu_power.csv", false));
            shipped = t;
        }
        return t;
    }

    /** Finds the per-core power for {@code cpu}; falls back to {@link #DEFAULT_WATTS_PER_CORE} and says so. */
    public Match lookup(CpuInfo cpu) {
        Set<String> words = words(cpu.model());
        Row row = best(ga, words);
        if (row != null) {
            return new Match(row.perCore(), row.model(), GA_SOURCE + ": " + row.model() + " " + fmt(row.tdp()) + " W / "
                    + row.cores() + " cores", false, "");
        }
        row = best(codecarbon, words);
        if (row != null) {
            if (!cpu.virtualized() && cpu.coresPerChip() > 0) {
                return new Match(row.tdp() / cpu.coresPerChip(), row.model(), CC_SOURCE + ": " + row.model() + " "
                        + fmt(row.tdp()) + " W / " + cpu.coresPerChip() + " cores (cpuinfo)", false,
                        "per-core = vendor TDP / cores per package from /proc/cpuinfo");
            }
            // inside a VM "cpu cores" counts the VM's vCPUs, not the chip's cores: dividing the chip's TDP
            // by it would overstate per-core power many times
            return defaultMatch("CPU '" + cpu.model() + "' has TDP " + fmt(row.tdp()) + " W (" + CC_SOURCE
                    + ") but its core count is unknown inside a VM");
        }
        return defaultMatch("CPU model '" + cpu.model() + "' is not in the TDP tables"
                + (hasDigit(words) ? "" : " (the name has no model number; hypervisors often hide it)"));
    }

    private static Match defaultMatch(String why) {
        return new Match(DEFAULT_WATTS_PER_CORE, null, GA_SOURCE + ": default \"Any\" " + fmt(DEFAULT_WATTS_PER_CORE)
                + " W/core", true, why + "; used the default " + fmt(DEFAULT_WATTS_PER_CORE) + " W/core");
    }

    private static Row best(List<Row> rows, Set<String> words) {
        Row best = null;
        for (Row r : rows) {
            if (!hasDigit(r.words()) || !words.containsAll(r.words())) continue;
            if (best == null || r.words().size() > best.words().size()) best = r;
        }
        return best;
    }

    private static boolean hasDigit(Set<String> words) {
        return words.stream().anyMatch(w -> w.chars().anyMatch(Character::isDigit));
    }

    /** Normalized words of a CPU name. */
    static Set<String> words(String name) {
        String s = name.toLowerCase(Locale.ROOT)
                .replace("(r)", " ").replace("(tm)", " ").replace("®", " ").replace("™", " ")
                .replaceAll("@\\s*[0-9.]+\\s*[gm]hz", " ")
                .replaceAll("\\b\\d+-core\\b", " ")
                .replaceAll("\\b(cpu|processor|with radeon.*graphics)\\b", " ")
                .replaceAll("[^a-z0-9.\\- ]", " ");
        Set<String> out = new HashSet<>(Arrays.asList(s.strip().split("\\s+")));
        out.remove("");
        return out;
    }

    private static List<Row> load(String resource, boolean greenAlgorithms) {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = TdpTable.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                try {
                    if (greenAlgorithms) {
                        // model,TDP,n_cores,TDP_per_core,...
                        if (f.length < 4 || f[0].equals("Any") || f[2].isBlank()) continue;
                        rows.add(new Row(f[0], words(f[0]), Double.parseDouble(f[1]), Integer.parseInt(f[2]),
                                Double.parseDouble(f[3]), GA_SOURCE));
                    } else {
                        // Name,TDP
                        if (f.length < 2) continue;
                        rows.add(new Row(f[0], words(f[0]), Double.parseDouble(f[1]), 0, Double.NaN, CC_SOURCE));
                    }
                } catch (NumberFormatException e) {
                    // header lines and rows without a number are skipped
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(rows);
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
