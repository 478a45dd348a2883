package dev.greenml.footprint.carbon;

import java.time.Instant;

/**
 * IT (device) energy used between two instants, before any PUE overhead.
 * The energy is assumed to be spread evenly over the interval.
 */
public record EnergyInterval(Instant start, Instant end, double kWh) {

    public EnergyInterval {
        if (start == null || end == null) {
            throw new IllegalArgumentException("EnergyInterval needs a start and an end instant");
        }
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("EnergyInterval end " + end + " is before its start " + start);
        }
        if (!Double.isFinite(kWh) || kWh < 0) {
            throw new IllegalArgumentException("EnergyInterval kWh must be finite and >= 0, got " + kWh);
        }
    }
}
