package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public final class Water {
    private Water() {}
    public static double litres(double itKWh, double pue, WaterFactors f) {
        return itKWh * f.wueLitresPerKWh() + itKWh * pue * f.electricityWaterLitresPerKWh();
    }
}
