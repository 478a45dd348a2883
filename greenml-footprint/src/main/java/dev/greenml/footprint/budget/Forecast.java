package dev.greenml.footprint.budget;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A prediction of a whole run's time, energy and CO2e from its epochs so far, linear in epochs:
 * total = spent so far + (epochs left) × (cost of one epoch). One epoch's cost is epoch 1's when
 * only epoch 1 is done, which includes the JIT's warm-up (so the first forecast tends to be
 * high), and the mean of the epochs after the first once there are some.
 *
 * @param seconds   whole run
 * @param joules    whole run
 * @param gramsCo2e whole run
 * @param basis     how many epochs the per-epoch cost comes from
 * @param method    how the forecast was made, in words
 * @param energyMethod "measured" or "modelled": how the energy it extrapolates was obtained
 */
public record Forecast(double seconds, double joules, double gramsCo2e, int basis, String method, String energyMethod) {

    /**
     * @param soFar       [seconds, joules, grams] spent so far (all sessions of the run)
     * @param perEpoch    [seconds, joules, grams] of one epoch
     * @param epochsLeft  epochs still to run
     * @param basis       epochs measured for {@code perEpoch}
     * @param warmupIncluded whether {@code perEpoch} includes epoch 1 (JIT warm-up)
     */
    public static Forecast linear(double[] soFar, double[] perEpoch, int epochsLeft, int basis, boolean warmupIncluded,
                                  String energyMethod) {
        String method = "linear in epochs: spent so far + " + epochsLeft + " epoch(s) left × the cost of "
                + (warmupIncluded ? "epoch 1 (includes JIT warm-up, so likely an overestimate)"
                                  : "an epoch, mean of " + basis + " epoch(s) after the warm-up epoch");
        return new Forecast(soFar[0] + epochsLeft * perEpoch[0], soFar[1] + epochsLeft * perEpoch[1],
                soFar[2] + epochsLeft * perEpoch[2], basis, method, energyMethod);
    }

    /** e.g. "forecast for the whole run: 2m10s, 1.2 Wh, 0.31 g CO2e (modelled; linear in epochs …)". */
    public String describe() {
        return String.format(Locale.ROOT, "forecast for the whole run: %s, %s, %s CO2e (%s; %s)", duration(seconds), energy(joules),
                mass(gramsCo2e), energyMethod, method);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", seconds);
        m.put("energy_joules", joules);
        m.put("co2e_grams", gramsCo2e);
        m.put("energy_method", energyMethod);
        m.put("basis_epochs", basis);
        m.put("method", method);
        return m;
    }

    /** Joules in the unit that reads best: mJ, J, kJ, Wh or kWh. */
    public static String energy(double j) {
        double a = Math.abs(j);
        if (a >= 3.6e6) return three(j / 3.6e6) + " kWh";
        if (a >= 3600) return three(j / 3600) + " Wh";
        if (a >= 1000) return three(j / 1000) + " kJ";
        if (a >= 1 || j == 0) return three(j) + " J";
        return three(j * 1000) + " mJ";
    }

    /** Grams in the unit that reads best: mg, g, kg. */
    public static String mass(double g) {
        double a = Math.abs(g);
        if (a >= 1000) return three(g / 1000) + " kg";
        if (a >= 1 || g == 0) return three(g) + " g";
        if (a >= 1e-3) return three(g * 1000) + " mg";
        return three(g * 1e6) + " µg";
    }

    /** About three significant digits, never an exponent: 1.23, 12.3, 123, 1234. */
    private static String three(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Seconds as "12.3s", "4m05s" or "2h10m". */
    public static String duration(double s) {
        if (!Double.isFinite(s)) return "?";
        if (s < 60) return String.format(Locale.ROOT, "%.1fs", s);
        long t = Math.round(s);
        if (t < 3600) return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
}
