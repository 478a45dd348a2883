package dev.greenml.footprint.carbon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads a user's intensity time series: header "timestamp,gco2e_per_kwh", ISO-8601 instants, increasing. */
final class TimeSeriesCsv {

    static final String HEADER = "timestamp,gco2e_per_kwh";

    private TimeSeriesCsv() {}

    static StepIntensity read(Path csv) {
        List<String> lines;
        try {
            lines = dev.greenml.files.TextFiles.readUtf8(csv).lines().toList();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("intensity file " + csv + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read intensity file " + csv, e);
        }
        String name = csv.getFileName().toString();
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) first++;
        if (first == lines.size()) {
            throw new IllegalArgumentException(name + ": empty file; expected header '" + HEADER + "' and at least one row");
        }
        String header = lines.get(first).replace("\uFEFF", "").replace(" ", "").toLowerCase();
        if (!header.equals(HEADER)) {
            throw new IllegalArgumentException(name + " line " + (first + 1) + ": header is '" + lines.get(first)
                    + "', expected '" + HEADER + "'");
        }
        List<Instant> starts = new ArrayList<>();
        List<GridIntensity> values = new ArrayList<>();
        String location = "series:" + name;
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int lineNo = i + 1;
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] cells = line.split(",", -1);
            if (cells.length != 2) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": expected 2 columns (" + HEADER
                        + "), got " + cells.length + ": '" + line + "'");
            }
            Instant t = parseInstant(cells[0].strip(), name, lineNo);
            double g;
            try {
                g = Double.parseDouble(cells[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": intensity '" + cells[1].strip()
                        + "' is not a number (expected gCO2e/kWh, e.g. 56.0)");
            }
            if (!Double.isFinite(g) || g < 0) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": intensity " + cells[1].strip()
                        + " is negative or not finite; grid intensity must be >= 0 gCO2e/kWh");
            }
            if (g >= Intensities.MAX_PLAUSIBLE) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": intensity " + g
                        + " gCO2e/kWh is implausibly high (>= 3000; the dirtiest grids are ~1000). "
                        + "Is the column in another unit (g/MWh, lb/MWh)? Convert to gCO2e/kWh.");
            }
            if (!starts.isEmpty() && !t.isAfter(starts.getLast())) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": timestamp " + t
                        + " is not after the previous row's " + starts.getLast()
                        + "; rows must be in strictly increasing time order");
            }
            starts.add(t);
            values.add(new GridIntensity(g, location, "user time series " + name, "", "user", false));
        }
        if (starts.isEmpty()) {
            throw new IllegalArgumentException(name + ": no data rows after the header '" + HEADER + "'");
        }
        double min = values.stream().mapToDouble(GridIntensity::gramsPerKWh).min().orElseThrow();
        double max = values.stream().mapToDouble(GridIntensity::gramsPerKWh).max().orElseThrow();
        String description = "time series " + name + ": " + starts.size() + " steps from " + starts.getFirst()
                + ", " + Intensities.formatGrams(min) + ".." + Intensities.formatGrams(max) + " gCO2e/kWh (user)";
        return new StepIntensity(starts, values, description);
    }

    private static Instant parseInstant(String text, String name, int lineNo) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": timestamp '" + text
                        + "' is not an ISO-8601 instant (expected e.g. 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00)");
            }
        }
    }
}
