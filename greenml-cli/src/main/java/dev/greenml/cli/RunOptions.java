package dev.greenml.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of a training run beyond the model and the data: run directory, resume, budgets, schedule, early stopping. */
public final class RunOptions {

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Directory for run.json, history.jsonl, checkpoints, the model and the footprint reports"
                    + " (default runs/<architecture>-<yyyyMMdd-HHmmss>; with --resume, the resumed directory).")
    Path runDir;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the stopped run in DIR from its checkpoint.safetensors; give the same model, data and training"
                    + " options (--epochs may grow; gpt: --steps may change). The result is identical to an uninterrupted run.")
    Path resume;

    @Option(names = "--max-energy", paramLabel = "ENERGY",
            description = "Stop cleanly (checkpoint saved, exit 4) when the energy used or forecast for the whole run exceeds this,"
                    + " e.g. 50Wh (units mJ, J, kJ, MJ, mWh, Wh, kWh, MWh).")
    String maxEnergy;

    @Option(names = "--max-co2", paramLabel = "MASS",
            description = "Stop cleanly (checkpoint saved, exit 4) when the CO2e emitted or forecast exceeds this, e.g. 20g (units mg, g, kg, t).")
    String maxCo2;

    @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "KIND",
            description = "constant, step (× --lr-gamma every --lr-step-epochs) or cosine (down to --min-lr at the last step). Default ${DEFAULT-VALUE}.")
    String lrSchedule;

    @Option(names = "--lr-step-epochs", defaultValue = "10", paramLabel = "N", description = "step schedule: epochs between decays (default ${DEFAULT-VALUE}).")
    int lrStepEpochs;

    @Option(names = "--lr-gamma", defaultValue = "0.1", paramLabel = "G", description = "step schedule: decay factor (default ${DEFAULT-VALUE}).")
    float lrGamma;

    @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N", description = "Linear learning-rate warm-up over the first N steps (default ${DEFAULT-VALUE}).")
    long warmupSteps;

    @Option(names = "--min-lr", defaultValue = "0", paramLabel = "LR", description = "cosine schedule: final learning rate (default ${DEFAULT-VALUE}).")
    float minLr;

    @Option(names = "--early-stopping", defaultValue = "0", paramLabel = "PATIENCE",
            description = "Stop when the validation loss has not improved for PATIENCE epochs; the final model is then the best epoch's"
                    + " (0: off, the default).")
    int earlyStopping;
}
