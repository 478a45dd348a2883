package dev.greenml.train;

import dev.greenml.autograd.Autograd;
import dev.greenml.autograd.Losses;
import dev.greenml.data.Dataset;
import dev.greenml.nn.Module;
import dev.greenml.optim.Optimizer;
import dev.greenml.optim.Optimizers;
import dev.greenml.tensor.Rng;
import dev.greenml.tensor.Tensor;

/**
 * The training loop: for each batch, forward, loss, zero_grad, backward, step.
 * Batches are views into the dataset when rows are in order (no copy), gathered into a reused
 * buffer when shuffled.
 */
public final class Trainer {

    /** Called as training progresses; all methods optional. */
    public interface Listener {
        default void onStep(int epoch, int step, int stepsPerEpoch, float loss, int batchRows) {}
        default void onEpochEnd(int epoch, double meanLoss, Evaluation validation) {}
    }

    /** Loss (and accuracy for classification, else NaN) of a model on a dataset. */
    public record Evaluation(double loss, double accuracy, int rows) {}

    private final TrainConfig config;
    private final Module model;
    private final Optimizer optimizer;
    private final Rng rng;

    public Trainer(Module model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.optimizer = Optimizers.create(config.optimizer(), model.parameters(), config.lr(),
                config.weightDecay(), config.momentum());
        this.rng = new Rng(config.seed() ^ 0x5DEECE66DL);
    }

    public Optimizer optimizer() { return optimizer; }

    /** Trains for the configured epochs; evaluates on {@code validation} (may be null) after each. */
    public void fit(Dataset train, Dataset validation, Listener listener) {
        checkCompatible(train);
        int rows = train.rows(), b = config.batchSize();
        int steps = (rows + b - 1) / b;
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        Batch batch = new Batch(train, Math.min(b, rows));
        model.train();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            if (config.shuffle()) rng.shuffle(order);
            double sum = 0;
            for (int s = 0; s < steps; s++) {
                int from = s * b, to = Math.min(rows, from + b);
                batch.load(order, from, to, config.shuffle());
                Tensor loss = loss(model.forward(batch.x), batch);
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                float l = loss.item();
                sum += (double) l * (to - from);
                listener.onStep(epoch, s + 1, steps, l, to - from);
            }
            Evaluation val = validation == null ? null : evaluate(model, validation, config.loss(), 1024);
            listener.onEpochEnd(epoch, sum / rows, val);
        }
    }

    /** One training step on rows [from, to) in order; for benchmarks that drive steps themselves. */
    public float step(Dataset data, int from, int to) {
        Batch batch = new Batch(data, to - from);
        batch.load(null, from, to, false);
        Tensor loss = loss(model.forward(batch.x), batch);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss.item();
    }

    private Tensor loss(Tensor out, Batch batch) {
        return config.loss().equals("mse") ? Losses.mse(out, batch.y) : Losses.crossEntropy(out, batch.labels);
    }

    private void checkCompatible(Dataset d) {
        if (config.loss().equals("cross-entropy") && !d.isClassification()) {
            throw new IllegalArgumentException("--loss cross-entropy needs integer class labels in the target column");
        }
        if (config.loss().equals("mse") && d.isClassification()) {
            throw new IllegalArgumentException("--loss mse needs numeric targets, the dataset has class labels");
        }
    }

    /** Mean loss (and accuracy) over {@code data} in inference mode, in batches. */
    public static Evaluation evaluate(Module model, Dataset data, String lossName, int batchSize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        Batch batch = new Batch(data, Math.min(batchSize, data.rows()));
        try (var scope = Autograd.noGrad()) {
            for (int from = 0; from < data.rows(); from += batchSize) {
                int to = Math.min(data.rows(), from + batchSize);
                batch.load(null, from, to, false);
                Tensor out = model.forward(batch.x);
                if (lossName.equals("mse")) {
                    lossSum += (double) Losses.mse(out, batch.y).item() * (to - from);
                } else {
                    lossSum += (double) Losses.crossEntropy(out, batch.labels).item() * (to - from);
                    int classes = out.dim(1);
                    for (int r = 0; r < to - from; r++) {
                        int best = 0;
                        for (int c = 1; c < classes; c++) if (out.get(r, c) > out.get(r, best)) best = c;
                        if (best == batch.labels[r]) correct++;
                    }
                }
            }
        } finally {
            if (wasTraining) model.train();
        }
        double acc = lossName.equals("mse") ? Double.NaN : (double) correct / data.rows();
        return new Evaluation(lossSum / data.rows(), acc, data.rows());
    }

    /** The current batch: views into the dataset, or gathered copies when shuffled. */
    private static final class Batch {
        final Dataset data;
        final int capacity;
        float[] xBuf, yBuf;   // allocated on the first gathered batch only
        Tensor x, y;
        int[] labels;

        Batch(Dataset data, int capacity) {
            this.data = data;
            this.capacity = capacity;
        }

        void load(int[] order, int from, int to, boolean gather) {
            int n = to - from, f = data.features(), tw = data.targetWidth();
            if (!gather) {
                x = Tensor.view(data.x(), from * f, n, f);
                if (data.targets() != null) y = Tensor.view(data.targets(), from * tw, n, tw);
                if (data.labels() != null) labels = java.util.Arrays.copyOfRange(data.labels(), from, to);
                return;
            }
            if (xBuf == null) {
                xBuf = new float[capacity * f];
                yBuf = data.targets() == null ? null : new float[capacity * tw];
            }
            labels = data.labels() == null ? null : new int[n];
            for (int r = 0; r < n; r++) {
                int row = order[from + r];
                System.arraycopy(data.x(), row * f, xBuf, r * f, f);
                if (yBuf != null) System.arraycopy(data.targets(), row * tw, yBuf, r * tw, tw);
                if (labels != null) labels[r] = data.labels()[row];
            }
            x = Tensor.view(xBuf, 0, n, f);
            if (yBuf != null) y = Tensor.view(yBuf, 0, n, tw);
        }
    }
}
