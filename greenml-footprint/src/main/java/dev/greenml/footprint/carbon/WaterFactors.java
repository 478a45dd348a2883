package dev.greenml.footprint.carbon;

/**
 * Water factors for {@link Water#litres}.
 *
 * @param wueLitresPerKWh              site WUE (The Green Grid): litres consumed on site per kWh of IT energy
 * @param electricityWaterLitresPerKWh EWIF: litres consumed generating one kWh of grid electricity (0 = not counted)
 * @param source                       where both numbers come from
 */
public record WaterFactors(double wueLitresPerKWh, double electricityWaterLitresPerKWh, String source) {

    /**
     * 1.8 L/kWh site WUE: average on-site water consumption of US data centres, Shehabi et al. 2016,
     * "United States Data Center Energy Usage Report", LBNL-1005775. EWIF not counted.
     */
    public static final WaterFactors DEFAULT = new WaterFactors(1.8, 0.0,
            "site WUE 1.8 L/kWh (US data-centre average, Shehabi et al. 2016, LBNL-1005775); electricity-generation water not counted");

    /**
     * Same site WUE plus 7.6 L/kWh for electricity generation: the US average water consumption
     * of generation used by Shehabi et al. 2016 (LBNL-1005775); US-specific, varies several-fold by grid mix.
     */
    public static final WaterFactors US_WITH_GENERATION = new WaterFactors(1.8, 7.6,
            "site WUE 1.8 L/kWh and generation 7.6 L/kWh (US averages, Shehabi et al. 2016, LBNL-1005775)");

    public WaterFactors {
        if (!Double.isFinite(wueLitresPerKWh) || wueLitresPerKWh < 0) {
            throw new IllegalArgumentException("WUE must be finite and >= 0 L/kWh, got " + wueLitresPerKWh);
        }
        if (!Double.isFinite(electricityWaterLitresPerKWh) || electricityWaterLitresPerKWh < 0) {
            throw new IllegalArgumentException("electricity water intensity must be finite and >= 0 L/kWh, got "
                    + electricityWaterLitresPerKWh);
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("WaterFactors needs a source (who published the numbers, which year)");
        }
    }
}
