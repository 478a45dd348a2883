package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public final class Equivalents {
    private Equivalents() {}
    public static java.util.List<String> describe(double grams) {
        return java.util.List.of(String.format(java.util.Locale.ROOT, "≈ %.2g m by car (stub)", grams / 0.1075));
    }
}
