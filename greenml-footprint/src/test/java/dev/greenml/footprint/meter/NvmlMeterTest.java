package dev.greenml.footprint.meter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NvmlMeterTest {

    @Test
    void absentLibraryIsUnavailableNoGpu() {
        List<Meter> meters = NvmlMeter.detect("libnvidia-ml-does-not-exist.so.1");
        assertThat(meters).hasSize(1);
        Meter m = meters.getFirst();
        assertThat(m.availability().available()).isFalse();
        assertThat(m.availability().reason()).isEqualTo("no NVIDIA GPU (libnvidia-ml-does-not-exist.so.1 not found)");
        assertThat(m.component()).isEqualTo("gpu");
    }

    @Test
    void realLibraryNameGivesMetersOrAReason() {
        // on a machine with a GPU this returns one available meter per GPU; elsewhere one reason
        for (Meter m : NvmlMeter.detect()) {
            if (m.availability().available()) {
                assertThat(m.component()).startsWith("gpu:");
                assertThat(m.joules()).isGreaterThanOrEqualTo(0);
            } else {
                assertThat(m.availability().reason()).isNotBlank();
            }
        }
    }
}
