package dev.greenml.optim;

import dev.greenml.flops.FlopCounter;
import dev.greenml.kernels.VectorOps;
import dev.greenml.nn.Parameters;
import dev.greenml.parallel.Team;
import dev.greenml.tensor.Tensor;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba, 2015) and, with {@code decoupled}, AdamW (Loshchilov &amp; Hutter, 2019),
 * in PyTorch's formulation (per-parameter step counts, bias corrections, ε outside the root):
 * <pre>
 *   AdamW only: p ← p·(1 − lr·λ)               Adam only: g ← g + λ·p
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 */
public class Adam extends Optimizer {

    private final float beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final float[] m, v;      // (total) first and second moments
    private final int[] steps;       // (count) per-parameter step t
    private boolean[] decays;        // (count) which parameters get weight decay; null = all

    protected Adam(Parameters params, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be ≥ 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = new float[params.totalSize()];
        this.v = new float[params.totalSize()];
        this.steps = new int[params.count()];
    }

    /** Adam with L2 weight decay {@code weightDecay} added to the gradient. */
    public Adam(Parameters params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(Parameters params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /**
     * Restricts weight decay to the parameters whose name {@code which} accepts (a two-group
     * split: decayed and not), e.g. GPT-style "matrices only". Returns this optimizer.
     */
    public Adam decayOnly(java.util.function.Predicate<String> which) {
        decays = new boolean[params.count()];
        for (int t = 0; t < decays.length; t++) decays[t] = which.test(params.name(t));
        return this;
    }

    @Override public void step() {
        if (prepareStep()) update(0, params.totalSize());
    }

    /** The same update with the flat buffer cut into one contiguous element range per thread. */
    @Override public void step(Team team, RangeAction before) {
        int total = params.totalSize(), parts = team.size();
        boolean any = prepareStep();
        team.run(i -> {
            int from = Team.partStart(total, parts, i), to = Team.partStart(total, parts, i + 1);
            before.run(from, to);
            if (any) update(from, to);
        });
    }

    // per-tensor coefficients of the current step, set by prepareStep (count)
    private boolean[] active;
    private float[] stepSize, invSqrtBias2, l2, shrink;

    /** Advances the step count of every parameter with a gradient and computes its coefficients; false when none has one. */
    private boolean prepareStep() {
        int count = params.count();
        if (active == null) {
            active = new boolean[count];
            stepSize = new float[count];
            invSqrtBias2 = new float[count];
            l2 = new float[count];
            shrink = new float[count];
        }
        long flops = 0;
        boolean any = false;
        for (int t = 0; t < count; t++) {
            Tensor tensor = params.tensor(t);
            active[t] = tensor.hasGrad();
            if (!active[t]) continue;
            any = true;
            int step = ++steps[t];
            double bias1 = 1 - Math.pow(beta1, step), bias2 = 1 - Math.pow(beta2, step);
            float wd = decays == null || decays[t] ? weightDecay : 0f;
            stepSize[t] = (float) (lr / bias1);
            invSqrtBias2[t] = (float) (1.0 / Math.sqrt(bias2));
            l2[t] = decoupled ? 0f : wd;
            shrink[t] = decoupled && wd != 0f ? 1f - lr * wd : 1f;
            flops += (long) ADAM_FLOPS_PER_PARAM * tensor.size();
        }
        FlopCounter.add(flops);
        return any;
    }

    /** Applies the prepared step to elements [lo, hi) of the flat buffer. */
    private void update(int lo, int hi) {
        float[] p = params.data(), g = params.grad();
        for (int t = 0; t < active.length; t++) {
            if (!active[t]) continue;
            int off = params.offset(t);
            int a = Math.max(lo, off), b = Math.min(hi, off + params.tensor(t).size());
            if (a >= b) continue;
            if (shrink[t] != 1f) {
                float s = shrink[t];
                for (int i = a; i < b; i++) p[i] *= s;
            }
            VectorOps.adam(p, g, m, v, a, b - a, beta1, beta2, l2[t], stepSize[t], invSqrtBias2[t], eps);
        }
    }

    @Override public Map<String, float[]> state() {
        float[] stepCounts = new float[steps.length];
        for (int i = 0; i < steps.length; i++) stepCounts[i] = steps[i];
        return Map.of("exp_avg", m, "exp_avg_sq", v, "step", stepCounts);
    }

    @Override public void loadState(Map<String, float[]> state) {
        checkStateShape(getClass().getSimpleName(), state(), state);
        float[] stepCounts = state.get("step");
        for (int i = 0; i < stepCounts.length; i++) {
            // counts are whole numbers; as float32 (PyTorch's form) they are exact up to 2^24 steps
            if (!(stepCounts[i] >= 0) || stepCounts[i] != Math.rint(stepCounts[i])) {
                throw new IllegalArgumentException("Adam state 'step' of parameter " + params.name(i)
                        + " must be a whole number ≥ 0, got " + stepCounts[i]);
            }
        }
        System.arraycopy(state.get("exp_avg"), 0, m, 0, m.length);
        System.arraycopy(state.get("exp_avg_sq"), 0, v, 0, v.length);
        for (int i = 0; i < steps.length; i++) steps[i] = (int) stepCounts[i];
    }
}
