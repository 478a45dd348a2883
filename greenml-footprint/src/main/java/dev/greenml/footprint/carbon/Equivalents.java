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
                "≈ " + distance(gramsCo2e / CAR_G_PER_KM) + " driven in an average new EU car (2020)"
                        + " — source: EEA, new passenger cars 2020, 107.5 gCO2/km",
                "≈ " + treeTime(gramsCo2e / TREE_MONTH_G) + " of one tree's CO2 uptake"
                        + " — source: Green Algorithms reference values (Nowak & Crane 2002), 11 kg CO2 per tree-year");
    }

    /** km, m or mm, whichever keeps the number readable. */
    static String distance(double km) {
        if (km >= 1) return number(km) + " km";
        if (km >= 0.001) return number(km * 1000) + " m";
        return number(km * 1e6) + " mm";
    }

    /** months, days, hours, minutes or seconds of one tree's uptake. */
    static String treeTime(double months) {
        double seconds = months * 30.44 * 86400;
        if (months >= 1) return number(months) + " months";
        if (seconds >= 86400) return number(seconds / 86400) + " days";
        if (seconds >= 3600) return number(seconds / 3600) + " hours";
        if (seconds >= 60) return number(seconds / 60) + " minutes";
        return number(seconds) + " seconds";
    }

    private static String number(double x) {
        if (x >= 100) return String.format(Locale.ROOT, "%,.0f", x);
        if (x >= 1) return String.format(Locale.ROOT, "%.1f", x);
        return String.format(Locale.ROOT, "%.2g", x);
    }
}
