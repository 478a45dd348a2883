package dev.greenml.footprint.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real RaplMeter on a temp dir laid out exactly like /sys/class/powercap. */
class RaplMeterTest {

    @TempDir Path root;

    private Path domain(String dir, String name, long energyUj, long maxUj) throws IOException {
        Path d = root.resolve("sys/class/powercap").resolve(dir);
        Files.createDirectories(d);
        Files.writeString(d.resolve("name"), name + "\n");
        Files.writeString(d.resolve("energy_uj"), energyUj + "\n");
        Files.writeString(d.resolve("max_energy_range_uj"), maxUj + "\n");
        return d;
    }

    private static void set(Path domain, long energyUj) throws IOException {
        Files.writeString(domain.resolve("energy_uj"), energyUj + "\n");
    }

    private static Meter byComponent(List<Meter> meters, String component) {
        return meters.stream().filter(m -> m.component().equals(component)).findFirst().orElseThrow();
    }

    @Test
    void sumsPackagesExcludesSubDomainsAndReportsDramSeparately() throws IOException {
        Path p0 = domain("intel-rapl:0", "package-0", 1_000_000, 262_143_328_850L);
        Path p1 = domain("intel-rapl:1", "package-1", 5_000_000, 262_143_328_850L);
        Path core = domain("intel-rapl:0/intel-rapl:0:0", "core", 0, 262_143_328_850L);
        Path dram = domain("intel-rapl:0/intel-rapl:0:1", "dram", 100, 65_712_999_613L);
        Path mmio = domain("intel-rapl-mmio:0", "package-0", 0, 262_143_328_850L);
        domain("intel-rapl:2", "psys", 0, 262_143_328_850L);

        List<Meter> meters = RaplMeter.detect(root);
        Meter cpu = byComponent(meters, "cpu");
        Meter mem = byComponent(meters, "dram");
        assertThat(cpu.availability().available()).isTrue();
        assertThat(cpu.method()).isEqualTo(Method.MEASURED);
        assertThat(((RaplMeter) cpu).domains()).extracting(p -> p.getFileName().toString())
                .containsExactly("intel-rapl:0", "intel-rapl:1");

        set(p0, 3_000_000);      // +2 J
        set(p1, 6_500_000);      // +1.5 J
        set(core, 99_000_000);   // inside package 0: must not be added
        set(mmio, 99_000_000);   // second view of package 0: must not be added
        set(dram, 500_100);      // +0.5 J
        assertThat(cpu.joules()).isCloseTo(3.5, within(1e-9));
        assertThat(mem.joules()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void handlesCounterWrapAroundWithMaxEnergyRange() throws IOException {
        Path p0 = domain("intel-rapl:0", "package-0", 900, 1_000);
        Meter cpu = byComponent(RaplMeter.detect(root), "cpu");
        set(p0, 100); // wrapped: 100 µJ to the top, then 100 µJ more
        assertThat(cpu.joules()).isCloseTo(200e-6, within(1e-12));
        set(p0, 400);
        assertThat(cpu.joules()).isCloseTo(500e-6, within(1e-12));
    }

    @Test
    void unreadableEnergyFileIsUnavailableWithTheChmodFix() throws IOException {
        // Tests may run as root, who can read any mode-000 file; a directory where the file should
        // be fails to read for everyone, which is the same code path as permission denied.
        Path p0 = domain("intel-rapl:0", "package-0", 0, 1_000);
        Files.delete(p0.resolve("energy_uj"));
        Files.createDirectory(p0.resolve("energy_uj"));
        Meter cpu = byComponent(RaplMeter.detect(root), "cpu");
        assertThat(cpu.availability().available()).isFalse();
        assertThat(cpu.availability().reason()).contains("energy_uj");
        assertThat(cpu.availability().fix()).contains("sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj");
    }

    @Test
    void noPowercapTreeIsUnavailableAndSaysWhy() {
        Meter cpu = byComponent(RaplMeter.detect(root), "cpu");
        assertThat(cpu.availability().available()).isFalse();
        assertThat(cpu.availability().reason()).contains("no RAPL counters");
        assertThat(cpu.availability().fix()).isNotBlank();
    }
}
