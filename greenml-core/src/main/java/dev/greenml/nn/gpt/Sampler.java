package dev.greenml.nn.gpt;

import dev.greenml.tensor.Rng;
import java.util.Arrays;

/**
 * Picks the next token from logits: greedy (argmax) when the temperature is 0; otherwise
 * softmax(logits / temperature), restricted to the {@code topK} most likely tokens (0 = all) and
 * then to the smallest set whose probability reaches {@code topP} (nucleus sampling, Holtzman et
 * al., 2020; 1 = all), renormalised and sampled with a seeded generator.
 */
public final class Sampler {

    private final float temperature, topP;
    private final int topK;
    private final Rng rng;
    private long[] order = new long[0];   // (vocab) probability bits << 32 | token, sorted; reused
    private float[] probs = new float[0];

    public Sampler(float temperature, int topK, float topP, long seed) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a finite number ≥ 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("--top-k must be ≥ 0 (0 = no limit), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--top-p must be in (0, 1] (1 = no limit), got " + topP);
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.rng = new Rng(seed);
    }

    public int sample(float[] logits) {
        int v = logits.length;
        if (temperature == 0f) {
            int best = 0;
            for (int i = 1; i < v; i++) if (logits[i] > logits[best]) best = i;
            return best;
        }
        if (order.length != v) {
            order = new long[v];
            probs = new float[v];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (int i = 0; i < v; i++) {
            probs[i] = (float) Math.exp((logits[i] - max) / temperature);
            sum += probs[i];
        }
        for (int i = 0; i < v; i++) {
            probs[i] = (float) (probs[i] / sum);
            // non-negative floats order like their bit patterns, so sorting the longs sorts by probability
            order[i] = ((long) Float.floatToIntBits(probs[i]) << 32) | i;
        }
        Arrays.sort(order);   // ascending: the most likely token is last
        int keep = topK == 0 ? v : Math.min(topK, v);
        double mass = 0;
        int kept = 0;
        for (int r = v - 1; r >= v - keep; r--) {
            mass += probs[(int) order[r]];
            kept++;
            if (mass >= topP) break;
        }
        double u = rng.nextDouble() * mass, acc = 0;
        for (int r = v - 1; r > v - 1 - kept; r--) {
            int token = (int) order[r];
            acc += probs[token];
            if (u < acc) return token;
        }
        return (int) order[v - kept];
    }
}
