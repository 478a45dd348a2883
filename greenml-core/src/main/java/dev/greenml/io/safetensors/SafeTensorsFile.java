package dev.greenml.io.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The complete, validated content of one safetensors file.
 *
 * <pre>{@code
 * SafeTensorsFile file = SafeTensors.read(Path.of("model.safetensors"));
 * float[] w = file.get("fc1.weight").toFloats();
 * String arch = file.metadata().get("architecture");
 * }</pre>
 *
 * @param tensors       tensors by name, in the order their bytes appear in the file (for files
 *                      greenml writes, also the header order and the order given to the writer)
 * @param metadata      the {@code __metadata__} map; empty when the file has none
 * @param fileSizeBytes size of the file (or byte array) this was read from
 */
public record SafeTensorsFile(Map<String, TensorEntry> tensors, Map<String, String> metadata,
                              long fileSizeBytes) {

    public SafeTensorsFile {
        // LinkedHashMap copies keep the order; Map.copyOf would not
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensor called {@code name}; throws naming the tensors there are if it is absent. */
    public TensorEntry get(String name) {
        TensorEntry entry = tensors.get(Objects.requireNonNull(name, "tensor name"));
        if (entry == null) {
            throw new ModelFileException("no tensor named '" + name + "' in the model file;"
                    + " it has " + (tensors.isEmpty() ? "no tensors" : tensors.keySet()));
        }
        return entry;
    }

    /** Whether a tensor called {@code name} is present. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }
}
