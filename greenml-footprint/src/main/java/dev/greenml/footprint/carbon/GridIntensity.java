package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public record GridIntensity(double gramsPerKWh, String location, String source, String year, String scope, boolean fallback) {}
