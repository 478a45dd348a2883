package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "train", "predict", "inspect", "bench", "bench seed-mlp", "bench gpt",
            "report", "generate", "tokenizer", "tokenizer train", "quantize", "prune", "distill", "compare",
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

    /** The parent's command list shows a subcommand's first description line (or its header) alone. */
    @Test
    void everyCommandsSummaryLineIsAWholeSentence() {
        List<String> cut = new ArrayList<>();
        for (CommandSpec c : allCommands()) {
            String[] first = c.usageMessage().header().length > 0 ? c.usageMessage().header() : c.usageMessage().description();
            String summary = first.length == 0 ? "" : first[0].strip();
            if (!summary.endsWith(".")) cut.add(c.qualifiedName() + ": '" + summary + "'");
        }
        assertThat(cut).as("summary lines that are missing or stop mid-sentence").isEmpty();
    }

    @Test
    void everyOptionAndParameterSaysWhatItIs() {
        List<String> bare = new ArrayList<>();
        for (CommandSpec c : allCommands()) {
            List<ArgSpec> args = new ArrayList<>(c.options());
            args.addAll(c.positionalParameters());
            for (ArgSpec a : args) {
                if (!a.hidden() && String.join(" ", a.description()).isBlank()) {
                    bare.add(c.qualifiedName() + " " + (a instanceof OptionSpec o ? o.longestName() : a.paramLabel()));
                }
            }
        }
        assertThat(bare).as("options and parameters without a description").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-V", "train -V", "train --version", "footprint run -V", "bench gpt -V", "tokenizer train -V"})
    void versionOnEveryCommandPrintsTheVersion(String command) {
        Cli.Outcome r = greenml((Object[]) command.split(" "));

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo("greenml " + dev.greenml.Version.STRING);
    }

    private static List<CommandSpec> allCommands() {
        List<CommandSpec> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine cl, List<CommandSpec> into) {
        into.add(cl.getCommandSpec());
        for (CommandLine sub : cl.getSubcommands().values()) collect(sub, into);
    }
}
