package dev.greenml.footprint.report;

import dev.greenml.footprint.run.FootprintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A run whose names try to break out of the page: directory, project, phase, model and data text. */
final class HostileRun {

    /** Would end the data element and run a script that marks the page, if it were not escaped. */
    static final String SCRIPT = "</script><script>document.documentElement.setAttribute('data-pwned','1')</script>";
    /** A directory name cannot hold '/', so it tries attributes and entities instead. */
    static final String DIR_NAME = "<b onmouseover=\"x\">&amp;' run";

    private HostileRun() {}

    static Path write(Path parent) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(DIR_NAME));
        FootprintResult f = RunFixtures.footprint(SCRIPT, 2, 50);
        var first = f.phases().getFirst();
        var renamed = new FootprintResult.PhaseResult(SCRIPT, first.start(), first.end(), first.seconds(), first.energy(),
                first.components(), first.selfJoules(), first.flops(), first.children());
        f = new FootprintResult(f.greenmlVersion(), f.runId(), SCRIPT, f.start(), f.end(), f.durationSeconds(), f.machine(),
                f.meters(), f.energy(), f.components(), f.carbon(), f.water(), f.work(), f.units(),
                java.util.List.of(renamed, f.phases().get(1)), f.samples(), f.config(), f.equivalents(), f.exitCode());
        JsonReport.write(dir.resolve("footprint.json"), f);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(SCRIPT + " <img src=x onerror=alert(1)> <!--");
        Files.writeString(dir.resolve("run.json"), "{\"schema\":\"greenml-run/1\",\"status\":" + json + ",\"model\":{\"name\":" + json
                + "},\"data\":{\"source\":" + json + "}}");
        Files.writeString(dir.resolve("history.jsonl"), "{\"epoch\":1,\"energy_joules\":50,\"train_loss\":0.5,\"val_accuracy\":0.6,"
                + "\"note\":" + json + "}\n");
        return dir;
    }
}
