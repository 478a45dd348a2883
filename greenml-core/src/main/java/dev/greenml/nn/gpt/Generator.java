package dev.greenml.nn.gpt;

import dev.greenml.autograd.Autograd;
import java.util.function.IntConsumer;

/**
 * Autoregressive generation with a {@link GptDecoder}: the prompt is fed token by token (filling
 * the KV cache), then each sampled token is fed back. When the cache holds a full context, the
 * window slides: the cache is rebuilt from the last half-context of tokens, so a long generation
 * costs one re-fill every context/2 tokens instead of a full recompute per token.
 */
public final class Generator {

    private final Gpt model;
    private final GptDecoder decoder;

    public Generator(Gpt model) {
        this.model = model;
        this.decoder = new GptDecoder(model);
    }

    /**
     * Generates {@code count} tokens after {@code prompt} (which must not be empty), calling
     * {@code onToken} for each as it is produced; returns them.
     */
    public int[] generate(int[] prompt, int count, Sampler sampler, IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt must hold at least one token");
        int context = model.config().context();
        int[] all = new int[prompt.length + count];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        int n = prompt.length;
        try (var scope = Autograd.noGrad()) {
            decoder.reset();
            int from = Math.max(0, n - context);
            float[] logits = null;
            for (int i = from; i < n; i++) logits = decoder.step(all[i]);
            for (int g = 0; g < count; g++) {
                int next = sampler.sample(logits);
                all[n++] = next;
                if (onToken != null) onToken.accept(next);
                if (g == count - 1) break;
                if (decoder.full()) {   // slide: keep the last half-context of tokens
                    decoder.reset();
                    int keep = Math.max(1, context / 2);
                    for (int i = n - keep; i < n; i++) logits = decoder.step(all[i]);
                } else {
                    logits = decoder.step(next);
                }
            }
        }
        int[] out = new int[count];
        System.arraycopy(all, prompt.length, out, 0, count);
        return out;
    }
}
