package dev.greenml.footprint.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The numbers behind the charts of an HTML report, derived from the run directories so that the
 * page's script only draws. A chart whose data is missing is null here, and {@link #whyNot} says why
 * (the page shows that sentence instead of an empty chart).
 *
 * <p>Shape, one entry per run: {@code power} {t:[s], series:[{component, watts:[W|null]}]};
 * {@code phases} {names, components:[{component, joules:[J]}], co2e_g:[g]}; {@code history}
 * {points:[{energy_j, metrics:{key:value}}]}. Plus {@code comparison}: one point per run.
 */
final class ChartData {

    /** Below this share of the run's energy, energy outside all phases is not drawn as its own bar. */
    private static final double OUTSIDE_PHASES_MIN_SHARE = 0.005;

    /** Metrics tried for the comparison chart, best first; the first any run has is used for all. */
    private static final List<String> COMPARISON_METRICS = List.of("val_accuracy", "train_accuracy", "val_loss", "train_loss");

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ChartData() {}

    static ObjectNode of(List<RunDirectory> runs) {
        ObjectNode o = F.objectNode();
        ArrayNode a = o.putArray("runs");
        for (RunDirectory r : runs) {
            ObjectNode x = a.addObject();
            x.put("name", r.name());
            x.set("power", power(r.footprint()));
            x.set("phases", phases(r.footprint()));
            x.set("history", history(r.history()));
            x.put("energy_method", r.footprint().path("energy").path("method").asText("unknown"));
            x.put("co2e_method", r.footprint().path("co2e").path("method").asText("unknown"));
            x.put("history_energy_method", historyEnergyMethod(r.history()));
        }
        o.set("comparison", runs.size() > 1 ? comparison(runs) : null);
        return o;
    }

    /** Why a run's chart is null, in one sentence for the page. */
    static String whyNot(String chart, RunDirectory r) {
        return switch (chart) {
            case "power" -> "No power samples in footprint.json: the run ended before the first sample (interval "
                    + r.footprint().path("config").path("interval_s").asText("?") + " s).";
            case "phases" -> "No phases in footprint.json: the run did not name any (FootprintRun.phase).";
            case "history" -> r.history().isEmpty()
                    ? "No history.jsonl in this directory: loss and accuracy per epoch are written by greenml train."
                    : "history.jsonl has no line with both energy_joules and a loss or accuracy.";
            default -> throw new IllegalArgumentException(chart);
        };
    }

    /** Power over time by component: footprint.json "samples". */
    static JsonNode power(JsonNode footprint) {
        JsonNode samples = footprint.path("samples");
        if (!samples.isArray() || samples.isEmpty()) return null;
        Set<String> components = new LinkedHashSet<>();
        for (JsonNode s : samples) s.path("watts").fieldNames().forEachRemaining(components::add);
        if (components.isEmpty()) return null;
        ObjectNode o = F.objectNode();
        ArrayNode t = o.putArray("t");
        for (JsonNode s : samples) number(t, s.path("t_s"));
        ArrayNode series = o.putArray("series");
        for (String c : components) {
            ObjectNode x = series.addObject();
            x.put("component", c);
            ArrayNode w = x.putArray("watts");
            for (JsonNode s : samples) number(w, s.path("watts").path(c));
        }
        return o;
    }

    /**
     * Energy by component and CO2e of each top-level phase (a phase's energy includes its children),
     * plus the energy spent outside every phase when it is not negligible. CO2e of a phase is its
     * energy times the run's own grams per joule (PUE × grid intensity; for an intensity time series,
     * the run's energy-weighted mean), which is what footprint.json states for the whole run.
     */
    static JsonNode phases(JsonNode footprint) {
        JsonNode phases = footprint.path("phases");
        if (!phases.isArray() || phases.isEmpty()) return null;
        double totalJoules = footprint.path("energy").path("joules").asDouble(Double.NaN);
        double gramsPerJoule = footprint.path("co2e").path("grams").asDouble(Double.NaN) / totalJoules;

        List<String> names = new ArrayList<>();
        List<Map<String, Double>> byComponent = new ArrayList<>();   // per bar: component → joules
        List<Double> joules = new ArrayList<>();
        for (JsonNode p : phases) {
            names.add(p.path("name").asText(""));
            byComponent.add(components(p.path("components")));
            joules.add(p.path("energy").path("joules").asDouble(Double.NaN));
        }
        double inPhases = joules.stream().mapToDouble(Double::doubleValue).sum();
        double outside = totalJoules - inPhases;
        if (outside > OUTSIDE_PHASES_MIN_SHARE * totalJoules) {
            Map<String, Double> rest = new LinkedHashMap<>(components(footprint.path("components")));
            for (Map<String, Double> m : byComponent) m.forEach((c, j) -> rest.merge(c, -j, Double::sum));
            rest.replaceAll((c, j) -> Math.max(0, j));
            names.add("(outside phases)");
            byComponent.add(rest);
            joules.add(outside);
        }

        ObjectNode o = F.objectNode();
        names.forEach(o.putArray("names")::add);
        Set<String> all = new LinkedHashSet<>();
        byComponent.forEach(m -> all.addAll(m.keySet()));
        ArrayNode comps = o.putArray("components");
        for (String c : all) {
            ObjectNode x = comps.addObject();
            x.put("component", c);
            ArrayNode j = x.putArray("joules");
            for (Map<String, Double> m : byComponent) number(j, m.getOrDefault(c, 0.0));
        }
        ArrayNode co2 = o.putArray("co2e_g");
        for (double j : joules) number(co2, j * gramsPerJoule);
        return o;
    }

