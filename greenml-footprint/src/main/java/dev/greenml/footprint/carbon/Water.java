package dev.greenml.footprint.carbon;

/**
 * Water consumed by a run:
 * <pre>
 *   litres = itKWh × WUE_site  +  itKWh × PUE × EWIF
 * </pre>
 * WUE (The Green Grid, 2011) is defined per kWh of <em>IT</em> energy, so it is not multiplied by PUE
 * (CodeCarbon multiplies it; we don't). EWIF applies to all electricity the facility draws, hence × PUE.
 */
public final class Water {
    private Water() {}

    public static double litres(double itKWh, double pue, WaterFactors f) {
        if (!Double.isFinite(itKWh) || itKWh < 0) {
            throw new IllegalArgumentException("IT energy must be finite and >= 0 kWh, got " + itKWh);
        }
        Intensities.checkPue(pue);
        return itKWh * f.wueLitresPerKWh() + itKWh * pue * f.electricityWaterLitresPerKWh();
    }
}
