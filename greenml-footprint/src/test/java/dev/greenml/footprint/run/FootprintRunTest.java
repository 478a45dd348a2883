package dev.greenml.footprint.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.greenml.footprint.meter.RaplMeter;
import dev.greenml.footprint.report.JsonReport;
import dev.greenml.footprint.report.Summary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs on a RAPL counter in a sysfs-shaped temp dir, which the test advances by hand. */
class FootprintRunTest {

    @TempDir Path root;
    Path counter;
    long microJoules = 1_000_000;

    @BeforeEach
    void sysfs() throws IOException {
        Path d = root.resolve("sys/class/powercap/intel-rapl:0");
        Files.createDirectories(d);
        Files.writeString(d.resolve("name"), "package-0\n");
        Files.writeString(d.resolve("max_energy_range_uj"), "262143328850\n");
        counter = d.resolve("energy_uj");
        Files.writeString(counter, microJoules + "\n");
    }

    void spend(double joules) throws IOException {
        microJoules += Math.round(joules * 1e6);
        Files.writeString(counter, microJoules + "\n");
    }

    FootprintRun start() {
        return Footprint.start(FootprintConfig.defaults().withRoot(root).withMeters(RaplMeter.detect(root))
                .withInterval(Duration.ofSeconds(60)).withProject("test"));
    }

    @Test
    void phasesNestParentsIncludeChildrenAndSelfIsTheRest() throws IOException {
        FootprintResult r;
        try (FootprintRun run = start()) {
            spend(0.25); // before any phase
            try (var epoch = run.phase("epoch 1")) {
                spend(1.0);
                run.phase("train", () -> {
                    try { spend(2.0); } catch (IOException e) { throw new RuntimeException(e); }
                    run.flops(4_000_000_000L);
                });
                int v = run.phase("eval", () -> {
                    try { spend(0.5); } catch (IOException e) { throw new RuntimeException(e); }
                    return 7;
                });
                assertThat(v).isEqualTo(7);
            }
            run.units("samples", 100);
            run.units("samples", 150);
            r = run.finish();
            assertThat(run.finish()).isSameAs(r);
        }
        assertThat(r.energy().joules()).isCloseTo(3.75, within(1e-9));
        assertThat(r.energy().method()).isEqualTo("measured");
        var epoch = r.phases().getFirst();
        assertThat(epoch.name()).isEqualTo("epoch 1");
        assertThat(epoch.energy().joules()).isCloseTo(3.5, within(1e-9));
        assertThat(epoch.children()).extracting(FootprintResult.PhaseResult::name).containsExactly("train", "eval");
        assertThat(epoch.children().get(0).energy().joules()).isCloseTo(2.0, within(1e-9));
        assertThat(epoch.children().get(1).energy().joules()).isCloseTo(0.5, within(1e-9));
        assertThat(epoch.selfJoules()).isCloseTo(1.0, within(1e-9));
        assertThat(epoch.flops()).isEqualTo(4_000_000_000L);
        assertThat(r.work().joulesPerGflop()).isCloseTo(3.75 / 4, within(1e-9));
        assertThat(r.units()).singleElement().satisfies(u -> {
            assertThat(u.count()).isEqualTo(250);
            assertThat(u.joulesPerUnit()).isCloseTo(3.75 / 250, within(1e-12));
        });
        assertThat(r.carbon().fallback()).isTrue();
        assertThat(Summary.text(r)).startsWith("Footprint (measured: RAPL, ±10%)").contains("no location was set");
    }

