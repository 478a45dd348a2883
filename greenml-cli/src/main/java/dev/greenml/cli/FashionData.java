package dev.greenml.cli;

import dev.greenml.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * --data for the compression commands: "fashion-mnist" (Debian's dataset-fashion-mnist, in
 * /usr/share/datasets/fashion-mnist) or a directory holding the four IDX files. Pixels are
 * normalized as greenml's Fashion-MNIST training normalizes them (mean 0.2860, std 0.3530).
 */
final class FashionData {

    private FashionData() {}

    static FashionMnist.Splits load(String spec) throws IOException {
        return FashionMnist.load(dir(spec), true);
    }

    /** The directory {@code spec} names, checked without reading it, so that a command can refuse a wrong --data before its work. */
    static Path dir(String spec) {
        Path dir = spec.equalsIgnoreCase("fashion-mnist") ? FashionMnist.DEFAULT_DIR : Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new UserError("--data " + spec + ": " + dir + " is not a directory; give 'fashion-mnist' (install it with"
                    + " 'apt-get install dataset-fashion-mnist') or a directory holding the four Fashion-MNIST IDX files");
        }
        return dir;
    }

    /**
     * Refuses a model that cannot run on Fashion-MNIST (784 pixels in, 10 classes out), naming
     * what it is instead: a GPT takes text, another MLP/CNN was trained on other data.
     */
    static void requireImageClassifier(Path file, dev.greenml.nn.Model model, String use) {
        ModelKinds.refuseGpt(file, model, use);
        var c = model.config();
        if (c.inputFeatures() != FashionMnist.PIXELS || c.outputFeatures() != FashionMnist.CLASSES) {
            throw new UserError(file + " maps " + c.inputFeatures() + " inputs to " + c.outputFeatures() + " outputs, but Fashion-MNIST"
                    + " has " + FashionMnist.PIXELS + " pixels and " + FashionMnist.CLASSES + " classes; " + use
                    + " needs a model trained on it (784,...,10, e.g. greenml train --data fashion-mnist --model mlp)");
        }
    }
}
