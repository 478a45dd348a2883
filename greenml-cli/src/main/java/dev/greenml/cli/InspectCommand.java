package dev.greenml.cli;

import dev.greenml.io.safetensors.SafeTensors;
import dev.greenml.io.safetensors.SafeTensorsFile;
import dev.greenml.io.safetensors.TensorEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** greenml inspect: what a safetensors file holds. Works on any valid safetensors file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the tensors (name, dtype, shape, size), metadata and file size of a safetensors file.")
public final class InspectCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.safetensors", description = "Any safetensors file (greenml's or another tool's).")
    Path file;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.") boolean json;

    @Override public Integer call() {
        Output o = new Output(spec.commandLine(), json);
        SafeTensorsFile f = SafeTensors.read(file);
        List<Map<String, Object>> tensors = new ArrayList<>();
        long params = 0;
        for (TensorEntry t : f.tensors().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("dtype", t.dtype().name());
            m.put("shape", t.shape());
            m.put("elements", t.elementCount());
            m.put("bytes", t.data().length);
            tensors.add(m);
            params += t.elementCount();
        }
        if (!json) listing(o, f, tensors.size(), params);   // with --json the object says it all: no listing on stderr too
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command", "inspect");
        result.put("file", file.toAbsolutePath().toString());
        result.put("file_bytes", f.fileSizeBytes());
        result.put("elements", params);
        result.put("tensors", tensors);
        result.put("metadata", f.metadata());
        o.result(result);
        return 0;
    }

    private void listing(Output o, SafeTensorsFile f, int tensors, long params) {
        o.text("%s: %,d bytes, %d tensors, %,d elements", file, f.fileSizeBytes(), tensors, params);
        int nameWidth = Math.max(4, f.tensors().keySet().stream().mapToInt(String::length).max().orElse(4));
        o.text("  %-" + nameWidth + "s  %-5s  %-16s %12s", "name", "dtype", "shape", "elements");
        for (TensorEntry t : f.tensors().values()) {
            o.text("  %-" + nameWidth + "s  %-5s  %-16s %,12d", t.name(), t.dtype().name(), Arrays.toString(t.shape()), t.elementCount());
        }
        if (!f.metadata().isEmpty()) {
            o.text("metadata:");
            f.metadata().forEach((k, v) -> o.text("  %s = %s", k, v));
        }
    }
}
