package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "train", "predict", "inspect", "bench", "bench seed-mlp",
            "footprint", "footprint run", "footprint detect"})
    void helpOnEveryCommandExitsZeroWithUsageOnStdout(String command) {
        String[] words = command.isEmpty() ? new String[0] : command.split(" ");
        Object[] args = new Object[words.length + 1];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--help";

        Cli.Outcome r = greenml(args);

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Usage: greenml" + (command.isEmpty() ? "" : " " + command));
        assertThat(r.err()).isEmpty();
    }
}
