package dev.greenml.text;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** One id per UTF-8 byte: 256 symbols, nothing to train. */
public final class ByteTokenizer implements Tokenizer {

    @Override public int vocabSize() { return 256; }

    @Override public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        return ids;
    }

    @Override public String decode(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) b[i] = (byte) checked(ids[i]);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override public byte[] bytes(int id) {
        return new byte[] {(byte) checked(id)};
    }

    private static int checked(int id) {
        if (id < 0 || id > 255) throw new IllegalArgumentException("byte tokenizer: id " + id + " is outside [0, 255]");
        return id;
    }

    @Override public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("type", "byte");
    }
}
