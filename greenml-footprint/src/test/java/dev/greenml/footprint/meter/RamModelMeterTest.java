package dev.greenml.footprint.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RamModelMeterTest {

    @Test
    void aTreeThatExitedKeepsItsLastReadingForTheFinalInterval() throws Exception {
        AtomicLong rss = new AtomicLong(1L << 30);   // 1 GiB: 0.3725 W
        long t0 = System.nanoTime();
        RamModelMeter meter = new RamModelMeter(rss::get, "a test tree");
        rss.set(0);                                   // the tree has exited and been reaped
        Thread.sleep(40);
        double joules = meter.joules();
        double seconds = (System.nanoTime() - t0) / 1e9;
        // held: 0.3725 W over the interval; a ramp down to 0 would give half of it
        assertThat(joules).isGreaterThan(0.9 * RamModelMeter.WATTS_PER_GB * 0.040)
                .isLessThanOrEqualTo(RamModelMeter.WATTS_PER_GB * seconds);
    }

    @Test
    void theSourceNamesTheEarlyReadsOnlyWhenTheIntervalLeavesRoomForThem() {
        java.nio.file.Path root = java.nio.file.Path.of("/");
        assertThat(RamModelMeter.forTree(root, () -> -1, java.time.Duration.ofSeconds(1)).source())
                .contains("50, 100, 200 … ms after the command starts");
        // FootprintRun makes no early reads under 50 ms: every sample comes sooner
        assertThat(RamModelMeter.forTree(root, () -> -1, java.time.Duration.ofMillis(20)).source())
                .doesNotContain("50, 100").contains("then at every sample (every 20 ms)");
    }
}
