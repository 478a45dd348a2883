package dev.greenml.footprint.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CodeCarbonCsvTest {

    @TempDir Path dir;

    @Test
    void columnsAreCodeCarbonV3EmissionsDataFieldsInOrder() {
        // Copied from mlco2/codecarbon codecarbon/output_methods/emissions_data.py (commit 0999d9c1), class EmissionsData
        List<String> fromSource = List.of("timestamp", "project_name", "run_id", "experiment_id", "duration",
                "emissions", "emissions_rate", "cpu_utilization_percent", "ram_utilization_percent", "ram_used_gb",
                "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy", "ram_energy", "energy_consumed",
                "water_consumed", "country_name", "country_iso_code", "region", "cloud_provider", "cloud_region", "os",
                "python_version", "codecarbon_version", "cpu_count", "cpu_model", "gpu_count", "gpu_model", "longitude",
                "latitude", "ram_total_size", "tracking_mode", "on_cloud", "pue", "wue");
        assertEquals(fromSource, CodeCarbonCsv.COLUMNS);
    }

    @Test
    void quotingFollowsRfc4180() {
        assertEquals("plain", CodeCarbonCsv.quote("plain"));
        assertEquals("\"a,b\"", CodeCarbonCsv.quote("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CodeCarbonCsv.quote("say \"hi\""));
        assertEquals("\"two\nlines\"", CodeCarbonCsv.quote("two\nlines"));
    }

    @Test
    void appendsTwoRowsUnderOneHeader() throws IOException {
        Path csv = dir.resolve("emissions.csv");
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("run_id", "r1");
        a.put("project_name", "mnist, small");
        a.put("emissions", 0.0123);
        a.put("duration", 60.5);
        a.put("on_cloud", false);
        CodeCarbonCsv.appendRow(csv, a);
        CodeCarbonCsv.appendRow(csv, Map.of("run_id", "r2", "cpu_model", "Xeon \"Gold\"\nrev 2"));
        String text = Files.readString(csv);
        assertTrue(text.startsWith(CodeCarbonCsv.headerLine() + "\n"));
        String expectedRow1 = ",\"mnist, small\",r1,,60.5,0.0123," + ",".repeat(28) + "N,,";
        String expectedRow2 = ",,r2," + ",".repeat(24) + "\"Xeon \"\"Gold\"\"\nrev 2\"" + ",".repeat(9);
        assertEquals(CodeCarbonCsv.headerLine() + "\n" + expectedRow1 + "\n" + expectedRow2 + "\n", text);
        assertEquals(37, CodeCarbonCsv.COLUMNS.size());
        assertEquals(36, expectedRow1.chars().filter(c -> c == ',').count() - 1); // one comma is inside quotes
    }

    @Test
    void unknownKeyIsRejectedAndFileUntouched() throws IOException {
        Path csv = dir.resolve("emissions.csv");
        CodeCarbonCsv.appendRow(csv, Map.of("run_id", "r1"));
        String before = Files.readString(csv);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CodeCarbonCsv.appendRow(csv, Map.of("run_id", "r2", "co2_grams", 5)));
        assertTrue(e.getMessage().contains("co2_grams"));
        assertEquals(before, Files.readString(csv));
    }

    @Test
    void differentHeaderIsBackedUpLikeCodeCarbon() throws IOException {
        Path csv = dir.resolve("emissions.csv");
        String old = "timestamp,project_name,run_id\n2024-01-01T00:00:00,p,r0\n";
        Files.writeString(csv, old);
        CodeCarbonCsv.appendRow(csv, Map.of("run_id", "r1"));
        assertEquals(old, Files.readString(dir.resolve("emissions.csv.bak")));
        assertEquals(2, Files.readAllLines(csv).size());
        Files.writeString(csv, old);
        CodeCarbonCsv.appendRow(csv, Map.of("run_id", "r2"));
        assertTrue(Files.exists(dir.resolve("emissions.csv.1.bak")));
    }

    @Test
    void anExistingFileThatIsNotUtf8IsBackedUpNotAnError() throws IOException {
        // Python CodeCarbon on Windows writes cp1252: a region name with é is byte 0xE9
        Path csv = dir.resolve("emissions.csv");
        byte[] old = (CodeCarbonCsv.headerLine() + "\n2024-01-01T00:00:00,p,r0,,,,,,,,,,,,,,,,Qu\u00e9bec\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(csv, old);
        CodeCarbonCsv.appendRow(csv, Map.of("run_id", "r1"));
        assertArrayEquals(old, Files.readAllBytes(dir.resolve("emissions.csv.bak")));
        assertEquals(List.of(CodeCarbonCsv.headerLine()), Files.readAllLines(csv).subList(0, 1));
        assertEquals(2, Files.readAllLines(csv).size());
    }
}
