package dev.greenml.footprint.run;

import dev.greenml.footprint.carbon.EnergyInterval;
import dev.greenml.footprint.carbon.Equivalents;
import dev.greenml.footprint.carbon.GridIntensity;
import dev.greenml.footprint.carbon.Intensities;
import dev.greenml.footprint.carbon.IntensitySource;
import dev.greenml.footprint.carbon.TransferEnergy;
import dev.greenml.footprint.carbon.Water;
import dev.greenml.footprint.carbon.WaterFactors;
import dev.greenml.footprint.report.CodeCarbonCsv;
import dev.greenml.footprint.run.FootprintResult.ComponentEnergy;
import dev.greenml.footprint.run.FootprintResult.Energy;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that turns energy into carbon, water and comparisons, and the CodeCarbon CSV row.
 * The only class of the run and report packages that calls {@code dev.greenml.footprint.carbon},
 * so the factor tables can change without touching metering.
 */
public final class Accounting {

    private Accounting() {}

    /** Energy between two samples (all components, IT side). */
    record Interval(Instant start, Instant end, double joules) {}

    /** Units of work of one kind, the energy they are charged and which part of the run that is (e.g. "phase 'inference'"). */
    record UnitWork(long count, double joules, String basis) {}

    /** What the run measured, before accounting. */
    record Raw(String runId, Instant start, Instant end, double seconds, FootprintResult.Machine machine,
               List<FootprintResult.MeterUsed> meters, Energy energy, List<ComponentEnergy> components,
               List<Interval> intervals, List<FootprintResult.Sample> samples, List<FootprintResult.PhaseResult> phases,
               Map<String, UnitWork> units, long flops, long bytesRead, long bytesWritten, long bytesSent) {}

