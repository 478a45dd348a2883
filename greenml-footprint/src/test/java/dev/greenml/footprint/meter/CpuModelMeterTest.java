package dev.greenml.footprint.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuModelMeterTest {

    @TempDir Path root;

    private double meterFor(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        try {
            CpuModelMeter meter = CpuModelMeter.forTree(Path.of("/"), p.pid(), true);
            Thread.sleep(1000);
            return meter.joules();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void energyScalesWithCpuTimeBusyChildBeatsSleepingChild() throws Exception {
        double busy = meterFor("sh", "-c", "while :; do :; done");
        double idle = meterFor("sleep", "5");
        assertThat(idle).isLessThan(0.2 * TdpTable.DEFAULT_WATTS_PER_CORE); // sleep uses far less than 0.2 s of CPU
        assertThat(busy).isGreaterThan(idle);
        assertThat(busy).isGreaterThan(0.1); // at least ~10 ms of a core even on a crowded 2-core box
    }

    @Test
    void unknownCpuModelUsesTheDefaultAndSaysSo() throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), """
                processor\t: 0
                model name\t: Mystery Silicon 9000X
                cpu cores\t: 4
                flags\t\t: fpu sse2

                processor\t: 1
                model name\t: Mystery Silicon 9000X
                """);
        CpuModelMeter m = CpuModelMeter.forSelf(root); // no proc/self/stat there: falls back to the JVM counter
        assertThat(m.tdp().isDefault()).isTrue();
        assertThat(m.tdp().wattsPerCore()).isEqualTo(TdpTable.DEFAULT_WATTS_PER_CORE);
        assertThat(m.note()).contains("Mystery Silicon 9000X").contains("default");
        assertThat(m.source()).contains("default");
        assertThat(m.method()).isEqualTo(Method.MODELLED);
        assertThat(m.cpu().logicalCpus()).isEqualTo(2);
    }

    @Test
    void knownModelsMatchLooselyAndFamilyNamesDoNot() {
        TdpTable t = TdpTable.shipped();
        var epyc = t.lookup(new CpuInfo("AMD EPYC 7763 64-Core Processor", 2, 2, 1, true));
        assertThat(epyc.isDefault()).isFalse();
        assertThat(epyc.wattsPerCore()).isEqualTo(4.4);
        var xeon = t.lookup(new CpuInfo("Intel(R) Xeon(R) CPU E5-2650 v2 @ 2.60GHz", 32, 8, 2, false));
        assertThat(xeon.matchedModel()).isEqualTo("Xeon E5-2650 v2");
        // only in CodeCarbon's table (TDP, no cores): bare metal divides by cpuinfo's cores ...
        var bare = t.lookup(new CpuInfo("AMD EPYC 7203", 8, 8, 1, false));
        assertThat(bare.isDefault()).isFalse();
        assertThat(bare.wattsPerCore()).isEqualTo(15.0);
        // ... a VM cannot, because its "cpu cores" are vCPUs
        assertThat(t.lookup(new CpuInfo("AMD EPYC 7203", 2, 2, 1, true)).isDefault()).isTrue();
        assertThat(t.lookup(new CpuInfo("AMD EPYC", 2, 2, 1, true)).isDefault()).isTrue();
        assertThat(TdpTable.words("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz")).isEqualTo(Set.of("intel", "core", "i7-8700"));
    }

    @Test
    void thisProcessCpuClockMovesInStepsFinerThanTheTenMillisecondTick() {
        ProcessCpuClock clock = ProcessCpuClock.best();
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        // the tests run with native access, as the launcher does: clock_gettime is the source on Linux
        assertThat(clock.resolutionNanos()).isEqualTo(1);
        long smallest = Long.MAX_VALUE, prev = clock.nanos();
        long end = System.nanoTime() + 50_000_000L;
        while (System.nanoTime() < end) {
            long v = clock.nanos();
            assertThat(v).isGreaterThanOrEqualTo(prev);
            if (v > prev) smallest = Math.min(smallest, v - prev);
            prev = v;
        }
        assertThat(smallest).as("smallest step, ns").isLessThan(1_000_000L);
        CpuModelMeter m = CpuModelMeter.forSelf(java.nio.file.Path.of("/"));
        assertThat(m.source()).contains("clock_gettime").contains("ns resolution");
        assertThat(CpuModelMeter.forTree(java.nio.file.Path.of("/"), ProcessHandle.current().pid(), false).source())
                .contains("10 ms clock ticks");
    }

    @Test
    void readingTheProcessCpuClockAllocatesNothing() {
        ProcessCpuClock clock = ProcessCpuClock.best();
        org.junit.jupiter.api.Assumptions.assumeTrue(clock.resolutionNanos() == 1, "clock_gettime available");
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId(), sum = 0;
        for (int i = 0; i < 20_000; i++) sum += clock.nanos();   // warm-up: the thread's timespec, the JIT
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) sum += clock.nanos();
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        assertThat(sum).isPositive();
        // an arena per read allocated hundreds of bytes a call; the per-thread timespec, none
        assertThat(bytes).as("bytes allocated by 100,000 reads").isLessThan(100_000);
    }

    @Test
    void ramModelIntegratesResidentMemory() throws Exception {
        RamModelMeter m = new RamModelMeter(() -> 2L << 30, "2 GiB"); // 2 GiB → 0.745 W
        Thread.sleep(200);
        double j = m.joules();
        assertThat(j).isBetween(0.745 * 0.15, 0.745 * 5);
    }
}
