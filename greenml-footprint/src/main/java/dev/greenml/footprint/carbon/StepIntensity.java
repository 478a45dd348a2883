package dev.greenml.footprint.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A step function of intensity over time: value i holds from {@code starts[i]} until
 * {@code starts[i+1]} (the last one holds indefinitely). A constant factor is a single step that
 * starts at {@link Instant#MIN}. Asking for a time before the first step is an error: we do not
 * invent an intensity for a time the series does not cover.
 */
final class StepIntensity implements IntensitySource {

    private final Instant[] starts;      // strictly increasing
    private final GridIntensity[] values;
    private final String description;

    StepIntensity(List<Instant> starts, List<GridIntensity> values, String description) {
        if (starts.isEmpty() || starts.size() != values.size()) {
            throw new IllegalArgumentException("a step intensity needs at least one (instant, value) pair");
        }
        this.starts = starts.toArray(Instant[]::new);
        this.values = values.toArray(GridIntensity[]::new);
        this.description = description;
    }

    static StepIntensity constant(GridIntensity value) {
        return new StepIntensity(List.of(Instant.MIN), List.of(value), value.describe());
    }

    @Override public String describe() { return description; }

    @Override public GridIntensity at(Instant t) { return values[indexAt(t)]; }

    private int indexAt(Instant t) {
        int i = Arrays.binarySearch(starts, t);
        if (i >= 0) return i;
        int insertion = -i - 1;
        if (insertion == 0) {
            throw new IllegalArgumentException("no grid intensity for " + t + ": the time series starts at "
                    + starts[0] + ". Add a row at or before " + t + " to the intensity file.");
        }
        return insertion - 1;
    }

    @Override
    public double gramsCo2e(List<EnergyInterval> itEnergy, double pue) {
        Intensities.checkPue(pue);
        double grams = 0;
        for (EnergyInterval interval : itEnergy) {
            grams += gramsOf(interval) * pue;
        }
        return grams;
    }

    /** kWh-weighted intensity over one interval, split at every change inside it. */
    private double gramsOf(EnergyInterval e) {
        int i = indexAt(e.start());
        long total = nanos(e.start(), e.end());
        if (total == 0) return e.kWh() * values[i].gramsPerKWh();
        double grams = 0;
        Instant pieceStart = e.start();
        while (true) {
            Instant next = i + 1 < starts.length ? starts[i + 1] : null;
            Instant pieceEnd = next == null || !next.isBefore(e.end()) ? e.end() : next;
            double share = (double) nanos(pieceStart, pieceEnd) / total;
            grams += e.kWh() * share * values[i].gramsPerKWh();
            if (pieceEnd.equals(e.end())) return grams;
            pieceStart = pieceEnd;
            i++;
        }
    }

    private static long nanos(Instant a, Instant b) {
        return Duration.between(a, b).toNanos();
    }
}
