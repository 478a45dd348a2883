package dev.greenml.footprint.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.files.AtomicFiles;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintResult.ComponentEnergy;
import dev.greenml.footprint.run.FootprintResult.Energy;
import dev.greenml.footprint.run.FootprintResult.PhaseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The complete result as JSON, schema {@value #SCHEMA}. The key set is stable: new keys may be
 * added under a new schema name only. Every energy and CO2e object carries "method"
 * (measured|modelled), "source" and "uncertainty" (relative). NaN becomes null.
 */
public final class JsonReport {

    public static final String SCHEMA = "greenml-footprint/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    /** Writes {@code result} to {@code file} atomically. */
    public static void write(Path file, FootprintResult result) throws IOException {
        AtomicFiles.writeString(file, text(result) + "\n");
    }

    /** The JSON text. */
    public static String text(FootprintResult result) {
        try {
            return JSON.writeValueAsString(tree(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON tree. */
    public static ObjectNode tree(FootprintResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", SCHEMA);
        o.put("greenml_version", r.greenmlVersion());
        o.put("run_id", r.runId());
        o.put("project", r.project());
        o.put("start", r.start().toString());
        o.put("end", r.end().toString());
        o.put("duration_s", r.durationSeconds());
        if (r.exitCode() != null) o.put("exit_code", r.exitCode());
        else o.putNull("exit_code");

        ObjectNode m = o.putObject("machine");
        m.put("cpu_model", r.machine().cpuModel());
        m.put("logical_cpus", r.machine().logicalCpus());
        m.put("os", r.machine().os());
        m.put("jvm", r.machine().jvm());
        m.put("ram_total_bytes", r.machine().ramTotalBytes());
        r.machine().gpus().forEach(m.putArray("gpus")::add);

        ArrayNode meters = o.putArray("meters");
        for (var u : r.meters()) {
            ObjectNode x = meters.addObject();
            x.put("id", u.id());
            x.put("component", u.component());
            x.put("method", u.method());
            x.put("source", u.source());
            num(x, "uncertainty", u.uncertainty());
            x.put("note", u.note());
        }

        energy(o.putObject("energy"), r.energy());
        components(o.putArray("components"), r.components());

        var c = r.carbon();
        ObjectNode co2 = o.putObject("co2e");
        num(co2, "grams", c.gramsCo2e());
        co2.put("method", c.method());
        co2.put("source", c.source());
        num(co2, "uncertainty", c.uncertainty());
        num(co2, "grid_g_per_kwh", c.gramsPerKWh());
        co2.put("location", c.location());
        co2.put("year", c.year());
        co2.put("scope", c.scope());
        co2.put("fallback", c.fallback());
        num(co2, "pue", c.pue());
        co2.put("pue_source", c.pueSource());
        num(co2, "facility_kwh", r.energy().kWh() * c.pue());

        var w = r.water();
        ObjectNode water = o.putObject("water");
        water.put("estimated", w.estimated());
        num(water, "litres", w.litres());
        water.put("method", w.method());
        water.put("source", w.source());
        num(water, "uncertainty", w.uncertainty());
        water.put("note", w.note());

        var k = r.work();
        ObjectNode work = o.putObject("work");
        work.put("flops", k.flops());
        num(work, "gflop_per_s", k.gflopPerSecond());
        num(work, "joules_per_gflop", k.joulesPerGflop());
        work.put("bytes_read", k.bytesRead());
        work.put("bytes_written", k.bytesWritten());
        work.put("bytes_sent", k.bytesSent());
        num(work, "transfer_kwh", k.transferKWh());
        work.put("transfer_method", "modelled");
        work.put("transfer_source", k.transferSource());

        ArrayNode units = o.putArray("units");
        for (var u : r.units()) {
            ObjectNode x = units.addObject();
            x.put("kind", u.kind());
            x.put("count", u.count());
            num(x, "joules_per_unit", u.joulesPerUnit());
            num(x, "grams_co2e_per_unit", u.gramsCo2ePerUnit());
            x.put("method", r.energy().method());
            x.put("basis", u.basis());
        }

        ArrayNode phases = o.putArray("phases");
        r.phases().forEach(p -> phase(phases.addObject(), p));

        ArrayNode samples = o.putArray("samples");
        for (var s : r.samples()) {
            ObjectNode x = samples.addObject();
            num(x, "t_s", s.seconds());
            ObjectNode watts = x.putObject("watts");
            s.watts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> num(watts, e.getKey(), e.getValue()));
        }

        ObjectNode cfg = o.putObject("config");
        r.config().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> cfg.put(e.getKey(), e.getValue()));
        r.equivalents().forEach(o.putArray("equivalents")::add);
        return o;
    }

    private static void phase(ObjectNode x, PhaseResult p) {
        x.put("name", p.name());
        x.put("start", p.start().toString());
        x.put("end", p.end().toString());
        num(x, "duration_s", p.seconds());
        energy(x.putObject("energy"), p.energy());
        num(x, "self_joules", p.selfJoules());
        x.put("flops", p.flops());
        components(x.putArray("components"), p.components());
        ArrayNode kids = x.putArray("children");
        p.children().forEach(c -> phase(kids.addObject(), c));
    }

    private static void components(ArrayNode a, java.util.List<ComponentEnergy> list) {
        for (ComponentEnergy c : list) {
            ObjectNode x = a.addObject();
            x.put("component", c.component());
            energy(x, c.energy());
            num(x, "average_watts", c.averageWatts());
        }
    }

    private static void energy(ObjectNode x, Energy e) {
        num(x, "joules", e.joules());
        num(x, "kwh", e.kWh());
        x.put("method", e.method());
        x.put("source", e.source());
        num(x, "uncertainty", e.uncertainty());
    }

    private static void num(ObjectNode x, String key, double v) {
        if (Double.isFinite(v)) x.put(key, v);
        else x.putNull(key);
    }
}
