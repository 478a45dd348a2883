package dev.greenml.footprint.budget;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit on a run's energy and/or CO2e. A run stops cleanly when its running total, or its
 * forecast for the whole run, goes over a limit:
 * <pre>{@code
 * Budget b = Budget.parse("50Wh", "20g");
 * Budget.Verdict v = b.check(joulesSoFar, gramsSoFar, forecast);   // null: within budget
 * }</pre>
 *
 * @param maxJoules null when energy is not limited
 * @param maxGrams  null when CO2e is not limited
 */
public record Budget(Double maxJoules, Double maxGrams) {

    /** Energy units and their size in joules; case matters (mJ vs MJ). */
    private static final Map<String, Double> ENERGY = Map.of("mJ", 1e-3, "J", 1.0, "kJ", 1e3, "MJ", 1e6,
            "mWh", 3.6, "Wh", 3600.0, "kWh", 3.6e6, "MWh", 3.6e9);
    /** Mass units and their size in grams. */
    private static final Map<String, Double> MASS = Map.of("mg", 1e-3, "g", 1.0, "kg", 1e3, "t", 1e6);
    private static final Pattern QUANTITY = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*([A-Za-z]+)\\s*");

    public Budget {
        if (maxJoules != null && !(maxJoules > 0)) throw new IllegalArgumentException("an energy budget must be positive, got " + maxJoules + " J");
        if (maxGrams != null && !(maxGrams > 0)) throw new IllegalArgumentException("a CO2e budget must be positive, got " + maxGrams + " g");
    }

    /** No limit. */
    public static final Budget NONE = new Budget(null, null);

    public boolean isLimited() { return maxJoules != null || maxGrams != null; }

    /** From the CLI's texts ({@code --max-energy 50Wh}, {@code --max-co2 20g}); either may be null. */
    public static Budget parse(String energy, String co2) {
        return new Budget(energy == null ? null : parseEnergy(energy), co2 == null ? null : parseCo2e(co2));
    }

    /** "50Wh", "1.5 kWh", "300J", "2kJ" → joules. */
    public static double parseEnergy(String text) {
        return parse(text, ENERGY, "--max-energy", "an energy with a unit (mJ, J, kJ, MJ, mWh, Wh, kWh, MWh), e.g. --max-energy 50Wh");
    }

    /** "20g", "1.5kg", "500mg" → grams. */
    public static double parseCo2e(String text) {
        return parse(text, MASS, "--max-co2", "a mass of CO2e with a unit (mg, g, kg, t), e.g. --max-co2 20g");
    }

    private static double parse(String text, Map<String, Double> units, String option, String expected) {
        Matcher m = QUANTITY.matcher(text == null ? "" : text);
        Double unit = m.matches() ? units.get(m.group(2)) : null;
        if (unit == null) throw new IllegalArgumentException(option + " '" + text + "' is not " + expected);
        double v = Double.parseDouble(m.group(1)) * unit;
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(option + " must be positive: " + expected);
        return v;
    }

    /**
     * Why a run must stop, or null when it is within budget. The running totals are checked
     * first (a limit already passed), then the forecast (a limit the run would pass).
     *
     * @param forecast the whole run's forecast, or null before there is one
     */
    public Verdict check(double joulesSoFar, double gramsSoFar, Forecast forecast) {
        if (maxJoules != null && joulesSoFar > maxJoules) return new Verdict("energy", false, joulesSoFar, maxJoules, "J");
        if (maxGrams != null && gramsSoFar > maxGrams) return new Verdict("co2e", false, gramsSoFar, maxGrams, "g");
        if (forecast != null) {
            if (maxJoules != null && forecast.joules() > maxJoules) return new Verdict("energy", true, forecast.joules(), maxJoules, "J");
            if (maxGrams != null && forecast.gramsCo2e() > maxGrams) return new Verdict("co2e", true, forecast.gramsCo2e(), maxGrams, "g");
        }
        return null;
    }

    /**
     * A budget exceeded: {@code what} ("energy" or "co2e"), by the running total or by the
     * {@code forecast}, {@code value} against {@code limit} in {@code unit} (J or g).
     */
    public record Verdict(String what, boolean forecast, double value, double limit, String unit) {
        /** e.g. "the forecast energy 61.2 Wh exceeds the budget 50 Wh by 11.2 Wh (22%)". */
        public String explain() {
            String name = what.equals("energy") ? "energy" : "CO2e";
            return String.format(Locale.ROOT, "%s %s %s exceeds the budget %s by %s (%.0f%%)",
                    forecast ? "the forecast" : "the running total of", name, show(value), show(limit), show(value - limit),
                    100 * (value - limit) / limit);
        }

        private String show(double v) {
            return unit.equals("J") ? Forecast.energy(v) : Forecast.mass(v);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("exceeded", what);
            m.put("by", forecast ? "forecast" : "running total");
            m.put("value", value);
            m.put("limit", limit);
            m.put("unit", unit);
            m.put("message", explain());
            return m;
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_energy_joules", maxJoules);
        m.put("max_co2e_grams", maxGrams);
        return m;
    }
}
