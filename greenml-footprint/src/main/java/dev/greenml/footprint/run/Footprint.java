package dev.greenml.footprint.run;

/**
 * Entry point. Typical use:
 * <pre>{@code
 * try (FootprintRun run = Footprint.start(FootprintConfig.defaults().withCountry("FR"))) {
 *     run.phase("epoch 1", () -> trainOneEpoch());
 *     run.units("samples", 60_000);
 * }   // or: FootprintResult r = run.finish();
 * }</pre>
 */
public final class Footprint {

    /** The greenml version written into every report. */
    public static final String VERSION = "0.1.0";

    private Footprint() {}

    /**
     * Starts metering now. Fails fast (IllegalArgumentException) on a location the carbon tables
     * do not know, so a typo costs nothing.
     */
    public static FootprintRun start(FootprintConfig config) {
        Accounting.intensity(config); // validates the location before any work starts
        return new FootprintRun(config);
    }

    /** A command started by {@link #startChild} and the run that meters its process tree. */
    public record ChildRun(FootprintRun run, Process process) {}

    /**
     * Starts metering, then starts {@code command} and meters its process tree. The window, the
     * counters' baselines and the CPU-time baseline are all taken before the process exists, so
     * nothing it does is missed (meter detection takes a few hundred milliseconds; starting first
     * and metering after lost that much of the command). When the command cannot be started the
     * run is finished and the IOException thrown.
     */
    public static ChildRun startChild(FootprintConfig config, ProcessBuilder command) throws java.io.IOException {
        Accounting.intensity(config);
        var pid = new java.util.concurrent.atomic.AtomicLong(-1);
        var meters = config.meters() != null ? config.meters()
                : dev.greenml.footprint.meter.Meters.select(dev.greenml.footprint.meter.Meters.detect(config.root(),
                        dev.greenml.footprint.meter.NvmlMeter.LIBRARY, pid::get, true, config.interval()));
        FootprintRun run = new FootprintRun(config.withMeters(meters));
        Process process;
        try {
            process = command.start();
        } catch (java.io.IOException e) {
            run.finish();
            throw e;
        }
        pid.set(process.pid());
        run.childStarted(process.pid());
        return new ChildRun(run, process);
    }
}
