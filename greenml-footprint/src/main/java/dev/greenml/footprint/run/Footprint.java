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
}
