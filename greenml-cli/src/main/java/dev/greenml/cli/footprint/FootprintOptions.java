package dev.greenml.cli.footprint;

import dev.greenml.footprint.run.FootprintConfig;
import dev.greenml.footprint.run.FootprintConfig.Location;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Location, PUE, WUE and sampling options shared by every command that meters a run.
 * Use as {@code @Mixin FootprintOptions footprint;} then {@code footprint.toConfig()}.
 * Numbers are parsed here (not by picocli) so a bad value gives one clear line, not a usage dump.
 */
public final class FootprintOptions {

    @Option(names = "--country", paramLabel = "CC", description = "Grid of this country (ISO code, e.g. FR).")
    String country;

    @Option(names = "--region", paramLabel = "R", description = "Grid region code (e.g. US-CA), as in the carbon tables.")
    String region;

    @Option(names = "--cloud", paramLabel = "P:REGION", description = "Cloud region, e.g. gcp:europe-west1.")
    String cloud;

    @Option(names = "--intensity", paramLabel = "G", description = "Grid intensity in g CO2e/kWh (your own figure).")
    String intensity;

    @Option(names = "--intensity-file", paramLabel = "F", description = "CSV time series of grid intensity.")
    String intensityFile;

    @Option(names = "--pue", paramLabel = "X", description = "Data-centre PUE (>= 1). Default: provider default from the carbon tables.")
    String pue;

    @Option(names = "--wue", paramLabel = "Y", description = "Data-centre WUE in litres per kWh; without it water is not estimated.")
    String wue;

    @Option(names = "--interval", paramLabel = "S", description = "Power sampling interval in seconds (default 1).")
    String interval;

    @Option(names = "--project", paramLabel = "NAME", description = "Project name in the reports (default greenml).")
    String project;

    /**
     * The configuration these options describe.
     *
     * @throws IllegalArgumentException with a one-line message naming the value and the fix
     */
    public FootprintConfig toConfig() {
        List<Location> given = new ArrayList<>();
        if (country != null) given.add(new Location(Location.Kind.COUNTRY, country));
        if (region != null) given.add(new Location(Location.Kind.REGION, region));
        if (cloud != null) given.add(new Location(Location.Kind.CLOUD, cloud));
        if (intensity != null) given.add(new Location(Location.Kind.INTENSITY, intensity));
        if (intensityFile != null) given.add(new Location(Location.Kind.FILE, intensityFile));
        if (given.size() > 1) {
            throw new IllegalArgumentException("give one location option, not " + given.size()
                    + " (--country, --region, --cloud, --intensity, --intensity-file)");
        }
        FootprintConfig c = FootprintConfig.defaults()
                .withLocation(given.isEmpty() ? Location.world() : given.getFirst())
                .withPue(number("--pue", pue, "a PUE such as 1.2"))
                .withWue(number("--wue", wue, "litres per kWh, such as 0.5"));
        Double seconds = number("--interval", interval, "seconds, such as 1 or 0.5");
        if (seconds != null) {
            if (!(seconds >= 0.01)) throw new IllegalArgumentException("--interval must be at least 0.01 s, got " + interval);
            c = c.withInterval(Duration.ofNanos(Math.round(seconds * 1e9)));
        }
        if (project != null) c = c.withProject(project);
        return c;
    }

    private static Double number(String option, String text, String expected) {
        if (text == null) return null;
        try {
            return Double.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number (" + expected + "), got '" + text + "'");
        }
    }
}
