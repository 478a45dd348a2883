package dev.greenml.spark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Spark training run cost, as far as greenml can tell from inside Spark. Every figure is
 * modelled, never measured: CPU time is measured per thread, but turning it into energy uses the
 * TDP table's power per core, and bytes are counted from payload sizes, not read off a network.
 *
 * @param tasks            Spark tasks that trained (partitions × rounds, empty partitions excluded)
 * @param taskCpuSeconds   Σ thread CPU time of those tasks (ThreadMXBean), measured
 * @param driverCpuSeconds thread CPU time of the driver thread that ran {@code fit} (broadcasts, the
 *                         final divide of each round's sum), measured
 * @param mergeCpuSeconds  thread CPU time of adding up the tasks' contributions, measured inside each
 *                         merge: Spark runs them on its scheduler thread on the driver, not on fit's
 * @param driverJvmCpuSeconds CPU time of the whole driver JVM during {@code fit}, all threads (Spark's
 *                         scheduler, JIT, GC; in local mode the tasks too), measured; for context, not
 *                         converted to energy (in local mode it contains the tasks' time); -1 when unknown
 * @param energyJoules     (task + driver + merge CPU seconds) × watts per core of the machine each ran on, modelled
 * @param energyMethod     always "modelled"
 * @param energySource     how: the CPU time and the watts per core with their table
 * @param uncertainty      relative uncertainty of the energy (±0.5: the footprint module's CPU model)
 * @param co2eGrams        energyJoules × PUE × grid intensity, modelled with the energy's uncertainty
 * @param intensity        the grid intensity used, with its source
 * @param pue              the power usage effectiveness used
 * @param transferBytes    bytes the rounds move: the broadcast payload to every training task, and every task's
 *                         contribution back (4 bytes a float; serialization framing not counted)
 * @param notCounted       what the figures leave out
 */
public record SparkFootprint(int tasks, double taskCpuSeconds, double driverCpuSeconds, double mergeCpuSeconds,
                             double driverJvmCpuSeconds,
                             double energyJoules,
                             String energyMethod, String energySource, double uncertainty, double co2eGrams,
                             String intensity, double pue, long transferBytes, String notCounted) {

    /** Everything, with JSON-friendly names, for model metadata and --json output. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("energy_joules", energyJoules);
        m.put("energy_method", energyMethod);
        m.put("energy_source", energySource);
        m.put("energy_uncertainty", uncertainty);
        m.put("co2e_grams", co2eGrams);
        m.put("co2e_method", energyMethod);
        m.put("grid_intensity", intensity);
        m.put("pue", pue);
        m.put("tasks", tasks);
        m.put("task_cpu_seconds", taskCpuSeconds);
        m.put("driver_cpu_seconds", driverCpuSeconds);
        m.put("merge_cpu_seconds", mergeCpuSeconds);
        m.put("driver_jvm_cpu_seconds", driverJvmCpuSeconds);
        m.put("transfer_bytes", transferBytes);
        m.put("transfer_method", "counted from payload sizes (floats × 4 + config JSON), not measured on a network");
        m.put("not_counted", notCounted);
        return m;
    }

    /** Three lines for a terminal. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "energy %.1f J ±%.0f%% (modelled: %s)%nCO2e %.4f g (modelled; %s, PUE %.2f)%n"
                        + "CPU %.2f s in %d tasks + %.2f s driver thread + %.3f s merging (the driver JVM used %.2f s on all its threads meanwhile)%n"
                        + "moved %,d bytes between driver and tasks (counted, not measured)",
                energyJoules, uncertainty * 100, energySource, co2eGrams, intensity, pue, taskCpuSeconds, tasks,
                driverCpuSeconds, mergeCpuSeconds, driverJvmCpuSeconds, transferBytes);
    }
}
