package dev.greenml.footprint.report;

import static dev.greenml.footprint.report.RunFixtures.footprintOnlyRun;
import static dev.greenml.footprint.report.RunFixtures.trainRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report in a real browser: every chart draws, no script fails, the picture is not blank. Needs /usr/bin/chromium. */
class HtmlReportBrowserTest {

    @TempDir Path tmp;

    @BeforeEach
    void needsChromium() {
        assumeTrue(HeadlessChromium.available(), "no /usr/bin/chromium (apt-get install chromium); browser test skipped");
    }

    /** Two training runs and one demo-like run (no history): 3 + 3 + 2 charts and the comparison. */
    Path threeRunReport() throws Exception {
        Path out = tmp.resolve("report.html");
        HtmlReport.write(out, List.of(trainRun(tmp.resolve("mlp-small"), "s", 120, 0.62, 0.74, 0.79, 0.81, 0.80),
                trainRun(tmp.resolve("mlp-large"), "l", 480, 0.70, 0.83, 0.86, 0.87),
                footprintOnlyRun(tmp.resolve("demo"), "d")));
        return out;
    }

    static String attribute(String dom, String tag, String name) {
        Matcher m = Pattern.compile("<" + tag + "\\b[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("<%s %s=…> in the DOM", tag, name).isTrue();
        return m.group(1);
    }

    static void assertRenderedWithoutErrors(String dom, int charts) {
        Matcher errors = Pattern.compile("<pre id=\"js-errors\" hidden=\"\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(errors.find()).isTrue();
        assertThat(errors.group(1)).as("script errors recorded by the page").isEmpty();
        assertThat(attribute(dom, "html", "data-js-errors")).isEqualTo("0");
        assertThat(attribute(dom, "body", "data-charts-expected")).isEqualTo(String.valueOf(charts));
        assertThat(attribute(dom, "body", "data-charts-rendered")).isEqualTo(String.valueOf(charts));
    }

    /**
     * One browser start for both checks (each start costs seconds): the three runs plus a hostile
     * one, 3 + 3 + 2 + 3 charts and the comparison.
     */
    @Test
    void everyChartRendersWithoutScriptErrorsOrNetworkAndHostileNamesStayText() throws Exception {
        Path out = tmp.resolve("four.html");
        HtmlReport.write(out, List.of(trainRun(tmp.resolve("mlp-small"), "s", 120, 0.62, 0.74),
                trainRun(tmp.resolve("mlp-large"), "l", 480, 0.70, 0.83), footprintOnlyRun(tmp.resolve("demo"), "d"),
                HostileRun.write(tmp)));
        String dom = HeadlessChromium.dumpDom(out, tmp);
        assertRenderedWithoutErrors(dom, 12);
        // (plain booleans: a failure should not print the whole page)
        assertThat(Pattern.compile("<html[^>]*data-pwned").matcher(dom).find()).as("the injected script ran").isFalse();
        assertThat(dom.contains("<img")).as("an <img> element was created").isFalse();
        assertThat(dom.contains("<b onmouseover")).as("a <b> element was created").isFalse();
        assertThat(dom.contains("<h2>&lt;b onmouseover=\"x\"&gt;&amp;amp;' run</h2>")).as("the run's name shown as text").isTrue();
    }

    @Test
    void screenshotShowsAPageNotABlank() throws Exception {
        Path png = tmp.resolve("report.png");
        HeadlessChromium.screenshot(threeRunReport(), png, 1280, 2000, tmp);
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(20_000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) colours.add(image.getRGB(x, y));
        }
        assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(50);
        String keep = System.getenv("GREENML_KEEP_SCREENSHOT");
        if (keep != null && !keep.isBlank()) Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