    private static Map<String, Double> components(JsonNode list) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (JsonNode c : list) {
            double j = c.path("joules").asDouble(Double.NaN);
            if (Double.isFinite(j)) m.merge(c.path("component").asText("?"), j, Double::sum);
        }
        return m;
    }

    /** Loss and accuracy (any key ending in "loss" or "accuracy") against cumulative energy. */
    static JsonNode history(List<JsonNode> history) {
        ArrayNode points = F.arrayNode();
        for (JsonNode h : history) {
            JsonNode e = h.path("energy_joules");
            if (!e.isNumber()) continue;
            ObjectNode metrics = F.objectNode();
            for (Map.Entry<String, JsonNode> f : h.properties()) {
                // a GPT run's history repeats val_loss as validation_loss (its own name): one series, not two alike
                if (f.getKey().equals("validation_loss") && h.path("val_loss").equals(f.getValue())) continue;
                if ((f.getKey().endsWith("loss") || f.getKey().endsWith("accuracy")) && f.getValue().isNumber()) {
                    metrics.set(f.getKey(), f.getValue());
                }
            }
            if (metrics.isEmpty()) continue;
            ObjectNode p = points.addObject();
            p.set("energy_j", e);
            p.set("epoch", h.path("epoch").isNumber() ? h.get("epoch") : null);
            p.set("metrics", metrics);
        }
        if (points.isEmpty()) return null;
        ObjectNode o = F.objectNode();
        o.set("points", points);
        return o;
    }

    private static String historyEnergyMethod(List<JsonNode> history) {
        Set<String> methods = new LinkedHashSet<>();
        for (JsonNode h : history) if (h.path("energy_method").isTextual()) methods.add(h.get("energy_method").asText());
        return methods.isEmpty() ? "unknown" : String.join("/", methods);
    }

    /** The run's test accuracy (run.json training.test_accuracy, written by greenml train at the end), NaN when absent. */
    static double testAccuracy(RunDirectory r) {
        JsonNode t = r.run().path("training").path("test_accuracy");
        return t.isNumber() ? t.asDouble() : Double.NaN;
    }

    /** The rows test accuracy was measured on, 0 when not recorded. */
    static long testRows(RunDirectory r) {
        return r.run().path("training").path("test_rows").asLong(0);
    }

    /**
     * One point per run: the run's total IT energy against its test accuracy when any run has one
     * (held-out test rows, the same for every run; a run without it falls back to its best
     * validation accuracy, said in "basis"), else against the best and the final value of one
     * metric from history.jsonl. Runs without that metric are listed in "excluded".
     */
    static JsonNode comparison(List<RunDirectory> runs) {
        if (runs.stream().anyMatch(r -> !Double.isNaN(testAccuracy(r)))) return testComparison(runs);
        String metric = null;
        for (String m : COMPARISON_METRICS) {
            if (runs.stream().anyMatch(r -> r.history().stream().anyMatch(h -> h.path(m).isNumber()))) {
                metric = m;
                break;
            }
        }
        ObjectNode o = F.objectNode();
        o.put("metric", metric);
        ArrayNode points = o.putArray("points"), excluded = o.putArray("excluded");
        if (metric == null) {
            runs.forEach(r -> excluded.add(r.name()));
            return o;
        }
        boolean higherIsBetter = metric.endsWith("accuracy");
        o.put("higher_is_better", higherIsBetter);
        for (RunDirectory r : runs) {
            double best = Double.NaN, last = Double.NaN;
            for (JsonNode h : r.history()) {
                if (!h.path(metric).isNumber()) continue;
                last = h.get(metric).asDouble();
                if (Double.isNaN(best) || (higherIsBetter ? last > best : last < best)) best = last;
            }
            addPoint(points, excluded, r, best, last);
        }
        return o;
    }

    /**
     * Run {@code r}'s point (its energy, best and final metric) added to {@code points}, or its name to
     * {@code excluded} when either the metric or the energy is missing. Returns the point, or null.
     */
    private static ObjectNode addPoint(ArrayNode points, ArrayNode excluded, RunDirectory r, double best, double last) {
        double energy = r.footprint().path("energy").path("joules").asDouble(Double.NaN);
        if (Double.isNaN(best) || !Double.isFinite(energy)) {
            excluded.add(r.name());
            return null;
        }
        ObjectNode p = points.addObject();
        p.put("name", r.name());
        p.put("energy_j", energy);
        p.put("energy_method", r.footprint().path("energy").path("method").asText("unknown"));
        p.put("best", best);
        p.put("final", last);
        return p;
    }

    /** The comparison on test accuracy: validation sets differ between runs (--limit, --validation-split), the test set does not. */
    private static JsonNode testComparison(List<RunDirectory> runs) {
        ObjectNode o = F.objectNode();
        o.put("metric", "test_accuracy");
        o.put("higher_is_better", true);
        ArrayNode points = o.putArray("points"), excluded = o.putArray("excluded");
        for (RunDirectory r : runs) {
            double value = testAccuracy(r);
            String basis = String.format(java.util.Locale.ROOT, "test accuracy on %,d rows", testRows(r));
            if (Double.isNaN(value)) {
                for (JsonNode h : r.history()) {
                    if (h.path("val_accuracy").isNumber() && (Double.isNaN(value) || h.get("val_accuracy").asDouble() > value)) {
                        value = h.get("val_accuracy").asDouble();
                    }
                }
                basis = "no test accuracy: best validation accuracy";
            }
            ObjectNode p = addPoint(points, excluded, r, value, value);
            if (p != null) p.put("basis", basis);
        }
        return o;
    }

    private static void number(ArrayNode a, JsonNode v) {
        if (v.isNumber() && Double.isFinite(v.asDouble())) a.add(v.asDouble());
        else a.addNull();
    }

    private static void number(ArrayNode a, double v) {
        if (Double.isFinite(v)) a.add(v);
        else a.addNull();
    }
}
