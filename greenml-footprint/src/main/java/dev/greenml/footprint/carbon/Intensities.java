package dev.greenml.footprint.carbon;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Entry points to grid carbon intensities. Every factor carries its source, year and scope; see
 * docs/footprint-method.md and the PROVENANCE.md beside the tables.
 *
 * <pre>{@code
 * Intensities.country("FR");                 // OWID/Ember 2023, lifecycle
 * Intensities.country("US-CA");              // sub-national, carbonfootprint.com 2020, direct
 * Intensities.cloud("gcp", "europe-west1");  // Google region-carbon, direct
 * Intensities.explicit(120);                 // user value
 * Intensities.timeSeries(Path.of("grid.csv"));
 * }</pre>
 */
public final class Intensities {

    /** Values at or above this are rejected as a unit mistake; the dirtiest national grids are ~1000 g/kWh. */
    static final double MAX_PLAUSIBLE = 3000;

    /** IEA Global Energy & CO2 Status Report 2019 (data 2018), as used by CodeCarbon and Green Algorithms. */
    static final GridIntensity WORLD = new GridIntensity(475, "world", "IEA Global Energy & CO2 Status Report", "2019",
            "direct", true);

    private static final String ACCEPTED_COUNTRY = "ISO 3166 alpha-2 (FR), alpha-3 (FRA), alpha-2-REGION (US-CA, CA-QC, AU-NSW)"
            + " or a Nordic bidding zone (SE1..SE4, NO1..NO5), case-insensitive";

    private Intensities() {}

    /** A user-given intensity in gCO2e/kWh; must be > 0 and < 3000. */
    public static IntensitySource explicit(double gramsPerKWh) {
        if (!Double.isFinite(gramsPerKWh) || gramsPerKWh <= 0 || gramsPerKWh >= MAX_PLAUSIBLE) {
            throw new IllegalArgumentException("explicit grid intensity " + gramsPerKWh
                    + " gCO2e/kWh is out of range: expected > 0 and < 3000 (national grids lie between ~10 and ~1000). "
                    + "If your figure is in kg/kWh multiply by 1000; if in g/MWh divide by 1000.");
        }
        return StepIntensity.constant(new GridIntensity(gramsPerKWh, "explicit", "user-supplied", "", "user", false));
    }

    /** A country (alpha-2 or alpha-3) or a sub-national region (alpha-2-REGION, Nordic zone); case-insensitive. */
    public static IntensitySource country(String code) {
        return StepIntensity.constant(lookupCountry(code));
    }

