package dev.greenml.footprint.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page about one or more run directories: a table of facts per run (every
 * energy and CO2e figure with its method, source and uncertainty) and charts — power over time by
 * component, energy and CO2e per phase, loss/accuracy against cumulative energy, and with several
 * runs a comparison of accuracy against energy. Chart.js is inlined ({@link ChartLibrary}), so the
 * page opens offline and loads nothing.
 *
 * <p>Text from the run files reaches the page two ways, each escaped for where it lands: HTML text
 * and attributes through {@link #escape}, chart data as JSON in a {@code <script type="application/json">}
 * element through {@link #scriptJson} (the page's script reads it with JSON.parse and hands it to the
 * canvas, never to innerHTML).
 *
 * <p>The page tells a test (or a curious reader) that it worked: {@code <body data-charts-rendered>}
 * counts charts drawn, against {@code data-charts-expected}; {@code <html data-js-errors>} counts
 * script errors, listed in the hidden {@code <pre id="js-errors">}.
 *
 * <pre>{@code HtmlReport.write(Path.of("report.html"), List.of(Path.of("runs/demo")));}</pre>
 */
public final class HtmlReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/dev/greenml/footprint/report/";

    private HtmlReport() {}

    /** Reads the run directories and writes the page to {@code out} atomically; returns its size in bytes. */
    public static long write(Path out, List<Path> runDirectories) throws IOException {
        if (runDirectories.isEmpty()) {
            throw new IllegalArgumentException("no run directories given; name one or more, e.g. greenml report runs/demo --out report.html");
        }
        if (java.nio.file.Files.isDirectory(out)) {
            throw new IllegalArgumentException(out + ": is a directory; give the report a file name, e.g. " + out.resolve("report.html"));
        }
        List<RunDirectory> runs = new ArrayList<>();
        for (Path d : runDirectories) runs.add(RunDirectory.read(d));
        return AtomicFiles.writeString(out, html(runs, Instant.now()));
    }

    /** The page. */
    public static String html(List<RunDirectory> runs, Instant generated) {
        if (runs.isEmpty()) throw new IllegalArgumentException("no runs to report; give at least one run directory");
        ChartLibrary lib = ChartLibrary.load();
        var data = ChartData.of(runs);
        int expected = 0;

        StringBuilder body = new StringBuilder();
        if (runs.size() > 1) {
            body.append("<section class=\"comparison\">\n<h2>Runs compared</h2>\n");
            overview(body, runs);
            JsonNode cmp = data.get("comparison");
            String metric = cmp.path("metric").asText(null);
            body.append("<h3>").append(metric == null ? "Accuracy" : escape(metric)).append(" against energy, one point per run</h3>\n");
            if (cmp.path("points").isEmpty()) {
                body.append("<p class=\"nodata\">No run has a history.jsonl with a loss or accuracy, so there is nothing to compare.</p>\n");
            } else {
                body.append(canvas("compare", "comparison of runs: " + metric + " against total energy"));
                expected++;
                body.append("<p class=\"note\">Energy is each run's total IT energy (before PUE), labelled with its method; ");
                if (metric.equals("test_accuracy")) {
                    body.append("accuracy on the held-out test rows, measured once at the end of training (the same rows for every"
                            + " run, unlike validation sets); a run without it shows its best validation accuracy, said in its tooltip.");
                } else {
                    body.append(cmp.path("higher_is_better").asBoolean() ? "best = highest" : "best = lowest")
                            .append(" value over the epochs, final = last epoch.");
                }
                if (!cmp.path("excluded").isEmpty()) {
                    List<String> names = new ArrayList<>();
                    cmp.path("excluded").forEach(n -> names.add(n.asText()));
                    body.append(" Not shown (no ").append(escape(metric)).append(" in history.jsonl): ")
                            .append(escape(String.join(", ", names))).append('.');
                }
                body.append("</p>\n");
            }
            body.append("</section>\n");
        }
        for (int i = 0; i < runs.size(); i++) expected += run(body, runs.get(i), i, data.get("runs").get(i));

        List<String> names = runs.stream().map(RunDirectory::name).toList();
        StringBuilder page = new StringBuilder(lib.javaScript().length() + body.length() + 16_384);
        page.append("<!DOCTYPE html>\n<html lang=\"en\" data-js-errors=\"0\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>greenml report: ").append(escape(String.join(", ", names))).append("</title>\n")
                .append("<!--\n  Written by greenml report ").append(escape(version(runs))).append(" at ").append(generated).append(".\n")
                .append("  Charts: ").append(ChartLibrary.NAME).append(' ').append(lib.version())
                .append(" (").append(ChartLibrary.LICENCE).append(" licence, (c) Chart.js Contributors; its build bundles @kurkle/color, MIT licence),\n")
                .append("  inlined below from the WebJar org.webjars.npm:chart.js:").append(lib.version())
                .append(", so this page opens offline and loads nothing from the network.\n-->\n")
                .append("<style>\n").append(resource("report.css")).append("</style>\n")
                .append("<script>\n").append(resource("errors.js")).append("</script>\n")
                .append("</head>\n<body data-charts-rendered=\"0\" data-charts-expected=\"").append(expected).append("\">\n")
                .append("<header>\n<h1>greenml report</h1>\n<p>").append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
                .append(". Every energy and CO2e figure says how it was obtained: <span class=\"method m-measured\">measured</span>")
                .append(" (hardware counters) or <span class=\"method m-modelled\">modelled</span> (from a model, with its source),")
                .append(" with its relative uncertainty. Energy is IT energy (before PUE); CO2e includes the PUE.</p>\n</header>\n")
                .append(body)
                .append("<pre id=\"js-errors\" hidden></pre>\n")
                .append("<script type=\"application/json\" id=\"greenml-data\">").append(scriptJson(data)).append("</script>\n")
                .append("<script>/* ").append(ChartLibrary.NAME).append(' ').append(lib.version()).append(", ")
                .append(ChartLibrary.LICENCE).append(" licence */\n").append(lib.javaScript()).append("\n</script>\n")
                .append("<script>\n").append(resource("report.js")).append("</script>\n")
                .append("</body>\n</html>\n");
        return page.toString();
    }

    /** The overview table of several runs: one row each. */
    private static void overview(StringBuilder b, List<RunDirectory> runs) {
        b.append("<table class=\"overview\">\n<thead><tr><th>run</th><th>model</th><th>status</th><th>duration (all sessions)</th>")
                .append("<th>energy (IT)</th><th>CO2e</th><th>accuracy</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < runs.size(); i++) {
            RunDirectory r = runs.get(i);
            JsonNode f = r.footprint(), e = f.path("energy"), c = f.path("co2e");
            double best = Double.NaN;
            for (JsonNode h : r.history()) {
                if (h.path("val_accuracy").isNumber()) best = Double.isNaN(best) ? h.get("val_accuracy").asDouble() : Math.max(best, h.get("val_accuracy").asDouble());
            }
            b.append("<tr><td><a href=\"#run-").append(i).append("\">").append(escape(r.name())).append("</a></td><td>")
                    .append(escape(shorten(compact(r.run().path("model")), 60))).append("</td><td>").append(escape(status(r)))
                    .append("</td><td>").append(seconds(total(r, "seconds", f.path("duration_s"))))
                    .append(sessions(r) > 1 ? " <span class=\"muted\">(" + sessions(r) + " sessions)</span>" : "").append("</td><td>")
                    .append(joules(total(r, "energy_joules", e.path("joules")))).append(' ').append(totalMethod(r, e)).append("</td><td>")
                    .append(grams(total(r, "co2e_grams", c.path("grams")))).append(' ')
                    .append(sessions(r) > 1 ? methodLabel(co2eMethod(r)) : method(c)).append("</td><td>")
                    .append(accuracyCell(r, best)).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        b.append("<p class=\"note\">Duration, energy and CO2e are each run's totals over all its sessions: a run resumed from its"
                + " checkpoint adds the earlier sessions (footprint.json <code>cumulative</code>).</p>\n");
    }

    /** Test accuracy with its rows when the run has one, else the best validation accuracy, labelled. */
    private static String accuracyCell(RunDirectory r, double bestValidation) {
        double test = ChartData.testAccuracy(r);
        if (!Double.isNaN(test)) return sig(test, 4) + String.format(Locale.ROOT, " <span class=\"muted\">test, %,d rows</span>", ChartData.testRows(r));
        return Double.isNaN(bestValidation) ? "—" : sig(bestValidation, 4) + " <span class=\"muted\">best validation</span>";
    }

    /** One run's section; returns how many charts it holds. */
    private static int run(StringBuilder b, RunDirectory r, int index, JsonNode data) {
        JsonNode f = r.footprint(), run = r.run();
        b.append("<section class=\"run\" id=\"run-").append(index).append("\">\n<h2>").append(escape(r.name())).append("</h2>\n");
        b.append("<table class=\"facts\">\n");
        fact(b, "directory", escape(r.dir().toString()));
        if (!run.path("model").isMissingNode()) fact(b, "model", json(run.path("model")));
        else fact(b, "model", "<span class=\"muted\">not recorded (no run.json)</span>");
        if (!run.path("data").isMissingNode()) fact(b, "data", json(run.path("data")));
        if (!run.path("training").isMissingNode()) fact(b, "training", json(run.path("training")));
        if (!Double.isNaN(ChartData.testAccuracy(r))) {
            fact(b, "test accuracy", String.format(Locale.ROOT, "<b>%s</b> on %,d held-out test rows (loss %s)", sig(ChartData.testAccuracy(r), 4),
                    ChartData.testRows(r), sig(run.path("training").path("test_loss").asDouble(Double.NaN), 4)));
        }
        fact(b, "status", escape(status(r)) + progress(r));
        int sessions = sessions(r);
        // a resumed run's footprint.json covers its last session; the whole run is in "cumulative"
        String last = sessions > 1 ? ", last session (" + sessions + " of " + sessions + ")" : "";
        if (sessions > 1) {
            JsonNode cum = f.path("cumulative");
            fact(b, "whole run (" + sessions + " sessions)", "<b>" + seconds(num(cum.path("seconds"))) + "</b>, <b>"
                    + joules(num(cum.path("energy_joules"))) + "</b> " + methodLabel(text(cum.path("energy_method"))) + ", <b>"
                    + grams(num(cum.path("co2e_grams"))) + " CO2e</b> " + methodLabel(co2eMethod(r))
                    + "<div class=\"src\">all sessions of the run; the figures below marked \"last session\" cover session "
                    + sessions + " only</div>");
        }
        fact(b, "time" + last, escape(text(f.path("start"))) + " → " + escape(text(f.path("end")))
                + ", <b>" + seconds(num(f.path("duration_s"))) + "</b>");
        fact(b, "project", escape(text(f.path("project"))) + " <span class=\"muted\">run id " + escape(text(f.path("run_id")))
                + ", greenml " + escape(text(f.path("greenml_version"))) + "</span>");

        JsonNode e = f.path("energy");
        fact(b, "energy (IT)" + last, "<b>" + joules(num(e.path("joules"))) + "</b> = " + kWh(num(e.path("joules"))) + " " + provenance(e));
        StringBuilder comps = new StringBuilder("<ul class=\"plain\">");
        for (JsonNode c : f.path("components")) {
            comps.append("<li>").append(escape(text(c.path("component")))).append(": ").append(joules(num(c.path("joules"))))
                    .append(", average ").append(watts(num(c.path("average_watts")))).append(' ').append(provenance(c)).append("</li>");
        }
        fact(b, "by component" + last, comps.append("</ul>").toString());

        JsonNode c = f.path("co2e");
        String fallback = c.path("fallback").asBoolean()
                ? " <span class=\"warn\">no location given: the world average was used (set --country, --region or --cloud)</span>" : "";
        fact(b, "CO2e" + last, "<b>" + grams(num(c.path("grams"))) + "</b> " + method(c) + uncertainty(c)
                + " = " + kWh(num(e.path("joules"))) + " × PUE " + sig(num(c.path("pue")), 3)
                + " × " + sig(num(c.path("grid_g_per_kwh")), 4) + " g/kWh" + fallback
                + "<div class=\"src\">grid intensity: " + escape(text(c.path("location"))) + ", " + escape(text(c.path("source")))
                + " (" + escape(text(c.path("year"))) + ", " + escape(text(c.path("scope"))) + "); PUE: "
                + escape(text(c.path("pue_source"))) + "</div>");

        JsonNode w = f.path("water");
        fact(b, "water" + last, w.path("estimated").asBoolean()
                ? "<b>" + litres(num(w.path("litres"))) + "</b> " + provenance(w)
                : "<span class=\"muted\">" + escape(text(w.path("note"))) + "</span>");

        JsonNode k = f.path("work");
        fact(b, "work" + last, (k.path("flops").isNumber() ? sig(k.path("flops").asDouble() / 1e9, 4) + " GFLOP" : "—")
                + ", " + sig(num(k.path("gflop_per_s")), 3) + " GFLOP/s, " + sig(num(k.path("joules_per_gflop")), 3) + " J/GFLOP "
                + method(e) + "<div class=\"src\">FLOPs counted analytically by the engine; J/GFLOP = the energy above ÷ FLOPs."
                + " Bytes read " + bytes(k.path("bytes_read")) + ", written " + bytes(k.path("bytes_written")) + ", sent "
                + bytes(k.path("bytes_sent")) + "; moving them: " + kWh(num(k.path("transfer_kwh")) * 3.6e6) + " "
                + methodLabel(text(k.path("transfer_method"))) + " (" + escape(text(k.path("transfer_source"))) + ")</div>");

        StringBuilder units = new StringBuilder();
        for (JsonNode u : f.path("units")) {
            units.append("<div>").append(count(u.path("count"))).append(' ').append(escape(text(u.path("kind")))).append(": <b>")
                    .append(joules(num(u.path("joules_per_unit")))).append("</b> and <b>").append(grams(num(u.path("grams_co2e_per_unit"))))
                    .append(" CO2e</b> per ").append(escape(singular(text(u.path("kind"))))).append(' ')
                    .append(methodLabel(text(u.path("method"))))
                    .append(u.path("basis").isTextual() ? " <span class=\"src\">(energy of " + escape(text(u.path("basis"))) + ")</span>" : "")
                    .append("</div>");
        }
        if (!units.isEmpty()) fact(b, "per unit" + last, units.toString());

        StringBuilder meters = new StringBuilder("<table class=\"meters\"><tr><th>meter</th><th>component</th><th>method</th><th>±</th><th>source</th></tr>");
        for (JsonNode m : f.path("meters")) {
            meters.append("<tr><td>").append(escape(text(m.path("id")))).append("</td><td>").append(escape(text(m.path("component"))))
                    .append("</td><td>").append(methodLabel(text(m.path("method")))).append("</td><td>").append(percent(num(m.path("uncertainty"))))
                    .append("</td><td>").append(escape(text(m.path("source"))));
            if (!text(m.path("note")).isEmpty()) meters.append("<div class=\"src\">").append(escape(text(m.path("note")))).append("</div>");
            meters.append("</td></tr>");
        }
        fact(b, "meters", meters.append("</table>").toString());
        JsonNode mc = f.path("machine");
        fact(b, "machine", escape(text(mc.path("cpu_model"))) + ", " + escape(text(mc.path("logical_cpus"))) + " logical CPUs, "
                + bytes(mc.path("ram_total_bytes")) + " RAM" + (mc.path("gpus").isEmpty() ? "" : ", GPUs: " + escape(mc.path("gpus").toString()))
                + "; " + escape(text(mc.path("os"))) + "; JVM " + escape(text(mc.path("jvm"))));
        b.append("</table>\n");

        int charts = 0;
        b.append("<div class=\"charts\">\n");
        charts += chart(b, "Power over time by component" + last, "power", index, r, data,
                "Power is " + text(e.path("method")) + " (see the meters above); each point is the mean since the previous sample.");
        charts += chart(b, "Energy and CO2e per phase" + last, "phases", index, r, data,
                "Energy is " + text(e.path("method")) + ", stacked by component; a phase includes its sub-phases. CO2e is "
                        + text(c.path("method")) + ": the phase's energy × this run's PUE × grid intensity.");
        charts += chart(b, "Loss and accuracy against cumulative energy", "history", index, r, data,
                "From history.jsonl: one point per " + (r.history().stream().allMatch(h -> h.has("epoch")) ? "epoch"
                        : "evaluation (every --eval-every steps)") + "; energy is cumulative since the start of the run ("
                        + data.path("history_energy_method").asText() + ").");
        b.append("</div>\n</section>\n");
        return charts;
    }

    private static int chart(StringBuilder b, String title, String kind, int index, RunDirectory r, JsonNode data, String note) {
        b.append("<figure>\n<figcaption>").append(escape(title)).append("</figcaption>\n");
        int drawn = 0;
        if (data.path(kind).isNull() || data.path(kind).isMissingNode()) {
            b.append("<p class=\"nodata\">").append(escape(ChartData.whyNot(kind, r))).append("</p>\n");
        } else {
            b.append(canvas(kind + "-" + index, title + ", run " + r.name()));
            b.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
            drawn = 1;
        }
        b.append("</figure>\n");
        return drawn;
    }

    private static String canvas(String id, String label) {
        return "<div class=\"chart\"><canvas id=\"" + escape(id) + "\" role=\"img\" aria-label=\"" + escape(label) + "\"></canvas></div>\n";
    }

    private static void fact(StringBuilder b, String name, String html) {
        b.append("<tr><th>").append(escape(name)).append("</th><td>").append(html).append("</td></tr>\n");
    }

    private static String status(RunDirectory r) {
        String s = text(r.run().path("status"));
        if (!s.isEmpty()) return s;
        JsonNode exit = r.footprint().path("exit_code");
        return exit.isNumber() ? "exit code " + exit.asInt() + " (no run.json)" : "not recorded (no run.json)";
    }

    private static String progress(RunDirectory r) {
        JsonNode run = r.run();
        List<String> parts = new ArrayList<>();
        if (run.path("epochs_done").isNumber()) parts.add(run.get("epochs_done").asInt() + " epochs done");
        if (run.path("best_epoch").isNumber()) parts.add("best epoch " + run.get("best_epoch").asInt());
        if (run.path("best_metric").isObject()) parts.add("best " + compact(run.get("best_metric")));
        if (run.path("budget").isObject()) parts.add("budget " + compact(run.get("budget")));
        // a forecast is of the run still to go: none once training has ended, completed, stopped early or
        // failed to save its result (run.json keeps the last one made)
        String status = text(run.path("status"));
        if (run.path("forecast").isObject() && !status.equals("completed") && !status.equals("stopped-early") && !status.equals("failed")) {
            parts.add("forecast " + compact(run.get("forecast")));
        }
        return parts.isEmpty() ? "" : " <span class=\"muted\">(" + escape(String.join("; ", parts)) + ")</span>";
    }

    /** Sessions of the run: footprint.json {@code cumulative.sessions}, 1 when absent. */
    private static int sessions(RunDirectory r) {
        return Math.max(1, r.footprint().path("cumulative").path("sessions").asInt(1));
    }

    /** A whole-run figure: {@code cumulative.<field>} for a resumed run, else this (only) session's {@code figure}. */
    private static double total(RunDirectory r, String field, JsonNode figure) {
        JsonNode cum = r.footprint().path("cumulative");
        return sessions(r) > 1 && cum.path(field).isNumber() ? cum.get(field).asDouble() : num(figure);
    }

    /**
     * The whole run's CO2e method: cumulative.co2e_method; older reports lack it, and then the last
     * session's co2e method, which is modelled whenever the energy or the grid factor is.
     */
    private static String co2eMethod(RunDirectory r) {
        JsonNode cum = r.footprint().path("cumulative").path("co2e_method");
        return cum.isTextual() ? cum.asText() : text(r.footprint().path("co2e").path("method"));
    }

    private static String totalMethod(RunDirectory r, JsonNode figure) {
        JsonNode m = r.footprint().path("cumulative").path("energy_method");
        return sessions(r) > 1 && m.isTextual() ? methodLabel(m.asText()) : method(figure);
    }

    // ---- provenance labels

    private static String provenance(JsonNode figure) {
        return method(figure) + uncertainty(figure) + "<div class=\"src\">source: " + escape(text(figure.path("source"))) + "</div>";
    }

    private static String method(JsonNode figure) {
        return methodLabel(text(figure.path("method")));
    }

    static String methodLabel(String method) {
        String m = method.isEmpty() ? "unknown" : method;
        String css = m.equals("measured") || m.equals("modelled") ? m : "unknown";
        return "<span class=\"method m-" + css + "\">" + escape(m) + "</span>";
    }

    private static String uncertainty(JsonNode figure) {
        double u = num(figure.path("uncertainty"));
        return Double.isFinite(u) ? " ±" + percent(u) : "";
    }

    // ---- numbers with units (NaN, i.e. a missing or null field, prints as a dash)

    /** Joules as the page prints them (3 significant digits, J to kWh), so tests can find a figure in it. */
    public static String joules(double j) {
        if (!Double.isFinite(j)) return "—";
        double a = Math.abs(j);
        if (a >= 3.6e6) return sig(j / 3.6e6, 3) + " kWh";
        if (a >= 1e3) return sig(j / 1e3, 3) + " kJ";
        if (a >= 1 || a == 0) return sig(j, 3) + " J";
        if (a >= 1e-3) return sig(j * 1e3, 3) + " mJ";
        return sig(j * 1e6, 3) + " µJ";
    }

    private static String kWh(double j) {
        if (!Double.isFinite(j)) return "—";
        double wh = j / 3600;
        if (Math.abs(wh) >= 1e3) return sig(wh / 1e3, 3) + " kWh";
        if (Math.abs(wh) >= 1 || wh == 0) return sig(wh, 3) + " Wh";
        return sig(wh * 1e3, 3) + " mWh";
    }

    static String grams(double g) {
        if (!Double.isFinite(g)) return "—";
        double a = Math.abs(g);
        if (a >= 1e3) return sig(g / 1e3, 3) + " kg";
        if (a >= 1 || a == 0) return sig(g, 3) + " g";
        if (a >= 1e-3) return sig(g * 1e3, 3) + " mg";
        return sig(g * 1e6, 3) + " µg";
    }

    private static String litres(double l) {
        if (!Double.isFinite(l)) return "—";
        return Math.abs(l) >= 1 || l == 0 ? sig(l, 3) + " L" : sig(l * 1e3, 3) + " mL";
    }

    private static String watts(double w) {
        return Double.isFinite(w) ? sig(w, 3) + " W" : "—";
    }

    private static String seconds(double s) {
        if (!Double.isFinite(s)) return "—";
        if (s < 120) return sig(s, 3) + " s";
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d h %02d min", t / 3600, t % 3600 / 60)
                : String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
    }

    private static String percent(double u) {
        return Double.isFinite(u) ? sig(u * 100, 3) + "%" : "—";
    }

    private static String bytes(JsonNode n) {
        if (!n.isNumber()) return "—";
        double v = n.asDouble();
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int i = 0;
        while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
        return (i == 0 ? String.valueOf(n.asLong()) : sig(v, 3)) + " " + units[i];
    }

    private static String count(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%,d", n.asLong()) : "—";
    }

    /** {@code v} to {@code digits} significant digits, without exponent for everyday magnitudes. */
    static String sig(double v, int digits) {
        if (!Double.isFinite(v)) return "—";
        if (v == 0) return "0";
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits));
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e12) return d.stripTrailingZeros().toPlainString();
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
    }

    private static double num(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    private static String singular(String kind) {
        return kind.endsWith("s") ? kind.substring(0, kind.length() - 1) : kind;
    }

    private static String version(List<RunDirectory> runs) {
        return runs.getFirst().footprint().path("greenml_version").asText("");
    }

    // ---- JSON shown to people

    /** A JSON value as one short line (full JSON in the tooltip). */
    private static String json(JsonNode n) {
        String full = n.toString();
        return "<span title=\"" + escape(full) + "\">" + escape(shorten(compact(n), 240)) + "</span>";
    }

    /** {"a":1,"b":{"c":[2,3]}} → a=1, b={c=[2, 3]}. */
    static String compact(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) return "";
        if (n.isObject()) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : n.properties()) {
                if (f.getValue().isNull()) continue;
                String v = compact(f.getValue());
                parts.add(f.getKey() + "=" + (f.getValue().isObject() ? "{" + v + "}" : v));
            }
            return String.join(", ", parts);
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(x -> parts.add(x.isObject() ? "{" + compact(x) + "}" : compact(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        return n.asText();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    // ---- escaping

    /** Text for HTML element content or a quoted attribute value. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    /**
     * JSON that can sit inside a {@code <script>} element: '<', '>' and '&' (which only occur inside
     * JSON strings) become \\u escapes, so no "</script>" or "<!--" can end or confuse the element;
     * U+2028/U+2029 too, for older JavaScript parsers.
     */
    static String scriptJson(JsonNode n) {
        String s;
        try {
            s = JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder b = new StringBuilder(s.length() + 64);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("\\u003c");
                case '>' -> b.append("\\u003e");
                case '&' -> b.append("\\u0026");
                case '\u2028' -> b.append("\\u2028");
                case '\u2029' -> b.append("\\u2029");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException(RESOURCES + name + " is missing from the greenml-footprint jar; rebuild greenml");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
