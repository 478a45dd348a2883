package dev.greenml.footprint.report;

import static dev.greenml.footprint.report.RunFixtures.footprintOnlyRun;
import static dev.greenml.footprint.report.RunFixtures.trainRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @TempDir Path tmp;

    static String html(Path... dirs) {
        return HtmlReport.html(Stream.of(dirs).map(RunDirectory::read).toList(), Instant.EPOCH);
    }

    /** The page without the library's code, so that a failing assertion prints something readable. */
    static String readable(String html) {
        return html.replaceAll("(?s)(<script>/\\* Chart\\.js [^\n]*\n).*?(</script>)", "$1[library]\n$2");
    }

    /** The JSON the page's script reads, parsed back (the \\u escapes are ordinary JSON). */
    static JsonNode embeddedData(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"greenml-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("embedded data").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void everyEnergyAndCo2eFigureCarriesItsMethodSourceAndUncertainty() throws Exception {
        // 3 epochs × 300 J = 900 J in phases, 1000 J in all; CO2e = 1000 J / 3.6e6 × PUE 1.2 × 50 g/kWh = 16.7 mg
        String html = readable(html(trainRun(tmp.resolve("mlp"), "p", 300, 0.80, 0.85, 0.84)));
        assertThat(html)
                .contains("<b>1 kJ</b> = 278 mWh <span class=\"method m-modelled\">modelled</span> ±50%")
                .contains("<b>16.7 mg</b> <span class=\"method m-modelled\">modelled</span> ±50% = 278 mWh × PUE 1.2 × 50 g/kWh")
                .contains("FR, OWID/Ember (2023, lifecycle)")
                .contains("source: " + HtmlReport.escape(RunFixtures.MODELLED_CPU))
                .contains("<b>0.5 mL</b>")                                    // 1000 J = 2.78e-4 kWh × 1.8 L/kWh
                .contains("18,000 samples: <b>55.6 mJ</b> and <b>0.926 µg CO2e</b> per sample")
                .contains("3 GFLOP")
                .contains("completed")
                .contains("architecture=mlp, layers=[784, 128, 10], activation=relu")
                .contains("source=fashion-mnist");
    }

    @Test
    void aFailedRunShowsNoForecastAndTheWholeRunsCo2eCarriesItsOwnMethod() throws Exception {
        Path dir = trainRun(tmp.resolve("mlp"), "p", 300, 0.80, 0.85);
        Path runJson = dir.resolve("run.json");
        Files.writeString(runJson, Files.readString(runJson).replace("\"status\":\"completed\"", "\"status\":\"failed\"")
                .replace("\"forecast\":null", "\"forecast\":{\"energy_joules\":31337}"));
        var mapper = new ObjectMapper();
        var report = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(dir.resolve("footprint.json").toFile());
        report.putObject("cumulative").put("sessions", 2).put("seconds", 20).put("energy_joules", 1200).put("co2e_grams", 0.02)
                .put("energy_method", "measured").put("co2e_method", "modelled");
        Files.writeString(dir.resolve("footprint.json"), mapper.writeValueAsString(report));
        String html = readable(html(dir));
        assertThat(html).contains("failed").doesNotContain("31337");
        assertThat(html).contains("<b>1.2 kJ</b> <span class=\"method m-measured\">measured</span>, <b>20 mg CO2e</b> "
                + "<span class=\"method m-modelled\">modelled</span>");
    }

    @Test
    void phaseCo2eIsPhaseEnergyTimesTheRunsFactorAndEnergyOutsidePhasesGetsItsOwnBar() throws Exception {
        JsonNode phases = embeddedData(html(trainRun(tmp.resolve("mlp"), "p", 300, 0.8, 0.85))).at("/runs/0/phases");
        // 2 × 300 J in phases, 600/0.9 = 666.7 J in all: 66.7 J outside
        assertThat(phases.get("names").toString()).isEqualTo("[\"epoch 1\",\"epoch 2\",\"(outside phases)\"]");
        double gramsPerJoule = 1.2 * 50 / 3.6e6;
        assertThat(phases.at("/co2e_g/0").asDouble()).isCloseTo(300 * gramsPerJoule, within(1e-12));
        assertThat(phases.at("/co2e_g/2").asDouble()).isCloseTo(600 / 0.9 * 0.1 * gramsPerJoule, within(1e-12));
        assertThat(phases.at("/components/0/component").asText()).isEqualTo("cpu");
        assertThat(phases.at("/components/0/joules/0").asDouble()).isCloseTo(270, within(1e-9));
        assertThat(phases.at("/components/0/joules/2").asDouble()).isCloseTo(0.9 * 600 / 0.9 - 2 * 270, within(1e-9));
    }

    @Test
    void comparisonTakesBestAndFinalAccuracyPerRunAndNamesTheRunsItLeavesOut() throws Exception {
        String html = readable(html(trainRun(tmp.resolve("small"), "s", 100, 0.70, 0.82, 0.79),
                trainRun(tmp.resolve("large"), "l", 400, 0.75, 0.88),
                footprintOnlyRun(tmp.resolve("demo"), "d")));
        JsonNode cmp = embeddedData(html).get("comparison");
        assertThat(cmp.get("metric").asText()).isEqualTo("val_accuracy");
        assertThat(cmp.at("/points/0/name").asText()).isEqualTo("small");
        assertThat(cmp.at("/points/0/best").asDouble()).isEqualTo(0.82);
        assertThat(cmp.at("/points/0/final").asDouble()).isEqualTo(0.79);
        assertThat(cmp.at("/points/0/energy_j").asDouble()).isCloseTo(300 / 0.9, within(1e-9));
        assertThat(cmp.at("/points/1/best").asDouble()).isEqualTo(0.88);
        assertThat(cmp.get("excluded").toString()).isEqualTo("[\"demo\"]");
        assertThat(html).contains("Not shown (no val_accuracy in history.jsonl): demo.");
        // 3 + 3 + 2 (no history) per-run charts, and the comparison
        assertThat(html).contains("data-charts-expected=\"9\"").contains("No history.jsonl in this directory");
    }

    @Test
    void runsAreComparedOnTestAccuracyWhenTheyHaveItAndFallBackToValidationLabelled() throws Exception {
        Path small = trainRun(tmp.resolve("small"), "s", 100, 0.70, 0.82, 0.79);
        var run = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(small.resolve("run.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) run.get("training")).put("test_accuracy", 0.8034).put("test_rows", 10000).put("test_loss", 0.55);
        java.nio.file.Files.writeString(small.resolve("run.json"), run.toString());
        String html = readable(html(small, trainRun(tmp.resolve("large"), "l", 400, 0.75, 0.88)));
        JsonNode cmp = embeddedData(html).get("comparison");
        assertThat(cmp.get("metric").asText()).isEqualTo("test_accuracy");
        assertThat(cmp.at("/points/0/best").asDouble()).isEqualTo(0.8034);
        assertThat(cmp.at("/points/0/basis").asText()).isEqualTo("test accuracy on 10,000 rows");
        assertThat(cmp.at("/points/1/best").asDouble()).isEqualTo(0.88);
        assertThat(cmp.at("/points/1/basis").asText()).contains("best validation");
        // the overview names which accuracy each run shows, and the run's own section shows its test accuracy
        assertThat(html).contains("0.8034 <span class=\"muted\">test, 10,000 rows").contains("0.88 <span class=\"muted\">best validation")
                .contains("0.8034</b> on 10,000 held-out test rows");
    }

    @Test
    void aGptRunsLossChartHasOneValidationSeriesAndOnePointPerEvaluation() throws Exception {
        Path gpt = trainRun(tmp.resolve("gpt"), "g", 100, 0.5);
        java.nio.file.Files.writeString(gpt.resolve("history.jsonl"), """
                {"step":50, "train_loss":3.1, "val_loss":3.2, "validation_loss":3.2, "energy_joules":10, "energy_joules_so_far":10}
                {"step":100, "train_loss":2.8, "val_loss":2.9, "validation_loss":2.9, "energy_joules":20, "energy_joules_so_far":20}
                """);
        String html = readable(html(gpt));
        JsonNode metrics = embeddedData(html).at("/runs/0/history/points/0/metrics");
        assertThat(metrics.has("val_loss")).isTrue();
        assertThat(metrics.has("validation_loss")).as(metrics.toString()).isFalse();
        assertThat(html).contains("one point per evaluation").doesNotContain("one point per epoch");
    }

    @Test
    void theRunComparisonTableDoesNotBreakWordsOutsideTheModelColumn() throws Exception {
        String html = html(trainRun(tmp.resolve("a"), "a", 100, 0.5), trainRun(tmp.resolve("b"), "b", 100, 0.6));
        // the overview's cells were broken anywhere ("complete / d", "mlp / 2") by the table-wide overflow-wrap
        assertThat(html).contains("table.overview td:not(:nth-child(2)) { white-space: nowrap; overflow-wrap: normal; }");
        assertThat(html).contains("<th>run</th><th>model</th>");   // column 2 is the model, the one that may wrap
    }

    @Test
    void textFromRunFilesCannotEndTheScriptOrAddMarkup() throws Exception {
        Path dir = HostileRun.write(tmp);
        String html = html(dir);
        // (plain booleans: a failure should not print the whole page)
        assertThat(html.contains(HostileRun.SCRIPT)).as("the script text unescaped").isFalse();
        assertThat(html.contains("<img")).as("an <img> tag").isFalse();
        assertThat(html.contains("<b onmouseover")).as("a <b> tag").isFalse();
        assertThat(html.contains("&lt;/script&gt;&lt;script&gt;")).as("the script text shown as text").isTrue();
        // exactly four script elements: error recorder, data, Chart.js, charts
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(4);
        assertThat(Pattern.compile("</script>").matcher(html).results().count()).isEqualTo(4);
        // and the data still says what the files said
        JsonNode data = embeddedData(html);
        assertThat(data.at("/runs/0/name").asText()).isEqualTo(HostileRun.DIR_NAME);
        assertThat(data.at("/runs/0/phases/names/0").asText()).isEqualTo(HostileRun.SCRIPT);
    }

    @Test
    void pageReferencesNothingOutsideItself() throws Exception {
        String html = html(trainRun(tmp.resolve("a"), "a", 100, 0.7, 0.8), trainRun(tmp.resolve("b"), "b", 200, 0.75));
        // URLs may appear only in comments: the licence headers of Chart.js and @kurkle/color
        String code = html.replaceAll("(?s)<!--.*?-->", "").replaceAll("(?s)/\\*!.*?\\*/", "");
        for (String reference : List.of("http://", "https://", "sourcemappingurl")) {
            assertThat(code.toLowerCase(java.util.Locale.ROOT).contains(reference)).as("page contains %s", reference).isFalse();
        }
        // greenml's own markup, style and script (the library calls canvas.toDataURL, which is no reference)
        String ours = readable(code).toLowerCase(java.util.Locale.ROOT);
        for (String reference : List.of("<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "fetch(", "xmlhttprequest")) {
            assertThat(ours.contains(reference)).as("page contains %s", reference).isFalse();
        }
        assertThat(Pattern.compile("<script[^>]*\\ssrc=").matcher(code).find()).as("a script loaded from elsewhere").isFalse();
        // and it says which library it carries, and under which licence
        ChartLibrary lib = ChartLibrary.load();
        assertThat(lib.version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(readable(html)).contains("Charts: Chart.js " + lib.version() + " (MIT licence")
                .contains("org.webjars.npm:chart.js:" + lib.version());
        assertThat(lib.javaScript().startsWith("/*!\n * Chart.js v" + lib.version())).isTrue();
        assertThat(lib.javaScript().contains("Released under the MIT License")).isTrue();
    }

    @Test
    void missingOptionalFieldsAndFilesLeaveDashesNotExceptions() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bare"));
        Files.writeString(dir.resolve("footprint.json"), "{\"schema\":\"greenml-footprint/1\"}");
        Files.writeString(dir.resolve("history.jsonl"), "{\"epoch\":1}\n\n{\"epoch\":2,\"train_loss\":0.5}\n");
        String html = readable(html(dir));
        assertThat(html).contains("data-charts-expected=\"0\"")
                .contains("No power samples in footprint.json")
                .contains("No phases in footprint.json")
                .contains("history.jsonl has no line with both energy_joules and a loss or accuracy")
                .contains("<b>—</b>")
                .contains("not recorded (no run.json)");
    }

    @Test
    void badInputNamesTheFileAndTheFix() throws Exception {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> RunDirectory.read(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": no such directory; give a run directory (one that holds footprint.json, e.g. runs/demo after ./greenml demo)");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> RunDirectory.read(empty)).hasMessageStartingWith(empty.resolve("footprint.json") + ": not found;")
                .hasMessageContaining("give such a directory");

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("footprint.json"), "{\n  \"schema\": \"greenml-footprint/1\",\n  \"energy\": {\n");
        assertThatThrownBy(() -> RunDirectory.read(broken)).hasMessageStartingWith(broken.resolve("footprint.json") + ": not valid JSON at line 4")
                .hasMessageEndingWith("the file is damaged — restore it or rerun the run that wrote it");

        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("footprint.json"), "{\"schema\":\"codecarbon\"}");
        assertThatThrownBy(() -> RunDirectory.read(other)).hasMessageContaining("schema is 'codecarbon', expected 'greenml-footprint/1'");

        Path badHistory = trainRun(tmp.resolve("bad-history"), "h", 10, 0.5, 0.6);
        Files.writeString(badHistory.resolve("history.jsonl"), "{\"epoch\":1}\n{\"epoch\":2,\n");
        assertThatThrownBy(() -> RunDirectory.read(badHistory)).hasMessageStartingWith(badHistory.resolve("history.jsonl") + " line 2: not valid JSON");

        Path badRun = trainRun(tmp.resolve("bad-run"), "r", 10, 0.5);
        Files.writeString(badRun.resolve("run.json"), "[1, 2]");
        assertThatThrownBy(() -> RunDirectory.read(badRun)).hasMessageStartingWith(badRun.resolve("run.json") + ": expected one JSON object, found array");

        assertThatThrownBy(() -> HtmlReport.write(tmp.resolve("r.html"), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no run directories given");
        Path ok = footprintOnlyRun(tmp.resolve("ok"), "ok");
        assertThatThrownBy(() -> HtmlReport.write(tmp, List.of(ok)))
                .hasMessage(tmp + ": is a directory; give the report a file name, e.g. " + tmp.resolve("report.html"));
        // every message is one line
        for (Path d : List.of(missing, empty, broken, other, badHistory, badRun)) {
            assertThatThrownBy(() -> RunDirectory.read(d)).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void writeReplacesTheFileWholeAndLeavesItAloneOnBadInput() throws Exception {
        Path out = tmp.resolve("out/report.html");
        long bytes = HtmlReport.write(out, List.of(trainRun(tmp.resolve("a"), "a", 100, 0.7)));
        assertThat(Files.size(out)).isEqualTo(bytes);
        String first = Files.readString(out);
        assertThat(first).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThatThrownBy(() -> HtmlReport.write(out, List.of(tmp.resolve("a"), tmp.resolve("missing"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readString(out)).isEqualTo(first);
        try (var files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("report.html");
        }
    }

    @Test
    void numbersReadAsPeopleWriteThem() {
        assertThat(HtmlReport.sig(59.211284, 3)).isEqualTo("59.2");
        assertThat(HtmlReport.sig(1234.5, 3)).isEqualTo("1230");
        assertThat(HtmlReport.sig(0.000123456, 3)).isEqualTo("0.000123");
        assertThat(HtmlReport.sig(1.5e-7, 3)).isEqualTo("1.50e-07");
        assertThat(HtmlReport.joules(59.2)).isEqualTo("59.2 J");
        assertThat(HtmlReport.joules(7.2e6)).isEqualTo("2 kWh");
        assertThat(HtmlReport.joules(0.004626)).isEqualTo("4.63 mJ");
        assertThat(HtmlReport.grams(0.0014378)).isEqualTo("1.44 mg");
        assertThat(HtmlReport.grams(Double.NaN)).isEqualTo("—");
        assertThat(HtmlReport.compact(new ObjectMapper().createObjectNode().put("a", 1).set("b",
                new ObjectMapper().createObjectNode().putArray("c").add(2).add(3)))).isEqualTo("a=1, b=[2, 3]");
    }
}
