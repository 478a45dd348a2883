package dev.greenml.footprint.run;

import dev.greenml.footprint.meter.Meter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a footprint run measures and accounts. Immutable; start from {@link #defaults()} and use the
 * {@code with…} methods:
 * <pre>{@code
 * var cfg = FootprintConfig.defaults().withProject("mnist").withCountry("FR").withPue(1.2);
 * }</pre>
 *
 * @param project  name used in reports (CodeCarbon's project_name)
 * @param location where the electricity comes from; {@link Location#world()} when unknown
 * @param pue      facility overhead (≥ 1); null for the provider's default from the carbon tables
 * @param wue      on-site water use in L/kWh; null when not known (water is then not estimated)
 * @param interval sampling interval of the power time series (default 1 s)
 * @param root     file-system root holding /sys and /proc ("/" outside tests)
 * @param pid      external process tree to meter instead of this JVM; null for this JVM
 * @param ourChild true when this JVM started {@code pid} and will wait for it
 * @param meters   meters to use instead of detecting them; null to detect
 */
public record FootprintConfig(String project, Location location, Double pue, Double wue, Duration interval, Path root,
                              Long pid, boolean ourChild, List<Meter> meters) {

    public FootprintConfig {
        if (project == null || project.isBlank()) project = "greenml";
        if (location == null) location = Location.world();
        if (pue != null && !(pue >= 1.0)) {
            throw new IllegalArgumentException("PUE must be a number >= 1.0 (1.0 = no facility overhead), got " + pue);
        }
        if (wue != null && !(wue >= 0.0)) {
            throw new IllegalArgumentException("WUE must be a number >= 0 (litres per kWh), got " + wue);
        }
        if (interval == null) interval = Duration.ofSeconds(1);
        if (interval.toMillis() < 10) throw new IllegalArgumentException("sampling interval must be >= 10 ms, got " + interval);
        if (root == null) root = Path.of("/");
        if (meters != null) meters = List.copyOf(meters);
    }

    /** World-average grid, provider-default PUE, 1 s sampling, this JVM, detected meters. */
    public static FootprintConfig defaults() {
        return new FootprintConfig("greenml", Location.world(), null, null, Duration.ofSeconds(1), Path.of("/"), null, false, null);
    }

    public FootprintConfig withProject(String p) { return new FootprintConfig(p, location, pue, wue, interval, root, pid, ourChild, meters); }
    public FootprintConfig withLocation(Location l) { return new FootprintConfig(project, l, pue, wue, interval, root, pid, ourChild, meters); }
    public FootprintConfig withCountry(String isoCode) { return withLocation(new Location(Location.Kind.COUNTRY, isoCode)); }
    public FootprintConfig withPue(Double p) { return new FootprintConfig(project, location, p, wue, interval, root, pid, ourChild, meters); }
    public FootprintConfig withWue(Double w) { return new FootprintConfig(project, location, pue, w, interval, root, pid, ourChild, meters); }
    public FootprintConfig withInterval(Duration d) { return new FootprintConfig(project, location, pue, wue, d, root, pid, ourChild, meters); }
    public FootprintConfig withRoot(Path r) { return new FootprintConfig(project, location, pue, wue, interval, r, pid, ourChild, meters); }
    public FootprintConfig withMeters(List<Meter> m) { return new FootprintConfig(project, location, pue, wue, interval, root, pid, ourChild, m); }

    /** Meter an external process tree rooted at {@code processId} ({@code startedByUs}: this JVM waits for it). */
    public FootprintConfig withProcess(long processId, boolean startedByUs) {
        return new FootprintConfig(project, location, pue, wue, interval, root, processId, startedByUs, meters);
    }

    /** The settings as plain strings, recorded in every report. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("project", project);
        m.put("location", location.toString());
        m.put("pue", pue == null ? "default" : pue.toString());
        m.put("wue", wue == null ? "unknown" : wue.toString());
        m.put("interval_s", String.valueOf(interval.toMillis() / 1000.0));
        m.put("metered", pid == null ? "this JVM" : "process tree of pid " + pid);
        return m;
    }

    /**
     * Where the electricity comes from.
     *
     * @param kind  how {@code value} is read
     * @param value country code (FR), grid region code (US-CA), "provider:region" (gcp:europe-west1),
     *              grams CO2e per kWh, or a path to a time-series CSV
     */
    public record Location(Kind kind, String value) {
        public enum Kind { WORLD, COUNTRY, REGION, CLOUD, INTENSITY, FILE }

        public Location {
            if (kind == null) kind = Kind.WORLD;
            if (kind != Kind.WORLD && (value == null || value.isBlank())) {
                throw new IllegalArgumentException("location " + kind.name().toLowerCase(Locale.ROOT) + " needs a value");
            }
        }

        public static Location world() { return new Location(Kind.WORLD, null); }

        @Override public String toString() {
            return kind == Kind.WORLD ? "world average (no location set)" : kind.name().toLowerCase(Locale.ROOT) + " " + value;
        }
    }
}
