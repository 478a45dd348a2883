package dev.greenml.footprint.carbon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TimeSeriesTest {

    @TempDir Path dir;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("grid.csv");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void intervalStraddlingAChangeIsSplitProportionally() throws IOException {
        IntensitySource s = Intensities.timeSeries(write("""
                timestamp,gco2e_per_kwh
                2025-01-01T00:00:00Z,100
                2025-01-01T01:00:00Z,300
                """));
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        // 1 kWh evenly over 2 h: 0.5 kWh at 100, 0.5 kWh at 300 → 200 g; × PUE 1.5 → 300 g
        double g = s.gramsCo2e(List.of(new EnergyInterval(t0, t0.plusSeconds(7200), 1.0)), 1.5);
        assertEquals(300.0, g, 1e-9);
    }


    @Test
    void valueHoldsUntilNextTimestampAndAfterLast() throws IOException {
        IntensitySource s = Intensities.timeSeries(write("""
                timestamp,gco2e_per_kwh
                # comment lines and blank lines are skipped

                2025-01-01T00:00:00Z,100
                2025-01-01T01:00:00Z,300
                2025-01-01T03:00:00Z,50
                """));
        Instant t = Instant.parse("2025-01-01T00:30:00Z");
        assertEquals(100, s.at(t).gramsPerKWh());
        assertEquals(300, s.at(Instant.parse("2025-01-01T01:00:00Z")).gramsPerKWh());
        assertEquals(50, s.at(Instant.parse("2030-01-01T00:00:00Z")).gramsPerKWh());
        // [00:30, 04:30) 4 kWh over 4 h: 0.5 h @100 + 2 h @300 + 1.5 h @50 = 50 + 600 + 75 = 725 g; PUE 1
        double g = s.gramsCo2e(List.of(new EnergyInterval(t, t.plusSeconds(4 * 3600), 4.0)), 1.0);
        assertEquals(725.0, g, 1e-9);
        assertEquals("user", s.at(t).scope());
    }

    @Test
    void timesBeforeTheFirstRowAreAnError() throws IOException {
        IntensitySource s = Intensities.timeSeries(write("timestamp,gco2e_per_kwh\n2025-01-01T00:00:00Z,100\n"));
        Instant before = Instant.parse("2024-12-31T23:00:00Z");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.at(before));
        assertTrue(e.getMessage().contains("starts at 2025-01-01T00:00:00Z"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> s.gramsCo2e(List.of(new EnergyInterval(before, before.plusSeconds(7200), 1)), 1.0));
    }

    @Test
    void badTimestampNamesLine() throws IOException {
        Path p = write("timestamp,gco2e_per_kwh\n2025-01-01T00:00:00Z,100\n2025-13-01T00:00:00Z,120\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(p));
        assertTrue(e.getMessage().startsWith("grid.csv line 3: timestamp '2025-13-01T00:00:00Z'"), e.getMessage());
        assertTrue(e.getMessage().contains("ISO-8601"));
    }

    @Test
    void outOfOrderNamesLine() throws IOException {
        Path p = write("timestamp,gco2e_per_kwh\n2025-01-01T01:00:00Z,100\n2025-01-01T00:00:00Z,120\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(p));
        assertTrue(e.getMessage().startsWith("grid.csv line 3:"), e.getMessage());
        assertTrue(e.getMessage().contains("increasing"));
        Path dup = write("timestamp,gco2e_per_kwh\n2025-01-01T01:00:00Z,100\n2025-01-01T02:00:00+01:00,120\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(dup))
                .getMessage().startsWith("grid.csv line 3:"));
    }

    @Test
    void negativeAndNonNumericNameLine() throws IOException {
        Path neg = write("timestamp,gco2e_per_kwh\n2025-01-01T00:00:00Z,100\n2025-01-01T01:00:00Z,-4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(neg));
        assertTrue(e.getMessage().startsWith("grid.csv line 3: intensity -4 is negative"), e.getMessage());
        Path nan = write("timestamp,gco2e_per_kwh\n2025-01-01T00:00:00Z,abc\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(nan))
                .getMessage().startsWith("grid.csv line 2: intensity 'abc' is not a number"));
    }

    @Test
    void wrongHeaderAndEmptyFileAreExplained() throws IOException {
        Path p = write("time,value\n2025-01-01T00:00:00Z,100\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(p))
                .getMessage().contains("expected 'timestamp,gco2e_per_kwh'"));
        Path empty = write("timestamp,gco2e_per_kwh\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(empty))
                .getMessage().contains("no data rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Intensities.timeSeries(dir.resolve("nope.csv")))
                .getMessage().contains("does not exist"));
    }
}
