package dev.greenml.footprint.carbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EquivalentsTest {

    @Test void carDistanceUsesAReadableUnitAndCitesItsSource() {
        // 107.5 g is one km; 0.1075 g is one metre; 0.0001075 g is one millimetre
        assertThat(Equivalents.describe(215).getFirst()).startsWith("≈ 2.0 km driven").contains("EEA");
        assertThat(Equivalents.describe(0.1075 * 5).getFirst()).startsWith("≈ 5.0 m driven");
        assertThat(Equivalents.describe(0.0001075 * 3).getFirst()).startsWith("≈ 3.0 mm driven");
    }

    @Test void treeUptakeScalesFromMonthsToSeconds() {
        assertThat(Equivalents.describe(917 * 2).get(1)).startsWith("≈ 2.0 months").contains("Nowak & Crane 2002");
        // 917 g a month is 917 / (30.44·24) ≈ 1.255 g an hour
        assertThat(Equivalents.describe(917.0 / (30.44 * 24) * 3).get(1)).startsWith("≈ 3.0 hours");
    }

    @Test void negativeOrNaNIsRejected() {
        assertThatThrownBy(() -> Equivalents.describe(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Equivalents.describe(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