    static GridIntensity lookupCountry(String code) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("empty location code; expected " + ACCEPTED_COUNTRY
                    + ", or use worldAverage() only when no location is known");
        }
        String c = code.strip().toUpperCase(Locale.ROOT).replace('_', '-');
        FactorTables.Entry e = FactorTables.REGIONS.get(c);
        if (e == null && c.indexOf('-') == 3) {
            // USA-CA: accept an alpha-3 country prefix for regions too
            FactorTables.Entry country = FactorTables.COUNTRIES_BY_ALPHA3.get(c.substring(0, 3));
            if (country != null) e = FactorTables.REGIONS.get(country.code() + c.substring(3));
        }
        if (e == null && c.length() == 2) e = FactorTables.COUNTRIES_BY_ALPHA2.get(c);
        if (e == null && c.length() == 3) e = FactorTables.COUNTRIES_BY_ALPHA3.get(c);
        if (e != null) return e.intensity();
        List<FactorTables.Entry> candidates = new ArrayList<>(FactorTables.COUNTRIES_BY_ALPHA2.values());
        candidates.addAll(FactorTables.REGIONS.values());
        throw new UnknownLocationException("location", code, closeMatches(code, candidates, ""), ACCEPTED_COUNTRY);
    }

    /**
     * A cloud region. gcp: Google region-carbon data (via CodeCarbon); azure: Green Algorithms data-centre
     * locations joined to their grid factors; aws: ML CO2 Impact table (2016–2019 data, stale).
     */
    public static IntensitySource cloud(String provider, String region) {
        String p = provider == null ? "" : provider.strip().toLowerCase(Locale.ROOT);
        if (!p.equals("gcp") && !p.equals("aws") && !p.equals("azure")) {
            throw new IllegalArgumentException("unknown cloud provider '" + provider + "': expected gcp, aws or azure. "
                    + "For another provider use country(<code of the data centre's country>) or --intensity <gCO2e/kWh>.");
        }
        String r = region == null ? "" : FactorTables.normaliseRegion(region.strip());
        FactorTables.Entry e = FactorTables.CLOUD.get(p + ":" + r);
        if (e != null) return StepIntensity.constant(e.intensity());
        List<FactorTables.Entry> candidates = FactorTables.CLOUD.entrySet().stream()
                .filter(x -> x.getKey().startsWith(p + ":")).map(Map.Entry::getValue).toList();
        throw new UnknownLocationException(p + " region", region, closeMatches(region == null ? "" : region, candidates, p + ":"),
                p + " region names as the provider spells them (e.g. "
                        + switch (p) { case "gcp" -> "europe-west1"; case "aws" -> "eu-west-1"; default -> "westeurope"; } + ")");
    }

    /** A step-function time series from a CSV file; see {@link TimeSeriesCsv} for the format. Times before the first row are an error. */
    public static IntensitySource timeSeries(Path csv) {
        return TimeSeriesCsv.read(csv);
    }

    /** 475 gCO2e/kWh (IEA 2019), labelled fallback=true. Use ONLY when the user gave no location. */
    public static IntensitySource worldAverage() {
        return StepIntensity.constant(WORLD);
    }

    /** Default PUE for gcp|aws|azure|ovhcloud|oracle, or the industry average 1.56 (Uptime 2024) for null/unknown. */
    public static double defaultPue(String providerOrNull) {
        return defaultPueFactor(providerOrNull).pue();
    }

    /** The default PUE with its source and year, for reports. */
    public static PueFactor defaultPueFactor(String providerOrNull) {
        String p = providerOrNull == null ? "unknown" : providerOrNull.strip().toLowerCase(Locale.ROOT);
        FactorTables.Pue pue = FactorTables.PUE.getOrDefault(p, FactorTables.PUE.get("unknown"));
        return new PueFactor(pue.pue(), pue.provider(), pue.year(), pue.source());
    }

    /** A PUE value with where it comes from. */
    public record PueFactor(double pue, String provider, String year, String source) {}

    static void checkPue(double pue) {
        if (!Double.isFinite(pue) || pue < 1.0) {
            throw new IllegalArgumentException("PUE must be a finite number >= 1.0 (total facility energy / IT energy), got "
                    + pue + ". Use 1.0 to count IT energy only, or Intensities.defaultPue(provider).");
        }
    }

    static String formatGrams(double g) {
        if (g >= 10) return Long.toString(Math.round(g));
        if (g == 0) return "0";
        return new BigDecimal(g).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /** Up to five "CODE Name" strings: names containing the query first, then by edit distance to code or name. */
    static List<String> closeMatches(String query, List<FactorTables.Entry> candidates, String prefix) {
        String q = query.strip().toLowerCase(Locale.ROOT);
        record Scored(FactorTables.Entry entry, int score) {}
        List<Scored> scored = new ArrayList<>();
        for (FactorTables.Entry e : candidates) {
            String code = e.code().toLowerCase(Locale.ROOT);
            String name = e.name().toLowerCase(Locale.ROOT);
            int score;
            if (q.length() >= 3 && name.contains(q)) {
                score = 0;
            } else {
                score = Math.min(editDistance(q, code), editDistance(q, name));
                for (String word : name.split("[ ,()]+")) {
                    if (!word.isEmpty()) score = Math.min(score, editDistance(q, word));
                }
            }
            int limit = Math.max(1, q.length() / 3);
            if (score <= limit) scored.add(new Scored(e, score));
        }
        return scored.stream()
                .sorted(Comparator.comparingInt(Scored::score).thenComparing(s -> s.entry().code()))
                .limit(5)
                .map(s -> prefix + s.entry().code() + " " + s.entry().name())
                .distinct()
                .toList();
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
