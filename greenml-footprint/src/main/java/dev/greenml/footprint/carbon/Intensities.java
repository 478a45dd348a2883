package dev.greenml.footprint.carbon;

import java.time.Instant;
import java.util.List;

/** STUB for branch meters (values for compiling and smoke tests only); the real class lives on branch carbon. */
public final class Intensities {
    private Intensities() {}
    private static IntensitySource constant(GridIntensity g) {
        return new IntensitySource() {
            public String describe() { return g.location() + " " + g.gramsPerKWh() + " g/kWh (" + g.source() + " " + g.year() + ")"; }
            public GridIntensity at(Instant t) { return g; }
            public double gramsCo2e(List<EnergyInterval> e, double pue) {
                return e.stream().mapToDouble(EnergyInterval::kWh).sum() * pue * g.gramsPerKWh();
            }
        };
    }
    public static IntensitySource explicit(double g) { return constant(new GridIntensity(g, "explicit", "user", "-", "unknown", false)); }
    public static IntensitySource country(String code) {
        return switch (code.toUpperCase()) {
            case "FR" -> constant(new GridIntensity(56.0, "FR", "OWID", "2023", "lifecycle", false));
            case "DE" -> constant(new GridIntensity(381.0, "DE", "OWID", "2023", "lifecycle", false));
            default -> throw new UnknownLocationException("unknown country " + code);
        };
    }
    public static IntensitySource cloud(String provider, String region) { throw new UnknownLocationException("stub: no cloud regions"); }
    public static IntensitySource timeSeries(java.nio.file.Path csv) { throw new UnknownLocationException("stub: no time series"); }
    public static IntensitySource worldAverage() { return constant(new GridIntensity(475, "WORLD", "IEA", "2019", "lifecycle", true)); }
    public static double defaultPue(String providerOrNull) { return providerOrNull == null ? 1.56 : 1.2; }
}
