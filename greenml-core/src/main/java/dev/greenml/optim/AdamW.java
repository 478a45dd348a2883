package dev.greenml.optim;

import dev.greenml.nn.Parameters;

/** Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019); see {@link Adam}. */
public final class AdamW extends Adam {

    public AdamW(Parameters params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(Parameters params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0.01f);
    }
}
