package dev.greenml.footprint.carbon;

import java.util.List;
import java.util.Locale;

/** Plain-language equivalents of an amount of CO2e; each line ends with its source. */
public final class Equivalents {

    /** Average new passenger car sold in the EU in 2020, 107.5 gCO2/km (EEA; via carbontracker co2eq.csv). */
    static final double CAR_G_PER_KM = 107.5;
    /** One urban tree absorbs ~11 kg CO2 a year, 917 g a month (Nowak &amp; Crane 2002; via Green Algorithms referenceValues.csv). */
    static final double TREE_MONTH_G = 917;

    private Equivalents() {}

    public static List<String> describe(double gramsCo2e) {
        if (!Double.isFinite(gramsCo2e) || gramsCo2e < 0) {
            throw new IllegalArgumentException("grams CO2e must be finite and >= 0, got " + gramsCo2e);
        }
        return List.of(
                "≈ " + number(gramsCo2e / CAR_G_PER_KM) + " km driven in an average new EU car (2020)"
                        + " — source: EEA, new passenger cars 2020, 107.5 gCO2/km",
                "≈ " + number(gramsCo2e / TREE_MONTH_G) + " tree-months of CO2 uptake"
                        + " — source: Green Algorithms reference values (Nowak & Crane 2002), 11 kg CO2 per tree-year");
    }

    private static String number(double x) {
        if (x >= 100) return String.format(Locale.ROOT, "%,.0f", x);
        if (x >= 1) return String.format(Locale.ROOT, "%.1f", x);
        return String.format(Locale.ROOT, "%.2g", x);
    }
}
