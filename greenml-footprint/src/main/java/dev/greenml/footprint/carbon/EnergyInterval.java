package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public record EnergyInterval(java.time.Instant start, java.time.Instant end, double kWh) {}
