package dev.greenml.text;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-level byte-pair encoding (Sennrich et al., 2016; byte-level as in GPT-2): ids 0–255 are
 * bytes, and each learned merge i makes id 256 + i from two existing ids. Training repeatedly
 * merges the most frequent adjacent pair. The text is first cut into chunks (a word with its
 * leading space, a run of digits, a run of other whitespace, or one other character) and pairs
 * never cross a chunk boundary, so tokens stay word-like.
 */
public final class BpeTokenizer implements Tokenizer {

    private final int[][] merges;            // (merges, 2) id pair → id 256 + i
    private final Map<Long, Integer> rank;   // pair key → merge index
    private final byte[][] bytesOf;          // (vocab) the bytes each id stands for
    private final Map<String, int[]> cache = new HashMap<>();   // chunk → ids (encoding memo)

    public BpeTokenizer(int[][] merges) {
        if (merges.length > (1 << 20) - 256) throw new IllegalArgumentException("bpe: at most 2^20 − 256 merges, got " + merges.length);
        this.merges = new int[merges.length][];
        this.rank = new HashMap<>();
        this.bytesOf = new byte[256 + merges.length][];
        for (int i = 0; i < 256; i++) bytesOf[i] = new byte[] {(byte) i};
        for (int i = 0; i < merges.length; i++) {
            int[] m = merges[i];
            if (m == null || m.length != 2) {
                throw new IllegalArgumentException("bpe merge " + i + " must be a pair of ids [a, b]");
            }
            for (int id : m) {
                if (id < 0 || id >= 256 + i) {
                    throw new IllegalArgumentException("bpe merge " + i + " uses id " + id + ", but only ids 0 … "
                            + (255 + i) + " exist before it (merges may only combine bytes and earlier merges)");
                }
            }
            this.merges[i] = m.clone();
            rank.put(key(m[0], m[1]), i);
            byte[] a = bytesOf[m[0]], b = bytesOf[m[1]];
            byte[] ab = new byte[a.length + b.length];
            System.arraycopy(a, 0, ab, 0, a.length);
            System.arraycopy(b, 0, ab, a.length, b.length);
            bytesOf[256 + i] = ab;
        }
    }

