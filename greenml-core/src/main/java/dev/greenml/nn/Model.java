package dev.greenml.nn;

/** A whole model: a module that knows its architecture ({@link ModelConfig}), so it can be saved and rebuilt. */
public abstract class Model extends Module {

    public abstract ModelConfig config();
}
