package dev.greenml.cli.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.greenml.footprint.meter.Meter;
import dev.greenml.footprint.meter.Meters;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code greenml footprint detect}: which meters work here, which do not, why, and the fix. */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "List the energy meters that work on this machine, and why the others do not.")
public final class DetectCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of text: {\"meters\":[{\"id\",\"component\",\"available\",\"used\",\"method\",\"source\",\"uncertainty\",\"reason\",\"fix\",\"note\"}, …]}.")
    boolean json;

    @Option(names = "--root", hidden = true, defaultValue = "/", description = "Root holding /sys and /proc (tests).")
    Path root;

    @Override public Integer call() throws Exception {
        List<Meter> all = Meters.detect(root);
        List<Meter> used = Meters.select(all);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            // one object, like every other command's --json, so that fields can be added beside the list
            ObjectNode root = mapper.createObjectNode();
            ArrayNode a = root.putArray("meters");
            for (Meter m : all) {
                ObjectNode o = a.addObject();
                o.put("id", m.id());
                o.put("component", m.component());
                o.put("available", m.availability().available());
                o.put("used", used.contains(m));
                o.put("method", m.method().label());
                o.put("source", m.source());
                if (Double.isFinite(m.uncertainty())) o.put("uncertainty", m.uncertainty());
                else o.putNull("uncertainty");
                o.put("reason", m.availability().reason());
                o.put("fix", m.availability().fix());
                o.put("note", m.note());
            }
            out.println(mapper.writeValueAsString(root));
        } else {
            for (Meter m : all) {
                if (m.availability().available()) {
                    out.printf(Locale.ROOT, "%s %-13s %-6s %-8s ±%.0f%%  %s%n", used.contains(m) ? "✓ used " : "✓ spare",
                            m.id(), m.component(), m.method().label(), m.uncertainty() * 100, m.source());
                    if (!m.note().isEmpty()) out.println("          note: " + m.note());
                } else {
                    out.printf(Locale.ROOT, "✗ n/a   %-13s %-6s %-8s %s%n", m.id(), m.component(), m.method().label(),
                            m.availability().reason());
                    if (!m.availability().fix().isEmpty()) out.println("          fix: " + m.availability().fix());
                }
            }
        }
        out.flush();
        return 0;
    }
}
