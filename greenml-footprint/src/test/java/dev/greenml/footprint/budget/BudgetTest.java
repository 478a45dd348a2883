package dev.greenml.footprint.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BudgetTest {

    @Test void energyAndMassUnitsParse() {
        assertThat(Budget.parseEnergy("50Wh")).isEqualTo(180_000.0);
        assertThat(Budget.parseEnergy("1.5 kWh")).isEqualTo(5.4e6);
        assertThat(Budget.parseEnergy("300J")).isEqualTo(300.0);
        assertThat(Budget.parseEnergy("2kJ")).isEqualTo(2000.0);
        assertThat(Budget.parseEnergy("1mJ")).isEqualTo(1e-3);
        assertThat(Budget.parseEnergy("1MJ")).isEqualTo(1e6);
        assertThat(Budget.parseCo2e("20g")).isEqualTo(20.0);
        assertThat(Budget.parseCo2e("500mg")).isCloseTo(0.5, within(1e-12));
        assertThat(Budget.parseCo2e("1.5kg")).isEqualTo(1500.0);
    }

    @Test void badTextGivesOneLineWithAnExample() {
        assertThatThrownBy(() -> Budget.parseEnergy("50W")).hasMessage(
                "--max-energy '50W' is not an energy with a unit (mJ, J, kJ, MJ, mWh, Wh, kWh, MWh), e.g. --max-energy 50Wh");
        assertThatThrownBy(() -> Budget.parseEnergy("50")).hasMessageContaining("e.g. --max-energy 50Wh");
        assertThatThrownBy(() -> Budget.parseCo2e("20 grams")).hasMessageContaining("e.g. --max-co2 20g");
        assertThatThrownBy(() -> Budget.parseCo2e("0g")).hasMessageContaining("positive");
    }

    @Test void forecastOverTheBudgetStopsBeforeTheTotalDoes() {
        Budget b = Budget.parse("10J", "1g");
        Forecast f = Forecast.linear(new double[] {1, 4, 0.1}, new double[] {1, 3, 0.1}, 2, 1, true, "modelled");
        assertThat(f.joules()).isEqualTo(10.0);                        // 4 + 2 × 3: exactly at the limit is within
        assertThat(b.check(4, 0.1, f)).isNull();
        Forecast over = Forecast.linear(new double[] {1, 4, 0.1}, new double[] {1, 3, 0.1}, 3, 1, true, "modelled");
        Budget.Verdict v = b.check(4, 0.1, over);
        assertThat(v.forecast()).isTrue();
        assertThat(v.what()).isEqualTo("energy");
        assertThat(v.explain()).isEqualTo("the forecast energy 13.0 J exceeds the budget 10.0 J by 3.00 J (30%)");
        Budget.Verdict total = b.check(2, 1.5, null);
        assertThat(total.forecast()).isFalse();
        assertThat(total.what()).isEqualTo("co2e");
        assertThat(over.method()).contains("JIT warm-up");
        assertThat(Budget.NONE.check(1e12, 1e12, over)).isNull();
    }
}
