package dev.greenml.footprint.carbon;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IntensitiesTest {

    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void franceByAlpha2Alpha3AndLowerCaseMatchesOwid2023() {
        // codecarbon global_energy_mix.json FRA carbon_intensity 56.039, year 2023
        for (String code : List.of("FR", "FRA", "fr", " fra ")) {
            GridIntensity g = Intensities.country(code).at(T);
            assertEquals(56.039, g.gramsPerKWh(), 1e-9, code);
            assertEquals("FR", g.location());
            assertEquals("2023", g.year());
            assertEquals("lifecycle", g.scope());
            assertFalse(g.fallback());
        }
        assertEquals("FR 56 gCO2e/kWh (OWID/Ember 2023, lifecycle)", Intensities.country("FR").describe());
    }

    @Test
    void countriesMissingFromCarbontrackerStillHaveAlpha2() {
        // KOR is only in the codecarbon file; alpha-2 KR added from ISO 3166
        assertEquals(Intensities.country("KOR").at(T), Intensities.country("KR").at(T));
    }

    @Test
    void californiaIsSubNationalDirect2020() {
        // green-algorithms CI_aggregated.csv: US-CA 216.43, "data from 2020"
        GridIntensity g = Intensities.country("us-ca").at(T);
        assertEquals(216.43, g.gramsPerKWh(), 1e-9);
        assertEquals("US-CA", g.location());
        assertEquals("2020", g.year());
        assertEquals("direct", g.scope());
        assertEquals(g, Intensities.country("USA-CA").at(T));
    }

    @Test
    void nordicZonesAreLabelledDirect() {
        GridIntensity g = Intensities.country("SE3").at(T);
        assertEquals(18.0, g.gramsPerKWh(), 1e-9);
        assertEquals("direct", g.scope());
        assertEquals("2024", g.year());
    }

    @Test
    void cloudRegionsMatchSourceFiles() {
        GridIntensity gcp = Intensities.cloud("gcp", "europe-west1").at(T); // codecarbon cloud_impact.csv: 122
        assertEquals(122, gcp.gramsPerKWh(), 1e-9);
        assertEquals("gcp:europe-west1", gcp.location());
        GridIntensity aws = Intensities.cloud("AWS", "us-east-1").at(T);    // mlco2 impact.csv: 367.8, eGRID
        assertEquals(367.8, aws.gramsPerKWh(), 1e-9);
        assertEquals("2016", aws.year());
        assertTrue(aws.source().contains("stale"));
        // Azure West Europe → NL in cloudProviders_datacenters.csv → CI_aggregated NL 374.34 (AIB, data 2020)
        GridIntensity az = Intensities.cloud("azure", "West Europe").at(T);
        assertEquals(374.34, az.gramsPerKWh(), 1e-9);
        assertEquals(az, Intensities.cloud("azure", "westeurope").at(T));
        assertEquals("2020", az.year());
    }

    @Test
    void misspelledCountryListsFranceAndHowToPassExplicitIntensity() {
        UnknownLocationException e = assertThrows(UnknownLocationException.class, () -> Intensities.country("Fance"));
        assertTrue(e.suggestions().contains("FR France"), e.getMessage());
        assertTrue(e.suggestions().size() <= 5);
        assertTrue(e.getMessage().contains("--intensity"), e.getMessage());
        assertTrue(e.getMessage().contains("'Fance'"));
    }

    @Test
    void unknownCodeXXListsAtMostFiveMatches() {
        UnknownLocationException e = assertThrows(UnknownLocationException.class, () -> Intensities.country("XX"));
        assertTrue(e.suggestions().size() <= 5);
        assertTrue(e.getMessage().contains("--intensity"));
        assertInstanceOf(IllegalArgumentException.class, e);
    }

    @Test
    void nameSubstringFindsCountry() {
        UnknownLocationException e = assertThrows(UnknownLocationException.class, () -> Intensities.country("Germ"));
        assertTrue(e.suggestions().contains("DE Germany"), e.getMessage());
    }

    @Test
    void unknownCloudRegionSuggestsNeighbours() {
        UnknownLocationException e = assertThrows(UnknownLocationException.class,
                () -> Intensities.cloud("gcp", "europe-west99"));
        assertFalse(e.suggestions().isEmpty(), e.getMessage());
        assertTrue(e.suggestions().getFirst().startsWith("gcp:europe-west"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Intensities.cloud("ibm", "x"));
    }

    @Test
    void worldAverageIsLabelledFallback() {
        GridIntensity g = Intensities.worldAverage().at(T);
        assertEquals(475, g.gramsPerKWh());
        assertTrue(g.fallback());
        assertTrue(Intensities.worldAverage().describe().contains("FALLBACK"));
    }

    @Test
    void explicitValidatesRange() {
        assertEquals(120, Intensities.explicit(120).at(T).gramsPerKWh());
        assertEquals("user", Intensities.explicit(120).at(T).scope());
        for (double bad : new double[] {0, -5, 3000, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intensities.explicit(bad));
            assertTrue(e.getMessage().contains("> 0 and < 3000"), e.getMessage());
        }
    }

    @Test
    void defaultPueFromGreenAlgorithmsTable() {
        assertEquals(1.56, Intensities.defaultPue(null));      // Uptime 2024
        assertEquals(1.56, Intensities.defaultPue("hetzner")); // unknown provider → industry average
        assertEquals(1.12, Intensities.defaultPue("gcp"));
        assertEquals(1.2, Intensities.defaultPue("AWS"));
        assertTrue(Intensities.defaultPueFactor(null).source().contains("Uptime"));
    }

    @Test
    void constantIntensityTimesPue() {
        // 2 kWh × PUE 1.5 × 56.039 g/kWh
        double g = Intensities.country("FR").gramsCo2e(List.of(new EnergyInterval(T, T.plusSeconds(60), 2)), 1.5);
        assertEquals(2 * 1.5 * 56.039, g, 1e-9);
        assertThrows(IllegalArgumentException.class,
                () -> Intensities.country("FR").gramsCo2e(List.of(), 0.9));
    }
}
