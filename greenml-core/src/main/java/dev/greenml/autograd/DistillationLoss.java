package dev.greenml.autograd;

import static dev.greenml.autograd.Autograd.record;

import dev.greenml.flops.FlopCounter;
import dev.greenml.tensor.Shape;
import dev.greenml.tensor.Tensor;

/**
 * Knowledge distillation (Hinton, Vinyals and Dean, 2015) as one fused op on the student's
 * logits z (n, C), given the teacher's logits t (n, C) (a constant: the teacher ran in inference
 * mode) and the labels y:
 * <pre>
 *   p = softmax(t / T)      q = softmax(z / T)      s = softmax(z)
 *   L = (1/n) Σ_r [ α·T²·KL(p_r ‖ q_r) + (1 − α)·CE(y_r, s_r) ]
 *     KL(p ‖ q) = Σ_c p_c (log p_c − log q_c),      CE(y, s) = −log s_y
 *   dz_rc += dL · (1/n) [ α·T·(q_rc − p_rc) + (1 − α)(s_rc − [c = y_r]) ]
 * </pre>
 * (d/dz of −Σ p log q(z/T) is (q − p)/T, so the T² factor leaves T: Hinton's scaling keeps the
 * soft term's gradient comparable across temperatures.) Matches PyTorch's
 * {@code α·T²·kl_div(log_softmax(z/T), softmax(t/T), reduction='batchmean') + (1−α)·cross_entropy(z, y)}.
 */
public final class DistillationLoss {

    private DistillationLoss() {}

    public static Tensor of(Tensor student, Tensor teacher, int[] labels, float temperature, float alpha) {
        if (student.rank() != 2 || !java.util.Arrays.equals(student.shape(), teacher.shape())) {
            throw new IllegalArgumentException("distillation: student logits " + Shape.str(student.shape()) + " and teacher logits "
                    + Shape.str(teacher.shape()) + " must both be (n, classes)");
        }
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a positive number, got " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("--alpha must be in [0, 1], got " + alpha);
        int n = student.dim(0), c = student.dim(1);
        if (labels.length != n) throw new IllegalArgumentException("distillation: " + n + " rows of logits but " + labels.length + " labels");
        for (int r = 0; r < n; r++) {
            if (labels[r] < 0 || labels[r] >= c) {
                throw new IllegalArgumentException("distillation: label " + labels[r] + " at row " + r + " is outside [0, " + (c - 1) + "]");
            }
        }
        float[] z = student.data(), t = teacher.data();
        int zo = student.offset(), to = teacher.offset();
        float[] logp = new float[c], logq = new float[n * c], logs = new float[n * c], zt = new float[c];
        float[] p = new float[n * c];
        double total = 0;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < c; j++) zt[j] = t[to + r * c + j] / temperature;
            Ops.logSoftmaxRow(zt, 0, logp, 0, c);
            for (int j = 0; j < c; j++) zt[j] = z[zo + r * c + j] / temperature;
            Ops.logSoftmaxRow(zt, 0, logq, r * c, c);
            Ops.logSoftmaxRow(z, zo + r * c, logs, r * c, c);
            double kl = 0;
            for (int j = 0; j < c; j++) {
                float pj = (float) Math.exp(logp[j]);
                p[r * c + j] = pj;
                if (pj > 0f) kl += pj * ((double) logp[j] - logq[r * c + j]);
            }
            total += alpha * temperature * temperature * kl - (1 - alpha) * logs[r * c + labels[r]];
        }
        Tensor loss = Tensor.scalar((float) (total / n));
        FlopCounter.add(12L * n * c);
        int[] y = labels.clone();
        return record(loss, "distillation", o -> {
            float g = o.gradStorage()[o.gradOffset()] / n;
            float[] gz = student.gradStorage();
            int gzo = student.gradOffset();
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < c; j++) {
                    int i = r * c + j;
                    float q = (float) Math.exp(logq[i]), s = (float) Math.exp(logs[i]);
                    gz[gzo + i] += g * (alpha * temperature * (q - p[i]) + (1 - alpha) * (s - (j == y[r] ? 1f : 0f)));
                }
            }
            FlopCounter.add(6L * n * c);
        }, student);
    }
}
