package dev.greenml.footprint.carbon;

import java.time.Instant;
import java.util.List;

/**
 * Where a run's grid carbon intensity comes from: a table entry, a user value, or a time series.
 *
 * <pre>{@code
 * IntensitySource grid = Intensities.country("FR");
 * double g = grid.gramsCo2e(List.of(new EnergyInterval(t0, t1, 0.5)), Intensities.defaultPue(null));
 * }</pre>
 */
public interface IntensitySource {

    /** One line for reports, e.g. "FR 56 gCO2e/kWh (OWID/Ember 2023, lifecycle)". */
    String describe();

    /** The intensity that applies at instant {@code t}. */
    GridIntensity at(Instant t);

    /**
     * Grams CO2e of the given IT energy: Σ kWh · pue · I(t). Intervals that straddle a change of
     * intensity are split proportionally in time (the energy is taken as evenly spread).
     *
     * @param pue power usage effectiveness, >= 1.0
     */
    double gramsCo2e(List<EnergyInterval> itEnergy, double pue);
}
