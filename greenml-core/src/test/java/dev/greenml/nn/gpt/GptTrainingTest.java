package dev.greenml.nn.gpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.greenml.tensor.Rng;
import dev.greenml.text.BpeTokenizer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end target in miniature: a tiny GPT trained for a few seconds on a slice of the KJV
 * (Genesis, test resource) beats the unigram baseline on held-out text.
 */
class GptTrainingTest {

    @Test void aTinyModelBeatsTheUnigramBaselineOnKjv() throws Exception {
        // one thread: OpenBLAS threads spinning for tiny products on a busy CI machine cost far more than they give
        var saved = dev.greenml.kernels.Backends.current();
        dev.greenml.kernels.Backends.setCurrent(dev.greenml.kernels.Backends.select("auto", 1).backend());
        try {
            trainAndCompare();
        } finally {
            dev.greenml.kernels.Backends.setCurrent(saved);
        }
    }

    /** ≈ 2 s of CPU: vocab 320, context 32, 2 layers of width 32, 150 steps of 16 windows (measured 3.71 vs 4.39 nats). */
    private void trainAndCompare() throws Exception {
        String text = new String(getClass().getResourceAsStream("/text/kjv-genesis.txt").readAllBytes(), StandardCharsets.UTF_8);
        BpeTokenizer tok = BpeTokenizer.train(text.substring(0, 60_000), 320);
        int[] ids = tok.encode(text);
        int split = ids.length * 9 / 10;
        int[] train = java.util.Arrays.copyOfRange(ids, 0, split), val = java.util.Arrays.copyOfRange(ids, split, ids.length);
        Gpt m = new Gpt(new Gpt.Config(tok.vocabSize(), 32, 2, 2, 32, "gelu_tanh"), new Rng(1));
        GptTrainer trainer = new GptTrainer(m, train, val, new GptTrainer.Options(16, 3e-3f, 150, 10, 0.1f, 1f, 1));
        for (int s = 0; s < 150; s++) trainer.step();
        GptTrainer.Evaluation e = trainer.evaluate(64);
        assertThat(e.loss()).as("validation loss vs unigram %s", e.unigramLoss()).isLessThan(e.unigramLoss() - 0.2);
    }
}
