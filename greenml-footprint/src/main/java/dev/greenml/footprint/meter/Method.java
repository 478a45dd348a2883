package dev.greenml.footprint.meter;

/** Whether a figure comes from a hardware counter or from a model. Printed next to every figure. */
public enum Method {
    /** Read from a hardware energy counter (RAPL, NVML). */
    MEASURED,
    /** Computed from a model (CPU time × TDP per core, RSS × W/GB). */
    MODELLED;

    /** Lower-case label used in reports: {@code "measured"} or {@code "modelled"}. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** A sum is only as good as its weakest part: modelled if any part is modelled. */
    public static Method combine(Iterable<Method> parts) {
        for (Method m : parts) if (m == MODELLED) return MODELLED;
        return MEASURED;
    }
}
