package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public interface IntensitySource {
    String describe();
    GridIntensity at(java.time.Instant t);
    double gramsCo2e(java.util.List<EnergyInterval> itEnergy, double pue);
}
