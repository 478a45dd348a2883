package dev.greenml.optim;

import dev.greenml.flops.FlopCounter;
import dev.greenml.nn.Parameters;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum and L2 weight decay, PyTorch's form:
 * <pre>
 *   g ← g + λ·p
 *   b ← g                          (first step)
 *   b ← μ·b + (1 − dampening)·g    (later steps)
 *   p ← p − lr·b                   (or p − lr·(g + μ·b) with Nesterov)
 * </pre>
 */
public final class Sgd extends Optimizer {

    private final float momentum, dampening, weightDecay;
    private final boolean nesterov;
    private final float[] buf;            // (total) momentum buffers
    private final boolean[] bufStarted;   // (count) per parameter: has a momentum buffer

    public Sgd(Parameters params, float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        super(params, lr);
        if (momentum < 0) throw new IllegalArgumentException("momentum must be ≥ 0, got " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buf = momentum != 0 ? new float[params.totalSize()] : null;
        this.bufStarted = new boolean[params.count()];
    }

    public Sgd(Parameters params, float lr) {
        this(params, lr, 0f, 0f, 0f, false);
    }

    @Override public void step() {
        float[] p = params.data(), g = params.grad();
        long flops = 0;
        for (int t = 0; t < params.count(); t++) {
            Tensor tensor = params.tensor(t);
            if (!tensor.hasGrad()) continue;
            int off = params.offset(t), n = tensor.size();
            boolean first = !bufStarted[t];
            for (int i = off; i < off + n; i++) {
                float d = g[i] + weightDecay * p[i];
                if (buf != null) {
                    buf[i] = first ? d : momentum * buf[i] + (1f - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
            bufStarted[t] = true;
            flops += 6L * n;
        }
        FlopCounter.add(flops);
    }

    /** With momentum: the buffers and, per parameter, 1 when its buffer exists (PyTorch creates it on the first step). */
    @Override public Map<String, float[]> state() {
        if (buf == null) return Map.of();
        float[] started = new float[bufStarted.length];
        for (int i = 0; i < started.length; i++) started[i] = bufStarted[i] ? 1f : 0f;
        return Map.of("momentum_buffer", buf, "momentum_started", started);
    }

    @Override public void loadState(Map<String, float[]> state) {
        checkStateShape("SGD" + (buf == null ? " without momentum" : " with momentum"), state(), state);
        if (buf == null) return;
        System.arraycopy(state.get("momentum_buffer"), 0, buf, 0, buf.length);
        float[] started = state.get("momentum_started");
        for (int i = 0; i < started.length; i++) bufStarted[i] = started[i] != 0f;
    }
}
