package dev.greenml.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes tokenizers in their JSON form (documented on {@link Tokenizer}). */
public final class Tokenizers {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The safetensors metadata key under which a model file embeds its tokenizer's JSON. */
    public static final String METADATA_KEY = "greenml.tokenizer";

    private Tokenizers() {}

    /** @throws IllegalArgumentException naming what is wrong with the JSON */
    public static Tokenizer fromJson(String text, String where) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": tokenizer file is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (o == null || !o.isObject()) throw new IllegalArgumentException(where + ": a tokenizer must be a JSON object with a \"type\"");
        String type = o.path("type").asText("");
        switch (type) {
            case "byte":
                return new ByteTokenizer();
            case "bpe": {
                JsonNode version = o.path("version");
                if (!version.isMissingNode() && version.asInt(-1) != 1) {
                    throw new IllegalArgumentException(where + ": bpe tokenizer version " + version + " is not supported (this greenml reads version 1)");
                }
                JsonNode m = o.path("merges");
                if (!m.isArray()) throw new IllegalArgumentException(where + ": a bpe tokenizer needs \"merges\": an array of [a, b] id pairs");
                int[][] merges = new int[m.size()][];
                for (int i = 0; i < merges.length; i++) {
                    JsonNode p = m.get(i);
                    if (!p.isArray() || p.size() != 2 || !p.get(0).isIntegralNumber() || !p.get(1).isIntegralNumber()) {
                        throw new IllegalArgumentException(where + ": merges[" + i + "] is " + p + "; each merge must be a pair of integer ids [a, b]");
                    }
                    merges[i] = new int[] {p.get(0).asInt(), p.get(1).asInt()};
                }
                try {
                    BpeTokenizer t = new BpeTokenizer(merges);
                    JsonNode vocab = o.path("vocab");
                    if (!vocab.isMissingNode() && vocab.asInt() != t.vocabSize()) {
                        throw new IllegalArgumentException("\"vocab\" says " + vocab + " but 256 bytes + " + merges.length
                                + " merges make " + t.vocabSize());
                    }
                    return t;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
            }
            default:
                throw new IllegalArgumentException(where + ": unknown tokenizer type '" + type + "' (expected \"byte\" or \"bpe\")");
        }
    }

    public static Tokenizer read(Path path) throws IOException {
        return fromJson(dev.greenml.files.TextFiles.readUtf8(path), path.getFileName().toString());
    }

    public static void write(Path path, Tokenizer t) throws IOException {
        AtomicFiles.write(path, (t.toJson().toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
