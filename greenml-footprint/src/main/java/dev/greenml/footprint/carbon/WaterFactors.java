package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public record WaterFactors(double wueLitresPerKWh, double electricityWaterLitresPerKWh, String source) {}
