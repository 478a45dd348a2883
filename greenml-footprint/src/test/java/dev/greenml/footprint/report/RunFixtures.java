package dev.greenml.footprint.report;

import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintResult.Carbon;
import dev.greenml.footprint.run.FootprintResult.ComponentEnergy;
import dev.greenml.footprint.run.FootprintResult.Energy;
import dev.greenml.footprint.run.FootprintResult.Machine;
import dev.greenml.footprint.run.FootprintResult.MeterUsed;
import dev.greenml.footprint.run.FootprintResult.PerUnit;
import dev.greenml.footprint.run.FootprintResult.PhaseResult;
import dev.greenml.footprint.run.FootprintResult.Sample;
import dev.greenml.footprint.run.FootprintResult.WaterUse;
import dev.greenml.footprint.run.FootprintResult.Work;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Run directories as docs/run-directory.md describes them, for the report's tests: footprint.json
 * written by the real {@link JsonReport} from a hand-made result; run.json and history.jsonl
 * written here, field by field from the document (their writer is the engine, which this module
 * must not import).
 */
final class RunFixtures {

    static final String MODELLED_CPU = "CPU time of this process × 12 W/core (Green Algorithms TDP_cpu.csv, default)";

    private RunFixtures() {}

    /**
     * A footprint of {@code epochs} phases "epoch N" of {@code joulesPerEpoch} each (cpu 90%, ram 10%),
     * plus 10% of the total spent outside any phase; grid 50 g/kWh, PUE 1.2; power sampled every second.
     */
    static FootprintResult footprint(String project, int epochs, double joulesPerEpoch) {
        double inPhases = epochs * joulesPerEpoch, total = inPhases / 0.9;
        Instant t0 = Instant.parse("2026-01-02T10:00:00Z");
        double seconds = epochs * 10 + 5;
        List<PhaseResult> phases = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            Instant s = t0.plusSeconds(e * 10L - 5), end = s.plusSeconds(10);
            phases.add(new PhaseResult("epoch " + e, s, end, 10, energy(joulesPerEpoch),
                    List.of(component("cpu", 0.9 * joulesPerEpoch, 10), component("ram", 0.1 * joulesPerEpoch, 10)),
                    joulesPerEpoch, 1_000_000_000L, List.of()));
        }
        List<Sample> samples = new ArrayList<>();
        for (int t = 1; t <= seconds; t++) samples.add(new Sample(t, Map.of("cpu", 20.0 + (t % 3), "ram", 1.5)));
        double grams = total / 3.6e6 * 1.2 * 50;
        return new FootprintResult("0.1.0", "run-" + project, project, t0, t0.plusSeconds((long) seconds), seconds,
                new Machine("AMD EPYC", 2, "Linux", "25", 8_000_000_000L, List.of()),
                List.of(new MeterUsed("model:cpu", "cpu", "modelled", MODELLED_CPU, 0.5, "CPU model not in the TDP tables"),
                        new MeterUsed("model:ram", "ram", "modelled", "resident memory × 0.3725 W/GB", 0.5, "")),
                energy(total), List.of(component("cpu", 0.9 * total, seconds), component("ram", 0.1 * total, seconds)),
                new Carbon(grams, 50, "FR", "OWID/Ember", "2023", "lifecycle", false, 1.2, "explicit", "modelled", 0.5),
                new WaterUse(true, total / 3.6e6 * 1.8, "WUE 1.8 L/kWh (given)", "modelled", 0.5, ""),
                new Work(epochs * 1_000_000_000L, 1.0, 2.0, 1000, 2000, 0, 1e-6, "storage factor"),
                List.of(new PerUnit("samples", 6000L * epochs, total / (6000.0 * epochs), grams / (6000.0 * epochs), "whole run")),
                phases, samples, Map.of("interval_s", "1.0"), List.of(), null);
    }

    static Energy energy(double joules) {
        return new Energy(joules, "modelled", MODELLED_CPU, 0.5);
    }

    static ComponentEnergy component(String name, double joules, double seconds) {
        return new ComponentEnergy(name, new Energy(joules, "modelled", MODELLED_CPU, 0.5), joules / seconds);
    }

    /** A run directory with footprint.json, run.json and one history line per epoch (val_accuracy as given). */
    static Path trainRun(Path dir, String project, double joulesPerEpoch, double... valAccuracy) throws IOException {
        Files.createDirectories(dir);
        JsonReport.write(dir.resolve("footprint.json"), footprint(project, valAccuracy.length, joulesPerEpoch));
        Files.writeString(dir.resolve("run.json"), """
                {"schema":"greenml-run/1", "command":"train", "status":"completed",
                 "model":{"architecture":"mlp","layers":[784,128,10],"activation":"relu"},
                 "training":{"optimizer":"adam","lr":0.001,"epochs":%d,"batch_size":64},
                 "data":{"source":"fashion-mnist","train":54000,"validation":6000},
                 "started":"2026-01-02T10:00:00Z", "updated":"2026-01-02T10:01:00Z",
                 "epochs_done":%d, "best_epoch":1, "best_metric":{"val_accuracy":%s},
                 "forecast":null, "budget":null, "model_file":"model.safetensors"}
                """.formatted(valAccuracy.length, valAccuracy.length, valAccuracy[0]));
        StringBuilder history = new StringBuilder();
        for (int e = 1; e <= valAccuracy.length; e++) {
            history.append(String.format(Locale.ROOT, "{\"epoch\":%d, \"steps\":844, \"samples\":%d, \"seconds\":%d,"
                    + " \"train_loss\":%s, \"val_loss\":%s, \"val_accuracy\":%s, \"lr\":0.001, \"energy_joules\":%s,"
                    + " \"co2e_grams\":%s, \"energy_method\":\"modelled\"}%n", e, 54000 * e, 10 * e, 1.0 / (e + 1), 1.1 / (e + 1),
                    valAccuracy[e - 1], e * joulesPerEpoch, e * joulesPerEpoch / 3.6e6 * 60));
        }
        Files.writeString(dir.resolve("history.jsonl"), history);
        return dir;
    }

    /** A directory like the one greenml demo writes: footprint.json only. */
    static Path footprintOnlyRun(Path dir, String project) throws IOException {
        Files.createDirectories(dir);
        JsonReport.write(dir.resolve("footprint.json"), footprint(project, 3, 40));
        return dir;
    }
}
