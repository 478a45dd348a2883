package dev.greenml.footprint.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a finished run cost, with how each figure was obtained. Immutable.
 * Energies are IT energy (before PUE) unless named otherwise.
 */
public record FootprintResult(String greenmlVersion, String runId, String project, Instant start, Instant end,
                              double durationSeconds, Machine machine, List<MeterUsed> meters, Energy energy,
                              List<ComponentEnergy> components, Carbon carbon, WaterUse water, Work work,
                              List<PerUnit> units, List<PhaseResult> phases, List<Sample> samples,
                              Map<String, String> config, List<String> equivalents, Integer exitCode) {

    public FootprintResult {
        meters = List.copyOf(meters);
        components = List.copyOf(components);
        units = List.copyOf(units);
        phases = List.copyOf(phases);
        samples = List.copyOf(samples);
        config = Map.copyOf(config);
        equivalents = List.copyOf(equivalents);
    }

    /** The same result with the exit code of the metered command recorded. */
    public FootprintResult withExitCode(int code) {
        return new FootprintResult(greenmlVersion, runId, project, start, end, durationSeconds, machine, meters, energy,
                components, carbon, water, work, units, phases, samples, config, equivalents, code);
    }

    /** The machine the run happened on. */
    public record Machine(String cpuModel, int logicalCpus, String os, String jvm, long ramTotalBytes, List<String> gpus) {
        public Machine { gpus = List.copyOf(gpus); }
    }

    /** A meter that contributed, and how it gets its figure. */
    public record MeterUsed(String id, String component, String method, String source, double uncertainty, String note) {}

    /**
     * An energy figure with its provenance.
     *
     * @param method      "measured" or "modelled" (modelled when any part is)
     * @param uncertainty relative, e.g. 0.5 for ±50%
     */
    public record Energy(double joules, String method, String source, double uncertainty) {
        public double kWh() { return joules / 3.6e6; }
        public double wh() { return joules / 3600; }
    }

    /** Energy of one component (cpu, dram, ram, gpu:N). */
    public record ComponentEnergy(String component, Energy energy, double averageWatts) {}

    /**
     * A named phase. {@code energy} includes its children; {@code selfJoules} is what was spent in
     * this phase outside any child (attribution goes to the innermost phase).
     */
    public record PhaseResult(String name, Instant start, Instant end, double seconds, Energy energy,
                              List<ComponentEnergy> components, double selfJoules, long flops, List<PhaseResult> children) {
        public PhaseResult {
            components = List.copyOf(components);
            children = List.copyOf(children);
        }
    }

    /**
     * Carbon of the run: IT energy × PUE × grid intensity.
     *
     * @param gramsPerKWh     grid intensity used (energy-weighted mean for a time series)
     * @param fallback        true when no location was given and the world average was used
     * @param uncertainty     relative uncertainty carried over from energy (grid factor uncertainty not included)
     */
    public record Carbon(double gramsCo2e, double gramsPerKWh, String location, String source, String year, String scope,
                         boolean fallback, double pue, String pueSource, String method, double uncertainty) {}

    /** Water used, when a WUE is known; {@code estimated} false otherwise (with {@code note} saying how to get it). */
    public record WaterUse(boolean estimated, double litres, String source, String method, double uncertainty, String note) {}

    /** Work reported by the engine and what moving its bytes cost. */
    public record Work(long flops, double gflopPerSecond, double joulesPerGflop, long bytesRead, long bytesWritten,
                       long bytesSent, double transferKWh, String transferSource) {}

    /**
     * Per-unit figures: e.g. 60000 samples → joules and grams CO2e per sample.
     *
     * @param basis the part of the run whose energy the units are charged: "whole run", or the
     *              phases they were counted in ("phase 'teacher inference'")
     */
    public record PerUnit(String kind, long count, double joulesPerUnit, double gramsCo2ePerUnit, String basis) {}

    /** One point of the power time series: seconds since start → watts per component. */
    public record Sample(double seconds, Map<String, Double> watts) {
        public Sample { watts = Map.copyOf(watts); }
    }
}
