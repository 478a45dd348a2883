package dev.greenml.footprint.meter;

/**
 * One source of energy figures for one component of the machine.
 *
 * <p>{@link #joules()} returns the energy used since the meter was created. Counters that wrap
 * (RAPL) and models that integrate samples (RAM) need to be read at least every few minutes;
 * a footprint run's sampling thread does that.
 */
public interface Meter {
    /** Stable identifier, e.g. {@code rapl:package}, {@code nvml:0}, {@code model:cpu}. */
    String id();

    /** What it covers: {@code cpu}, {@code dram}, {@code ram} or {@code gpu:N}. */
    String component();

    Availability availability();

    Method method();

    /** Where the figure comes from, in words a reader can check (file, table, year). */
    String source();

    /** Relative uncertainty of the energy figure, e.g. 0.5 for ±50%. */
    double uncertainty();

    /** Cumulative energy in joules since this meter was created. Thread-safe. */
    double joules();

    /** Extra remark shown with the meter (e.g. "used the default W/core"); empty when none. */
    default String note() { return ""; }
}