    /** Learns {@code vocabSize − 256} merges from {@code text}. */
    public static BpeTokenizer train(String text, int vocabSize) {
        if (vocabSize < 256 || vocabSize > 1 << 20) {
            throw new IllegalArgumentException("--vocab must be between 256 (the bytes) and 2^20, got " + vocabSize);
        }
        // unique chunks with their counts; each chunk a mutable id sequence
        Map<String, Integer> counts = new HashMap<>();
        for (String chunk : chunks(text)) counts.merge(chunk, 1, Integer::sum);
        List<int[]> words = new ArrayList<>(counts.size());
        int[] freq = new int[counts.size()];
        int[] lens = new int[counts.size()];
        int w = 0;
        for (var e : counts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
            words.add(ids);
            lens[w] = ids.length;
            freq[w++] = e.getValue();
        }
        int[][] merges = new int[vocabSize - 256][];
        Map<Long, Long> pairCounts = new HashMap<>();
        int made = 0;
        for (; made < merges.length; made++) {
            pairCounts.clear();
            for (int i = 0; i < words.size(); i++) {
                int[] ids = words.get(i);
                for (int j = 0; j + 1 < lens[i]; j++) pairCounts.merge(key(ids[j], ids[j + 1]), (long) freq[i], Long::sum);
            }
            long bestKey = -1, bestCount = 0;
            for (var e : pairCounts.entrySet()) {   // ties broken by the smaller key, for determinism
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && e.getKey() < bestKey)) {
                    bestCount = c;
                    bestKey = e.getKey();
                }
            }
            if (bestCount < 2) break;   // nothing repeats: more merges would not compress
            int a = (int) (bestKey >>> 20), b = (int) (bestKey & 0xfffff), id = 256 + made;
            merges[made] = new int[] {a, b};
            for (int i = 0; i < words.size(); i++) lens[i] = replace(words.get(i), lens[i], a, b, id);
        }
        int[][] learned = new int[made][];
        System.arraycopy(merges, 0, learned, 0, made);
        return new BpeTokenizer(learned);
    }

    /** Replaces each adjacent (a, b) in ids[0 … len) by id, in place; returns the new length. */
    private static int replace(int[] ids, int len, int a, int b, int id) {
        int out = 0;
        for (int j = 0; j < len; j++) {
            if (j + 1 < len && ids[j] == a && ids[j + 1] == b) {
                ids[out++] = id;
                j++;
            } else {
                ids[out++] = ids[j];
            }
        }
        return out;
    }

    /**
     * One long per pair. Ids are below 2^20, so a &lt;&lt; 20 | b keeps small pairs within 32 bits, where
     * Long.hashCode is collision-free (a &lt;&lt; 32 | b hashed to a ^ b and filled HashMap bins).
     */
    private static long key(int a, int b) {
        return ((long) a << 20) | b;
    }

    /** Cuts text into chunks: " word", "123", whitespace runs, single other characters. */
    static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length(), i = 0;
        while (i < n) {
            int start = i;
            char ch = text.charAt(i);
            if (ch == ' ' && i + 1 < n && Character.isLetterOrDigit(text.charAt(i + 1))) {
                i++;
                ch = text.charAt(i);
            }
            if (Character.isLetter(ch)) {
                while (i < n && Character.isLetter(text.charAt(i))) i++;
            } else if (Character.isDigit(ch)) {
                while (i < n && Character.isDigit(text.charAt(i))) i++;
            } else if (Character.isWhitespace(ch)) {
                while (i < n && Character.isWhitespace(text.charAt(i))
                        && !(text.charAt(i) == ' ' && i + 1 < n && Character.isLetterOrDigit(text.charAt(i + 1)))) i++;
                if (i == start) i++;
            } else {
                i += Character.charCount(text.codePointAt(i));
            }
            out.add(text.substring(start, i));
        }
        return out;
    }

    @Override public int vocabSize() { return 256 + merges.length; }

    public int mergeCount() { return merges.length; }

    @Override public int[] encode(String text) {
        List<String> parts = chunks(text);
        int[][] pieces = new int[parts.size()][];
        int total = 0;
        for (int p = 0; p < pieces.length; p++) {
            pieces[p] = cache.computeIfAbsent(parts.get(p), this::encodeChunk);
            total += pieces[p].length;
        }
        int[] ids = new int[total];
        int o = 0;
        for (int[] piece : pieces) {
            System.arraycopy(piece, 0, ids, o, piece.length);
            o += piece.length;
        }
        return ids;
    }

    /** Applies merges in the order they were learned: always the lowest-ranked pair present. */
    private int[] encodeChunk(String chunk) {
        byte[] b = chunk.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) ids[i] = b[i] & 0xff;
        int len = ids.length;
        while (len > 1) {
            int best = Integer.MAX_VALUE;
            for (int j = 0; j + 1 < len; j++) {
                Integer r = rank.get(key(ids[j], ids[j + 1]));
                if (r != null && r < best) best = r;
            }
            if (best == Integer.MAX_VALUE) break;
            len = replace(ids, len, merges[best][0], merges[best][1], 256 + best);
        }
        int[] out = new int[len];
        System.arraycopy(ids, 0, out, 0, len);
        return out;
    }

    @Override public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(bytes(id));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override public byte[] bytes(int id) {
        if (id < 0 || id >= bytesOf.length) {
            throw new IllegalArgumentException("bpe tokenizer: id " + id + " is outside [0, " + (bytesOf.length - 1) + "]");
        }
        return bytesOf[id];
    }

    @Override public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", "bpe");
        o.put("version", 1);
        o.put("vocab", vocabSize());
        ArrayNode m = o.putArray("merges");
        for (int[] pair : merges) m.addArray().add(pair[0]).add(pair[1]);
        return o;
    }
}
