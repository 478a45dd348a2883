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
}
