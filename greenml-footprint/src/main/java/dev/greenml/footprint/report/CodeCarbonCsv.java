package dev.greenml.footprint.report;

import dev.greenml.files.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes runs as rows of a CodeCarbon-compatible {@code emissions.csv}, so existing spreadsheets and
 * dashboards read greenml runs unchanged.
 *
 * <p>Units are CodeCarbon's: emissions in kg CO2e, emissions_rate in kg/s, energy in kWh, power in W,
 * duration in s, water_consumed in L, ram_total_size in GB.
 *
 * <p>Header mismatch: like CodeCarbon, an existing file whose header is not exactly {@link #COLUMNS}
 * is moved aside to {@code <name>.bak} (or {@code <name>.1.bak}, {@code .2.bak}… if taken) and a new
 * file is started; so is one that is not UTF-8 text. Unlike CodeCarbon we compare the header in order, not as a set, because column
 * position matters to the readers we care about.
 *
 * <p>Every append rewrites the whole file atomically ({@link AtomicFiles}): an interrupted append
 * leaves the previous file intact.
 */
public final class CodeCarbonCsv {

    /**
     * Fields of CodeCarbon's {@code EmissionsData} dataclass, in declaration order (= CSV column order),
     * from mlco2/codecarbon {@code codecarbon/output_methods/emissions_data.py} at commit
     * 0999d9c19705dc9518dc1d74d0eb83eac20f36f0 (v3.x; the version with water_consumed, wue and the
     * utilisation columns). CodeCarbon builds its CSV with pandas from the dataclass's __dict__, so this
     * order is the header order.
     */
    public static final List<String> COLUMNS = List.of(
            "timestamp", "project_name", "run_id", "experiment_id", "duration", "emissions", "emissions_rate",
            "cpu_utilization_percent", "ram_utilization_percent", "ram_used_gb",
            "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy", "ram_energy",
            "energy_consumed", "water_consumed", "country_name", "country_iso_code", "region",
            "cloud_provider", "cloud_region", "os", "python_version", "codecarbon_version",
            "cpu_count", "cpu_model", "gpu_count", "gpu_model", "longitude", "latitude",
            "ram_total_size", "tracking_mode", "on_cloud", "pue", "wue");

    private static final Set<String> KNOWN = Set.copyOf(COLUMNS);

    private CodeCarbonCsv() {}

    /**
     * Appends one row. Unknown keys → IllegalArgumentException; missing keys → empty cells; null → empty cell.
     * Numbers are written with {@code Double.toString}-style precision (no locale grouping).
     */
    public static void appendRow(Path csv, Map<String, Object> values) {
        List<String> unknown = new ArrayList<>();
        for (String key : values.keySet()) if (!KNOWN.contains(key)) unknown.add(key);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown CodeCarbon column(s) " + unknown + "; expected a subset of " + COLUMNS);
        }
        String row = row(values);
        try {
            String existing = "";
            if (Files.exists(csv) && Files.size(csv) > 0) {
                String header;
                try {
                    existing = dev.greenml.files.TextFiles.readUtf8(csv);
                    header = existing.lines().findFirst().orElse("");
                } catch (IllegalArgumentException notUtf8) {
                    // e.g. Python CodeCarbon's file written in cp1252 on Windows: not ours to convert, so
                    // it is moved aside like a foreign header, not lost and not an error after the work
                    header = null;
                }
                if (!headerLine().equals(header)) {
                    Files.move(csv, backupPath(csv));
                    existing = "";
                }
            }
            String content;
            if (existing.isEmpty()) {
                content = headerLine() + "\n" + row + "\n";
            } else {
                content = existing.endsWith("\n") ? existing + row + "\n" : existing + "\n" + row + "\n";
            }
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            // close() flushes AtomicFiles' buffered stream; as of dd33a1d AtomicFiles.write(Path, byte[])
            // does not flush, so small writes came out empty.
            AtomicFiles.write(csv, out -> {
                out.write(bytes);
                out.close();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + csv + ": " + e.getMessage(), e);
        }
    }

    /** The header line exactly as written. */
    public static String headerLine() {
        return String.join(",", COLUMNS);
    }

    static String row(Map<String, Object> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (i > 0) b.append(',');
            b.append(quote(format(values.get(COLUMNS.get(i)))));
        }
        return b.toString();
    }

    private static String format(Object v) {
        return switch (v) {
            case null -> "";
            case Double d -> d.isNaN() || d.isInfinite() ? "" : Double.toString(d);
            case Float f -> f.isNaN() || f.isInfinite() ? "" : Float.toString(f);
            case Boolean bool -> bool ? "Y" : "N";
            default -> String.valueOf(v);
        };
    }

    /** RFC 4180: quote a field containing comma, quote, CR or LF; double embedded quotes. */
    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static Path backupPath(Path csv) {
        String name = csv.getFileName().toString();
        Path candidate = csv.resolveSibling(name + ".bak");
        for (int i = 1; Files.exists(candidate); i++) {
            candidate = csv.resolveSibling(name + "." + i + ".bak");
        }
        return candidate;
    }


}
