package dev.greenml.cli.footprint;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code greenml footprint …}: what can be metered here, and metering any command. */
@Command(name = "footprint", mixinStandardHelpOptions = true,
        description = "Measure the energy, carbon and water of a run.",
        subcommands = {DetectCommand.class, RunCommand.class})
public final class FootprintCommand implements Runnable {

    /** Exit code for bad input, as picocli uses for usage errors. */
    static final int BAD_INPUT = 2;

    @Spec CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getErr()); }
}
