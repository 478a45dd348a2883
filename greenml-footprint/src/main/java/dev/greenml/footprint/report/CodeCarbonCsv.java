package dev.greenml.footprint.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** STUB for branch meters; the real class lives on branch carbon. */
public final class CodeCarbonCsv {
    private CodeCarbonCsv() {}
    public static List<String> COLUMNS = List.of("timestamp", "project_name", "run_id", "duration", "emissions",
            "emissions_rate", "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy", "ram_energy",
            "energy_consumed", "country_name", "country_iso_code", "region", "cloud_provider", "cloud_region",
            "os", "python_version", "codecarbon_version", "cpu_count", "cpu_model", "gpu_count", "gpu_model",
            "longitude", "latitude", "ram_total_size", "tracking_mode", "on_cloud", "pue");
    public static void appendRow(Path csv, Map<String, Object> values) {
        try {
            StringBuilder sb = new StringBuilder();
            if (!Files.exists(csv)) sb.append(String.join(",", COLUMNS)).append('\n');
            sb.append(COLUMNS.stream().map(c -> String.valueOf(values.getOrDefault(c, "")).replace(",", ";"))
                    .collect(Collectors.joining(","))).append('\n');
            Files.createDirectories(csv.toAbsolutePath().getParent());
            Files.writeString(csv, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) { throw new UncheckedIOException(e); }
    }
}
