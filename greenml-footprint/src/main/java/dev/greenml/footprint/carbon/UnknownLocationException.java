package dev.greenml.footprint.carbon;

import java.util.List;

/** A location code that is in none of the shipped tables; the message lists close matches and the fix. */
public final class UnknownLocationException extends IllegalArgumentException {

    private final String query;
    private final List<String> suggestions;

    public UnknownLocationException(String what, String query, List<String> suggestions, String accepted) {
        super(message(what, query, suggestions, accepted));
        this.query = query;
        this.suggestions = List.copyOf(suggestions);
    }

    private static String message(String what, String query, List<String> suggestions, String accepted) {
        StringBuilder b = new StringBuilder("Unknown ").append(what).append(" '").append(query).append("'. ");
        if (suggestions.isEmpty()) {
            b.append("No close matches. ");
        } else {
            b.append("Close matches: ").append(String.join("; ", suggestions)).append(". ");
        }
        b.append("Accepted: ").append(accepted).append(". ");
        b.append("If your grid is not listed, give its intensity explicitly with --intensity <gCO2e/kWh> ")
                .append("(or a time series with --intensity-file <csv>).");
        return b.toString();
    }

    /** What the user typed. */
    public String query() { return query; }

    /** Up to five "CODE Name" strings, closest first. */
    public List<String> suggestions() { return suggestions; }
}
