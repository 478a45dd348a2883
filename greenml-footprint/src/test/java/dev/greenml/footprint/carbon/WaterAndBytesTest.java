package dev.greenml.footprint.carbon;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class WaterAndBytesTest {

    @Test
    void wueIsPerItKWhAndNotMultipliedByPue() {
        // 10 kWh IT, PUE 1.5, WUE 1.8, EWIF 0 → 18 L (CodeCarbon would give 27)
        assertEquals(18.0, Water.litres(10, 1.5, WaterFactors.DEFAULT), 1e-12);
    }

    @Test
    void generationWaterScalesWithFacilityEnergy() {
        // 10 × 1.8 + 10 × 1.5 × 7.6 = 18 + 114 = 132 L
        assertEquals(132.0, Water.litres(10, 1.5, WaterFactors.US_WITH_GENERATION), 1e-9);
        assertEquals(2 * 0.5 + 2 * 1.2 * 3, Water.litres(2, 1.2, new WaterFactors(0.5, 3, "test")), 1e-12);
    }

    @Test
    void waterRejectsBadInputs() {
        assertThrows(IllegalArgumentException.class, () -> Water.litres(-1, 1.2, WaterFactors.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> Water.litres(1, 0.8, WaterFactors.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> new WaterFactors(-1, 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> new WaterFactors(1, 0, " "));
    }

    @Test
    void networkEnergyIsAslan2015Factor() {
        assertEquals(0.06, TransferEnergy.networkKWh(1_000_000_000L), 1e-12);
        assertEquals(0.6, TransferEnergy.networkKWh(10_000_000_000L), 1e-12);
        assertEquals("2015", TransferEnergy.NETWORK.year());
    }

    @Test
    void storageEnergyIsOneYearAtCcfSsdCoefficient() {
        // 1.2 Wh/TB-h = 1.2e-6 kWh/GB-h; 1 GB for 8760 h = 0.010512 kWh
        assertEquals(0.010512, TransferEnergy.storageKWh(1_000_000_000L), 1e-12);
        assertEquals(0.010512 / 365, TransferEnergy.storageKWh(1_000_000_000L, Duration.ofDays(1)), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TransferEnergy.storageKWh(-1));
    }

    @Test
    void equivalentsEndWithSources() {
        List<String> lines = Equivalents.describe(1075);   // 1075 g / 107.5 g/km = 10 km
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("≈ 10.0 km"), lines.get(0));
        assertTrue(lines.get(0).contains("source: EEA"));
        assertTrue(lines.get(1).contains("source: Green Algorithms"));
    }
}
