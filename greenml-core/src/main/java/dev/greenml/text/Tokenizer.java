package dev.greenml.text;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Text ↔ token ids. Both implementations work on the UTF-8 bytes of the text, so every string
 * encodes (no unknown token) and decode(encode(s)) == s.
 *
 * <p>JSON form (see {@link Tokenizers#fromJson}):
 * <pre>
 *   {"type": "byte"}                                              256 ids, id = byte value
 *   {"type": "bpe", "version": 1, "merges": [[101, 32], [116, 104], …]}
 *       id 256 + i is the concatenation of the two ids of merges[i]; vocab = 256 + merges
 * </pre>
 */
public interface Tokenizer {

    /** Number of distinct ids: ids are 0 … vocabSize − 1. */
    int vocabSize();

    int[] encode(String text);

    /** Text of the ids; byte sequences that are not valid UTF-8 become U+FFFD. */
    String decode(int[] ids);

    /** The UTF-8 bytes of one id (for streaming output). */
    byte[] bytes(int id);

    ObjectNode toJson();
}