    /**
     * The grid-intensity source for a configuration.
     *
     * @throws IllegalArgumentException (often the carbon package's UnknownLocationException) naming the bad value
     */
    public static IntensitySource intensity(FootprintConfig config) {
        FootprintConfig.Location l = config.location();
        return switch (l.kind()) {
            case WORLD -> Intensities.worldAverage();
            // grid regions (US-CA, CA-QC …) share the code space of the country tables
            case COUNTRY, REGION -> Intensities.country(l.value().strip());
            case CLOUD -> {
                int colon = l.value().indexOf(':');
                if (colon <= 0 || colon == l.value().length() - 1) {
                    throw new IllegalArgumentException("cloud location must be PROVIDER:REGION (e.g. gcp:europe-west1), got '"
                            + l.value() + "'");
                }
                yield Intensities.cloud(l.value().substring(0, colon).strip(), l.value().substring(colon + 1).strip());
            }
            case INTENSITY -> {
                double g;
                try {
                    g = Double.parseDouble(l.value().strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("grid intensity must be a number of g CO2e per kWh, got '" + l.value() + "'");
                }
                if (!(g >= 0) || Double.isInfinite(g)) {
                    throw new IllegalArgumentException("grid intensity must be >= 0 g CO2e per kWh, got " + l.value());
                }
                yield Intensities.explicit(g);
            }
            case FILE -> Intensities.timeSeries(Path.of(l.value()));
        };
    }

    private static String provider(FootprintConfig config) {
        var l = config.location();
        if (l.kind() != FootprintConfig.Location.Kind.CLOUD) return null;
        return l.value().substring(0, l.value().indexOf(':')).strip();
    }

    /** Grams CO2e of {@code joules} used between {@code start} and {@code end}, as {@link #account} counts them. */
    static double gramsCo2e(FootprintConfig config, Instant start, Instant end, double joules) {
        double pue = config.pue() != null ? config.pue() : Intensities.defaultPue(provider(config));
        return intensity(config).gramsCo2e(List.of(new EnergyInterval(start, end, joules / 3.6e6)), pue);
    }

    static FootprintResult account(FootprintConfig config, Raw raw) {
        IntensitySource source = intensity(config);
        double pue = config.pue() != null ? config.pue() : Intensities.defaultPue(provider(config));
        String pueSource = config.pue() != null ? "given by the user"
                : "default for " + (provider(config) == null ? "an unknown data centre" : provider(config)) + " (carbon tables)";

        double kWh = raw.energy().kWh();
        List<EnergyInterval> intervals = new ArrayList<>();
        for (Interval i : raw.intervals()) intervals.add(new EnergyInterval(i.start(), i.end(), i.joules() / 3.6e6));
        if (intervals.isEmpty()) intervals.add(new EnergyInterval(raw.start(), raw.end(), kWh));
        double grams = source.gramsCo2e(intervals, pue);
        GridIntensity g = source.at(raw.start());
        double effective = kWh > 0 ? grams / (kWh * pue) : g.gramsPerKWh();
        var carbon = new FootprintResult.Carbon(grams, effective, g.location(), g.source(), g.year(), g.scope(), g.fallback(),
                pue, pueSource, raw.energy().method(), raw.energy().uncertainty());

        FootprintResult.WaterUse water;
        if (config.wue() != null) {
            var f = new WaterFactors(config.wue(), 0.0, "WUE " + config.wue() + " L/kWh given by the user");
            water = new FootprintResult.WaterUse(true, Water.litres(kWh, pue, f), f.source()
                    + "; water used to generate the electricity not included", "modelled", raw.energy().uncertainty(), "");
        } else {
            water = new FootprintResult.WaterUse(false, Double.NaN, "", "modelled", Double.NaN,
                    "water not estimated: give the data centre's WUE (litres per kWh, --wue)");
        }

        // Storage: keeping what the run wrote for one year (one copy). Bytes read are counted but
        // not charged: reading a local file is already inside the process's CPU time.
        double transferKWh = TransferEnergy.storageKWh(raw.bytesWritten())
                + TransferEnergy.networkKWh(raw.bytesSent());
        double gflops = raw.flops() / 1e9;
        var work = new FootprintResult.Work(raw.flops(), raw.seconds() > 0 ? gflops / raw.seconds() : 0,
                gflops > 0 ? raw.energy().joules() / gflops : Double.NaN, raw.bytesRead(), raw.bytesWritten(), raw.bytesSent(),
                transferKWh, "carbon.TransferEnergy: bytes written kept one year (storage factor), bytes sent (network factor); bytes read are counted, not charged");

        List<FootprintResult.PerUnit> perUnit = new ArrayList<>();
        // a unit's CO2e is its share of the run's energy times the run's CO2e (the same PUE and grid mix)
        double gramsPerJoule = raw.energy().joules() > 0 ? grams / raw.energy().joules() : 0;
        raw.units().forEach((kind, u) -> perUnit.add(new FootprintResult.PerUnit(kind, u.count(),
                u.count() > 0 ? u.joules() / u.count() : Double.NaN,
                u.count() > 0 ? u.joules() * gramsPerJoule / u.count() : Double.NaN, u.basis())));

        return new FootprintResult(Footprint.VERSION, raw.runId(), config.project(), raw.start(), raw.end(), raw.seconds(),
                raw.machine(), raw.meters(), raw.energy(), raw.components(), carbon, water, work, perUnit, raw.phases(),
                raw.samples(), config.describe(), Equivalents.describe(grams), null);
    }

    /**
     * One row of CodeCarbon's emissions.csv for a result. Units follow CodeCarbon: kg, kWh, W, s, GB.
     * python_version holds the JVM version and codecarbon_version "greenml-0.1.0", so tools reading
     * the file see which program wrote it. "dram" energy counts as ram_energy.
     */
    public static Map<String, Object> codeCarbonRow(FootprintResult r) {
        double cpu = 0, gpu = 0, ram = 0;
        for (ComponentEnergy c : r.components()) {
            if (c.component().equals("cpu")) cpu += c.energy().kWh();
            else if (c.component().startsWith("gpu")) gpu += c.energy().kWh();
            else ram += c.energy().kWh();
        }
        double s = Math.max(r.durationSeconds(), 1e-9);
        double kg = r.carbon().gramsCo2e() / 1000;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(r.end().atOffset(ZoneOffset.UTC)));
        m.put("project_name", r.project());
        m.put("run_id", r.runId());
        m.put("experiment_id", "");
        m.put("duration", r.durationSeconds());
        m.put("emissions", kg);
        m.put("emissions_rate", kg / s);
        m.put("cpu_power", cpu * 3.6e6 / s);
        m.put("gpu_power", gpu * 3.6e6 / s);
        m.put("ram_power", ram * 3.6e6 / s);
        m.put("cpu_energy", cpu);
        m.put("gpu_energy", gpu);
        m.put("ram_energy", ram);
        m.put("energy_consumed", cpu + gpu + ram);
        m.put("water_consumed", r.water().estimated() ? r.water().litres() : "");
        m.put("country_name", r.carbon().location());
        m.put("country_iso_code", r.carbon().location());
        String loc = r.config().getOrDefault("location", "");
        m.put("region", loc.startsWith("region ") ? loc.substring(7) : "");
        boolean cloud = loc.startsWith("cloud ");
        m.put("cloud_provider", cloud ? loc.substring(6, loc.indexOf(':')) : "");
        m.put("cloud_region", cloud ? loc.substring(loc.indexOf(':') + 1) : "");
        m.put("os", r.machine().os());
        m.put("python_version", "java " + r.machine().jvm());
        m.put("codecarbon_version", "greenml-" + r.greenmlVersion());
        m.put("cpu_count", r.machine().logicalCpus());
        m.put("cpu_model", r.machine().cpuModel());
        m.put("gpu_count", r.machine().gpus().size());
        m.put("gpu_model", String.join(" ", r.machine().gpus()));
        m.put("longitude", "");
        m.put("latitude", "");
        m.put("ram_total_size", r.machine().ramTotalBytes() / (double) (1L << 30));
        // RAPL and NVML count the whole device ("machine"); the models count the metered processes
        m.put("tracking_mode", r.meters().stream().anyMatch(x -> x.method().equals("measured")) ? "machine" : "process");
        m.put("on_cloud", cloud ? "Y" : "N");
        m.put("pue", r.carbon().pue());
        return m;
    }

    /** Appends the run's row to a CodeCarbon-compatible emissions.csv (header written when new). */
    public static void appendCodeCarbon(Path csv, FootprintResult r) {
        CodeCarbonCsv.appendRow(csv, codeCarbonRow(r));
    }
}
