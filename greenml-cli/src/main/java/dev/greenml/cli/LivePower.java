package dev.greenml.cli;

import java.util.ArrayDeque;

/**
 * Live power for progress bars: the energy counter's increase over the last few seconds divided
 * by the time it took. Samples are taken at most every 250 ms; older than the window are dropped.
 */
final class LivePower {

    private static final long MIN_GAP_NANOS = 250_000_000L;
    private final long windowNanos;
    private final ArrayDeque<double[]> samples = new ArrayDeque<>();   // {nanos, joules}

    LivePower(double windowSeconds) {
        this.windowNanos = (long) (windowSeconds * 1e9);
    }

    /** Records the cumulative energy {@code joules} at time {@code nanos} (System.nanoTime). */
    void sample(long nanos, double joules) {
        if (!samples.isEmpty() && nanos - (long) samples.peekLast()[0] < MIN_GAP_NANOS) return;
        samples.addLast(new double[] {nanos, joules});
        while (samples.size() > 2 && nanos - (long) samples.peekFirst()[0] > windowNanos) samples.removeFirst();
    }

    /** Watts over the window; NaN until two samples are far enough apart. */
    double watts() {
        if (samples.size() < 2) return Double.NaN;
        double[] a = samples.peekFirst(), b = samples.peekLast();
        double dt = (b[0] - a[0]) / 1e9;
        return dt > 0 ? (b[1] - a[1]) / dt : Double.NaN;
    }
}
