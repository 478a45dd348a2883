package dev.greenml.footprint.carbon;

import java.time.Duration;

/**
 * Energy attributed to bytes moved over networks and bytes kept in storage. Both factors are
 * highly uncertain (an order of magnitude); reports must show them as estimates. GB = 10^9 bytes.
 * The result is IT-side energy: pass it through PUE and grid intensity like any other kWh.
 */
public final class TransferEnergy {

    /** A published factor with its provenance. */
    public record Factor(double value, String unit, String source, String year, String uncertainty) {}

    /**
     * 0.06 kWh/GB: fixed-line core and access networks, 2015, Aslan, Mayers, Koomey &amp; France 2018,
     * "Electricity Intensity of Internet Data Transmission: Untangling the Estimates", J. Industrial
     * Ecology 22(4):785-798, doi:10.1111/jiec.12630.
     */
    public static final Factor NETWORK = new Factor(0.06, "kWh/GB",
            "Aslan, Mayers, Koomey & France 2018, J. Industrial Ecology 22(4):785-798 (doi:10.1111/jiec.12630)", "2015",
            "for 2015; the same study finds the intensity halving about every 2 years since 2000, so for the 2020s "
                    + "this likely overstates by ~5-30x; excludes end-user devices, Wi-Fi/mobile and data-centre networks");

    /**
     * 1.2 Wh per TB-hour held on SSD = 0.0105 kWh per GB-year: Cloud Carbon Footprint methodology
     * (Thoughtworks, 2021), storage coefficient derived from Etsy's "Cloud Jewels" (2020). HDD would be 0.65 Wh/TB-h.
     */
    public static final Factor STORAGE = new Factor(1.2e-6 * 24 * 365, "kWh/GB-year",
            "Cloud Carbon Footprint methodology (Thoughtworks 2021), SSD 1.2 Wh/TB-h after Etsy Cloud Jewels (2020)", "2020",
            "device power only, one copy (replicated cloud storage is 2-3x), no PUE; HDD is 0.65 Wh/TB-h; "
                    + "the write itself costs orders of magnitude less than holding the data for a year");

    /** Default retention assumed by {@link #storageKWh(long)}. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);

    private static final double BYTES_PER_GB = 1e9;

    private TransferEnergy() {}

    /** kWh to move {@code bytes} across the internet (NETWORK factor). */
    public static double networkKWh(long bytes) {
        checkBytes(bytes);
        return bytes / BYTES_PER_GB * NETWORK.value();
    }

    /** kWh to keep {@code bytes} written to storage for one year (DEFAULT_RETENTION), one copy. */
    public static double storageKWh(long bytes) {
        return storageKWh(bytes, DEFAULT_RETENTION);
    }

    /** kWh to keep {@code bytes} stored for {@code retention}, one copy. */
    public static double storageKWh(long bytes, Duration retention) {
        checkBytes(bytes);
        if (retention.isNegative()) {
            throw new IllegalArgumentException("storage retention must be >= 0, got " + retention);
        }
        double years = retention.toSeconds() / (365.0 * 24 * 3600);
        return bytes / BYTES_PER_GB * STORAGE.value() * years;
    }

    private static void checkBytes(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("byte count must be >= 0, got " + bytes);
    }
}
