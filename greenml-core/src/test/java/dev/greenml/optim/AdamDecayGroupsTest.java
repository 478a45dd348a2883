package dev.greenml.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.nn.Linear;
import dev.greenml.nn.Parameters;
import dev.greenml.tensor.Rng;
import org.junit.jupiter.api.Test;

/** AdamW's decoupled decay restricted to some parameters (GPT style: matrices only). */
class AdamDecayGroupsTest {

    @Test void decayReachesOnlyTheSelectedParameters() {
        Linear l = new Linear(3, 2, new Rng(1));
        Parameters p = l.parameters();
        float[] w0 = l.weight.toArray(), b0 = l.bias.toArray();
        AdamW opt = new AdamW(p, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
        opt.decayOnly(name -> name.equals("weight"));
        l.weight.gradStorage();   // zero gradients: Adam's own update is 0, only the decay moves values
        l.bias.gradStorage();
        opt.step();
        for (int i = 0; i < w0.length; i++) assertThat(l.weight.get(i)).isCloseTo(w0[i] * (1 - 0.1f * 0.5f), within(1e-6f));
        for (int i = 0; i < b0.length; i++) assertThat(l.bias.get(i)).isEqualTo(b0[i]);
    }
}
