package dev.greenml.nn;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a {@link ModelConfig} from its JSON form; one case per architecture. */
public final class ModelConfigs {

    /** Architectures this version can rebuild. */
    public static final java.util.List<String> ARCHITECTURES = java.util.List.of("mlp", "cnn");

    private ModelConfigs() {}

    /** @throws IllegalArgumentException naming the problem, e.g. an unknown architecture or a bad field */
    public static ModelConfig fromJson(JsonNode json) {
        if (json == null || !json.isObject()) throw new IllegalArgumentException("the model config must be a JSON object");
        String arch = json.path("architecture").asText("");
        return switch (arch) {
            case "mlp" -> Mlp.Config.fromJson(json);
            case "cnn" -> Cnn.Config.fromJson(json);
            default -> throw new IllegalArgumentException("architecture '" + arch + "' is not supported by this greenml"
                    + " (supported: " + String.join(", ", ARCHITECTURES) + ")");
        };
    }

    /** A positive int field, or an error naming it. */
    public static int positiveInt(JsonNode json, String field) {
        JsonNode v = json.path(field);
        if (!v.canConvertToInt() || v.asInt() <= 0 || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("config field '" + field + "' must be a positive integer, got " + (v.isMissingNode() ? "nothing" : v));
        }
        return v.asInt();
    }
}