    @Test
    void unitsCountedInPhasesAreChargedThosePhasesOnly() throws IOException {
        FootprintResult r;
        try (FootprintRun run = start()) {
            try (var p = run.phase("teacher inference")) {
                spend(1.0);
                run.units("teacher inferences", 100);
            }
            for (int e = 1; e <= 2; e++) {
                try (var p = run.phase("epoch " + e)) {
                    spend(3.0);
                    try (var inner = run.phase("step")) {
                        run.units("samples", 50);   // counted in a nested phase: still the epoch's energy, counted once
                    }
                    run.units("samples", 50);
                }
            }
            for (int round = 1; round <= 3; round++) {
                try (var p = run.phase("m batch 1")) {
                    spend(0.5);
                    run.units("m batch-1 inferences", 10);
                }
            }
            spend(10.0);   // evaluation and saving, outside the phases
            run.units("files", 1);
            r = run.finish();
        }
        var byKind = new java.util.HashMap<String, FootprintResult.PerUnit>();
        r.units().forEach(u -> byKind.put(u.kind(), u));
        assertThat(byKind.get("teacher inferences").joulesPerUnit()).isCloseTo(1.0 / 100, within(1e-12));
        assertThat(byKind.get("teacher inferences").basis()).isEqualTo("phase 'teacher inference'");
        assertThat(byKind.get("samples").joulesPerUnit()).isCloseTo(6.0 / 200, within(1e-12));
        assertThat(byKind.get("samples").basis()).isEqualTo("2 phases 'epoch 1' … 'epoch 2'");
        assertThat(byKind.get("m batch-1 inferences").basis()).isEqualTo("3 phases 'm batch 1'");
        assertThat(byKind.get("m batch-1 inferences").joulesPerUnit()).isCloseTo(1.5 / 30, within(1e-12));
        assertThat(byKind.get("files").joulesPerUnit()).isCloseTo(18.5, within(1e-9));
        assertThat(byKind.get("files").basis()).isEqualTo("whole run");
        assertThat(Summary.text(r)).contains("0.0100 J per teacher inference (phase 'teacher inference')");
    }

    @Test
    void samplerRecordsAPowerTimeSeries() throws Exception {
        FootprintResult r;
        try (FootprintRun run = Footprint.start(FootprintConfig.defaults().withRoot(root)
                .withMeters(RaplMeter.detect(root)).withInterval(Duration.ofMillis(50)))) {
            for (int i = 0; i < 4; i++) {
                spend(1.0);
                Thread.sleep(60);
            }
            r = run.finish();
        }
        assertThat(r.samples().size()).isGreaterThanOrEqualTo(2);
        assertThat(r.samples()).allSatisfy(s -> assertThat(s.watts()).containsKey("cpu"));
        double integrated = 0, last = 0;
        for (var s : r.samples()) {
            integrated += s.watts().get("cpu") * (s.seconds() - last);
            last = s.seconds();
        }
        assertThat(integrated).isCloseTo(4.0, within(1e-6));
    }

    @Test
    void jsonSchemaKeysAreStable() throws IOException {
        FootprintResult r;
        try (FootprintRun run = start()) {
            run.phase("p", () -> {});
            run.units("tokens", 10);
            spend(1);
            r = run.finish();
        }
        Path file = root.resolve("out/footprint.json");
        JsonReport.write(file, r);
        JsonNode j = new ObjectMapper().readTree(file.toFile());
        assertThat(j.get("schema").asText()).isEqualTo("greenml-footprint/1");
        assertThat(keys(j)).containsExactly("co2e", "components", "config", "duration_s", "end", "energy", "equivalents",
                "exit_code", "greenml_version", "machine", "meters", "phases", "project", "run_id", "samples", "schema",
                "start", "units", "water", "work");
        assertThat(keys(j.get("energy"))).containsExactly("joules", "kwh", "method", "source", "uncertainty");
        assertThat(keys(j.get("co2e"))).containsExactly("facility_kwh", "fallback", "grams", "grid_g_per_kwh", "location",
                "method", "pue", "pue_source", "scope", "source", "uncertainty", "year");
        assertThat(keys(j.get("components").get(0))).containsExactly("average_watts", "component", "joules", "kwh", "method",
                "source", "uncertainty");
        assertThat(keys(j.get("phases").get(0))).containsExactly("children", "components", "duration_s", "end", "energy",
                "flops", "name", "self_joules", "start");
        assertThat(keys(j.get("water"))).containsExactly("estimated", "litres", "method", "note", "source", "uncertainty");
        assertThat(keys(j.get("work"))).containsExactly("bytes_read", "bytes_sent", "bytes_written", "flops", "gflop_per_s",
                "joules_per_gflop", "transfer_kwh", "transfer_method", "transfer_source");
        assertThat(keys(j.get("meters").get(0))).containsExactly("component", "id", "method", "note", "source", "uncertainty");
        assertThat(keys(j.get("machine"))).containsExactly("cpu_model", "gpus", "jvm", "logical_cpus", "os", "ram_total_bytes");
        assertThat(keys(j.get("units").get(0))).containsExactly("basis", "count", "grams_co2e_per_unit", "joules_per_unit", "kind", "method");
    }

