package dev.greenml.nn;

import dev.greenml.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A layer or a model: a forward function and the parameters it owns, possibly through child
 * modules. Parameter names follow PyTorch's state_dict convention ("0.weight", "fc.bias").
 */
public abstract class Module {

    private boolean training = true;
    private Parameters parameters;   // built on first parameters() call on this module

    /** y = f(x) */
    public abstract Tensor forward(Tensor x);

    /** Adds this module's parameters (and its children's) to {@code out}, names prefixed. */
    protected abstract void collectParameters(String prefix, Map<String, Tensor> out);

    /**
     * Adds this module's buffers (and its children's) to {@code out}, names prefixed: state that is
     * saved with the model but not trained, such as BatchNorm's running statistics. Most layers
     * have none.
     */
    protected void collectBuffers(String prefix, Map<String, Tensor> out) {}

    /**
     * The random generator this layer draws from while training (Dropout's masks), or null. A
     * checkpoint saves every layer's generator so that a resumed run draws the same masks.
     */
    public dev.greenml.tensor.Rng randomGenerator() {
        return null;
    }

    /** Children, for train/eval propagation; leaves return none. */
    protected Iterable<Module> children() {
        return java.util.List.of();
    }

    /** Every parameter by name, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    /** Every buffer by name (PyTorch's names, e.g. "1.running_mean"), in registration order. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    /**
     * The model's parameters gathered into one flat buffer (gradients in another), so optimizers
     * are single loops. Call it on the root model: the first call moves every parameter into the
     * shared buffer; later calls return the same object.
     */
    public final Parameters parameters() {
        if (parameters == null) parameters = Parameters.gather(namedParameters());
        return parameters;
    }

    /**
     * Makes this module, a fresh instance of the same architecture, a replica of {@code master}:
     * its parameters read the master's values in place (no copy; the master's updates are seen at
     * once) and accumulate gradients of their own. For data-parallel training; see
     * {@link dev.greenml.parallel.DataParallel}.
     */
    public final Parameters shareParametersOf(Module master) {
        if (parameters != null) {
            throw new IllegalStateException("shareParametersOf: this module's parameters were already gathered; use a fresh instance");
        }
        parameters = Parameters.sharing(master.parameters(), namedParameters());
        return parameters;
    }

    public final Module train() { return setTraining(true); }
    public final Module eval() { return setTraining(false); }
    public final boolean isTraining() { return training; }

    private Module setTraining(boolean value) {
        training = value;
        for (Module c : children()) c.setTraining(value);
        return this;
    }

    /** Number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.size();
        return n;
    }
}
