package dev.greenml.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise
 * (logs, CI), so that piped output stays readable.
 */
public final class Progress {

    private final PrintWriter err;
    private final String label;
    private long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;

    public Progress(PrintWriter err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.terminal = System.console() != null && System.getenv("CI") == null;
    }

    /** Changes the total (a re-planned run), keeping the elapsed time for the ETA. */
    public void total(long newTotal) {
        total = newTotal;
    }

    /** Shows {@code done} of total with a trailing status such as the current loss. */
    public void update(long done, String status) {
        update(done, status, Double.NaN);
    }

    /** True when {@link #update} for {@code done} would draw: build costly status text only then. */
    public boolean due(long done) {
        return done >= total || System.nanoTime() - lastDrawNanos >= (terminal ? 100_000_000L : 5_000_000_000L);
    }

    /** As {@link #update(long, String)}, with the ETA given (e.g. of a whole run) instead of this bar's own. */
    public void update(long done, String status, double etaSeconds) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!due(done)) return;
        lastDrawNanos = now;
        double frac = total == 0 ? 1 : (double) done / total;
        double elapsed = (now - startNanos) / 1e9;
        double eta = !Double.isNaN(etaSeconds) ? etaSeconds : frac > 0 ? elapsed * (1 - frac) / frac : 0;
        int width = 28, filled = (int) Math.round(frac * width);
        String bar = "█".repeat(filled) + "░".repeat(width - filled);
        String line = String.format(Locale.ROOT, "%s %s %3.0f%% %d/%d  %s  %.1fs elapsed, ETA %.1fs",
                label, bar, frac * 100, done, total, status, elapsed, eta);
        if (terminal) {
            err.print("\r" + line + "\u001B[K");
            if (last) err.println();
        } else {
            err.println(line);
        }
        err.flush();
    }
}