    @Test
    void badConfigurationFailsFastNamingTheValue() {
        assertThatThrownBy(() -> FootprintConfig.defaults().withPue(-1.0)).hasMessageContaining("PUE").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> Footprint.start(FootprintConfig.defaults().withCountry("XX").withMeters(List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XX");
    }

    @Test
    void processModelRunMetersAJvmWorkload() {
        // this JVM, real /proc: CPU-bound work must show as modelled CPU energy
        FootprintResult r;
        try (FootprintRun run = Footprint.start(FootprintConfig.defaults())) {
            run.phase("spin", () -> OverheadBenchmark.work(50_000_000));
            r = run.finish();
        }
        var cpu = r.components().stream().filter(c -> c.component().equals("cpu")).findFirst().orElseThrow();
        assertThat(cpu.energy().joules()).isGreaterThan(0);
        assertThat(r.phases().getFirst().energy().joules()).isLessThanOrEqualTo(r.energy().joules() + 1e-9);
    }

    @Test
    void aChildShorterThanOneIntervalStillHasItsMemoryMetered() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        // real /proc, a 60 s interval: the sampler never reads while the 0.2 s child lives
        var child = Footprint.startChild(FootprintConfig.defaults().withInterval(Duration.ofSeconds(60)).withProject("test"),
                new ProcessBuilder("sleep", "0.2"));
        assertThat(child.process().waitFor()).isZero();
        FootprintResult r = child.run().finish();
        var ram = r.components().stream().filter(c -> c.component().equals("ram")).findFirst().orElseThrow();
        assertThat(ram.energy().joules()).as("the child's resident memory over its 0.2 s").isGreaterThan(0);
    }

    @Test
    void aShortChildsMemoryIsReadOnceItHasLoadedNotOnlyAtItsStart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        // a command that holds ≈64 MB once loaded (a shell variable filled from /dev/zero, no python
        // needed); at its start (the read when it is spawned) it is a shell of ≈1 MB. A 60 s interval:
        // only the reads shortly after the start can see the 64 MB
        var child = Footprint.startChild(FootprintConfig.defaults().withInterval(Duration.ofSeconds(60)).withProject("test"),
                new ProcessBuilder("sh", "-c", "sleep 0.1; x=$(head -c 67108864 /dev/zero | tr '\\0' x); sleep 0.8; : \"${#x}\""));
        assertThat(child.process().waitFor()).isZero();
        FootprintResult r = child.run().finish();
        var ram = r.components().stream().filter(c -> c.component().equals("ram")).findFirst().orElseThrow();
        double sixtyFourMiBForAFifthOfASecond = dev.greenml.footprint.meter.RamModelMeter.WATTS_PER_GB * 64 / 1024 * 0.2;
        assertThat(ram.energy().joules()).as("64 MB over most of 0.8 s").isGreaterThan(sixtyFourMiBForAFifthOfASecond);
        assertThat(ram.energy().source()).contains("VmRSS").contains("ms after the command starts");
    }

    private static List<String> keys(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return new ArrayList<>(s);
    }
}
