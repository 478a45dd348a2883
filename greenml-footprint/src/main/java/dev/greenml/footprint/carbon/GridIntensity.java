package dev.greenml.footprint.carbon;

/**
 * One grid carbon-intensity factor together with where it comes from.
 *
 * @param gramsPerKWh gCO2e per kWh of electricity drawn from the grid
 * @param location    what the factor describes: "FR", "US-CA", "gcp:europe-west1", "explicit", "world"
 * @param source      short name of the data source, e.g. "OWID/Ember"
 * @param year        data year as published (may be a range or "<=2023" when the source does not say)
 * @param scope       "lifecycle" (includes upstream emissions of fuels and plants), "direct"
 *                    (combustion/operational only) or "user" (given by the user)
 * @param fallback    true when no location was asked for and the world average stands in
 */
public record GridIntensity(double gramsPerKWh, String location, String source, String year, String scope,
                            boolean fallback) {

    public GridIntensity {
        if (!Double.isFinite(gramsPerKWh) || gramsPerKWh < 0) {
            throw new IllegalArgumentException("grid intensity must be a finite number >= 0 gCO2e/kWh, got " + gramsPerKWh);
        }
    }

    /** "FR 56 gCO2e/kWh (OWID/Ember 2023, lifecycle)". */
    public String describe() {
        String text = location + " " + Intensities.formatGrams(gramsPerKWh) + " gCO2e/kWh (" + source
                + (year.isEmpty() ? "" : " " + year) + ", " + scope + ")";
        return fallback ? text + " [FALLBACK: no location given; pass --country, --cloud or --intensity]" : text;
    }
}
