package dev.greenml.footprint.carbon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shipped factor tables (resources beside this class; provenance in PROVENANCE.md there),
 * loaded once on first use.
 */
final class FactorTables {

    /** One row of a table: the key it is found by, a human name and the factor with its labels. */
    record Entry(String code, String name, GridIntensity intensity) {}

    record Pue(String provider, double pue, String year, String source) {}

    static final Map<String, Entry> COUNTRIES_BY_ALPHA2 = new LinkedHashMap<>();
    static final Map<String, Entry> COUNTRIES_BY_ALPHA3 = new LinkedHashMap<>();
    static final Map<String, Entry> REGIONS = new LinkedHashMap<>();
    /** key "provider:region", region normalised (lower case, alphanumerics and '-'). */
    static final Map<String, Entry> CLOUD = new LinkedHashMap<>();
    static final Map<String, Pue> PUE = new LinkedHashMap<>();

    static {
        for (List<String> r : read("countries.csv", 7)) {
            // alpha2,alpha3,name,g_per_kwh,year,source,scope
            String a2 = r.get(0), a3 = r.get(1);
            Entry e = new Entry(a2, r.get(2), new GridIntensity(Double.parseDouble(r.get(3)), a2, r.get(5), r.get(4), r.get(6), false));
            COUNTRIES_BY_ALPHA2.put(a2, e);
            COUNTRIES_BY_ALPHA3.put(a3, e);
        }
        for (List<String> r : read("regions.csv", 6)) {
            // code,name,g_per_kwh,year,source,scope
            REGIONS.put(r.get(0), new Entry(r.get(0), r.get(1),
                    new GridIntensity(Double.parseDouble(r.get(2)), r.get(0), r.get(4), r.get(3), r.get(5), false)));
        }
        for (List<String> r : read("cloud.csv", 8)) {
            // provider,region,name,g_per_kwh,year,source,scope,grid_location
            String location = r.get(0) + ":" + r.get(1);
            CLOUD.put(r.get(0) + ":" + normaliseRegion(r.get(1)), new Entry(r.get(1), r.get(2),
                    new GridIntensity(Double.parseDouble(r.get(3)), location, r.get(5), r.get(4), r.get(6), false)));
        }
        for (List<String> r : read("pue.csv", 5)) {
            // provider,pue,year,source,url
            PUE.put(r.get(0), new Pue(r.get(0), Double.parseDouble(r.get(1)), r.get(2), r.get(3) + " <" + r.get(4) + ">"));
        }
    }

    private FactorTables() {}

    /** Azure names appear as "West Europe" and "westeurope"; both map to "westeurope". */
    static String normaliseRegion(String region) {
        return region.toLowerCase(Locale.ROOT).replaceAll("\\(.*?\\)", "").replaceAll("[^a-z0-9-]", "");
    }

    private static List<List<String>> read(String name, int columns) {
        List<List<String>> rows = new ArrayList<>();
        try (InputStream in = FactorTables.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/greenml/footprint/carbon/" + name + " (broken build?)");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = reader.readLine(); // header
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                List<String> cells = Csv.parseLine(line);
                if (cells.size() != columns) {
                    throw new IllegalStateException(name + " line " + lineNo + ": expected " + columns + " columns, got " + cells.size());
                }
                rows.add(cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shipped table " + name, e);
        }
        return rows;
    }
}
