package dev.greenml.footprint.report;

import dev.greenml.footprint.run.FootprintResult;
import java.util.Locale;

/**
 * The one-paragraph summary printed at the end of every run, e.g.
 * {@code Footprint (modelled: CPU time × TDP/core, ±50%): 0.52 Wh · 0.10 g CO2e (FR, OWID 2023, PUE 1.56) · …}.
 * Every figure names its method, its source and (when modelled) its uncertainty.
 */
public final class Summary {

    private Summary() {}

    public static String text(FootprintResult r) {
        var e = r.energy();
        var c = r.carbon();
        StringBuilder sb = new StringBuilder("Footprint (");
        sb.append(e.method()).append(": ").append(how(r));
        if (Double.isFinite(e.uncertainty())) sb.append(", ±").append(Math.round(e.uncertainty() * 100)).append('%');
        sb.append("): ").append(wh(e.wh())).append(" · ")
                .append(grams(c.gramsCo2e())).append(" CO2e (").append(c.location()).append(", ").append(c.source())
                .append(' ').append(c.year()).append(", PUE ").append(String.format(Locale.ROOT, "%.3g", c.pue())).append(')');
        if (r.water().estimated()) sb.append(" · ").append(fmt(r.water().litres() * 1000)).append(" mL water (WUE given)");
        for (String eq : r.equivalents()) sb.append(" · ").append(eq);
        sb.append(String.format(Locale.ROOT, " · %.1f s", r.durationSeconds()));
        if (r.work().flops() > 0) {
            sb.append(String.format(Locale.ROOT, " · %.3g GFLOP/s, %.3g J/GFLOP", r.work().gflopPerSecond(), r.work().joulesPerGflop()));
        }
        for (var u : r.units()) {
            sb.append(String.format(Locale.ROOT, " · %.3g J per %s", u.joulesPerUnit(), singular(u.kind())));
            if (!u.basis().equals("whole run")) sb.append(" (").append(u.basis()).append(')');
        }
        if (c.fallback()) {
            sb.append("\n  Grid intensity is the world average because no location was set;"
                    + " set one with --country CC, --region R, --cloud PROVIDER:REGION or --intensity G.");
        }
        for (var m : r.meters()) {
            if (!m.note().isEmpty()) sb.append("\n  ").append(m.id()).append(": ").append(m.note());
        }
        if (!r.water().estimated() && !r.water().note().isEmpty()) sb.append("\n  ").append(r.water().note());
        return sb.toString();
    }

    /** Short description of the methods: e.g. "CPU time × TDP/core + RSS × W/GB" or "RAPL + NVML". */
    private static String how(FootprintResult r) {
        StringBuilder sb = new StringBuilder();
        for (var m : r.meters()) {
            String part = switch (m.id().replaceAll(":.*", "")) {
                case "rapl" -> "RAPL";
                case "nvml" -> "NVML";
                default -> m.component().equals("cpu") ? "CPU time × TDP/core" : "RSS × W/GB";
            };
            if (sb.indexOf(part) < 0) sb.append(sb.isEmpty() ? "" : " + ").append(part);
        }
        return sb.isEmpty() ? "no meter" : sb.toString();
    }

    private static String singular(String kind) {
        return kind.endsWith("s") ? kind.substring(0, kind.length() - 1) : kind;
    }

    static String wh(double wh) {
        if (wh >= 1000) return fmt(wh / 1000) + " kWh";
        if (wh >= 0.1 || wh == 0) return fmt(wh) + " Wh";
        return fmt(wh * 1000) + " mWh";
    }

    static String grams(double g) {
        if (g >= 1000) return fmt(g / 1000) + " kg";
        if (g >= 0.1 || g == 0) return fmt(g) + " g";
        return fmt(g * 1000) + " mg";
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2g", v).replaceAll("e\\+0?(\\d+)", "e$1");
    }
}
