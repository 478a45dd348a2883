package dev.greenml.footprint.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Chart.js, read from its WebJar on the class path (Maven artifact org.webjars.npm:chart.js), so
 * that an HTML report carries its charting code inside itself and opens offline. The library is
 * not copied into this repository; its version is whatever the build resolved.
 *
 * @param version    e.g. "4.5.1"
 * @param javaScript the UMD build, ready to sit inside a {@code <script>} element
 */
public record ChartLibrary(String version, String javaScript) {

    public static final String NAME = "Chart.js";
    /** Chart.js is MIT licensed; its UMD build bundles @kurkle/color, MIT licensed too. */
    public static final String LICENCE = "MIT";

    private static final String POM_PROPERTIES = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final Pattern SOURCE_MAP = Pattern.compile("(?m)^//# sourceMappingURL=.*$");
    private static final Pattern END_SCRIPT = Pattern.compile("(?i)</(script)");

    private static volatile ChartLibrary loaded;

    /** The library on the class path (read once). */
    public static ChartLibrary load() {
        ChartLibrary l = loaded;
        if (l == null) loaded = l = read();
        return l;
    }

    private static ChartLibrary read() {
        ClassLoader loader = ChartLibrary.class.getClassLoader();
        Properties pom = new Properties();
        try (InputStream in = loader.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) throw missing(POM_PROPERTIES);
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = pom.getProperty("version");
        String path = "META-INF/resources/webjars/chart.js/" + version + "/dist/chart.umd.min.js";
        String js;
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) throw missing(path);
            js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The source map is not shipped inside the page; the reference would only make a browser's
        // developer tools look for a file that is not there.
        js = SOURCE_MAP.matcher(js).replaceAll("");
        // "</script" anywhere in the code would end the element early; "<\/script" means the same in JS.
        js = END_SCRIPT.matcher(js).replaceAll("<\\\\/$1");
        return new ChartLibrary(version, js);
    }

    private static IllegalStateException missing(String resource) {
        return new IllegalStateException(resource + " is not on the class path: the org.webjars.npm:chart.js jar is"
                + " missing from this greenml installation; rebuild it (./greenml rebuilds when needed)");
    }
}
