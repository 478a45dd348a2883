package dev.greenml.cli;

import dev.greenml.nn.Model;
import java.nio.file.Path;

/**
 * What kind of model a file holds, for errors that say which command fits it: a GPT takes text
 * (generate), an MLP or CNN takes a vector of features (predict, compare, distill, prune). Without
 * this check a GPT reaches the feature-count checks, whose "expects 32 inputs" (its context) misleads.
 */
final class ModelKinds {

    private ModelKinds() {}

    static boolean isGpt(Model model) {
        return "gpt".equals(model.config().architecture());
    }

    /** Refuses a GPT where {@code use} (e.g. "predict, which reads feature columns") needs a vector model. */
    static void refuseGpt(Path file, Model model, String use) {
        if (isGpt(model)) {
            throw new UserError(file + " is a GPT language model: it takes text, and " + use
                    + " needs an MLP or CNN; to run it, use greenml generate --model " + file);
        }
    }
}
