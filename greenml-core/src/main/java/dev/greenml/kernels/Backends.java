package dev.greenml.kernels;

import java.util.Locale;

/**
 * Chooses a {@link Backend} and holds the process-wide default used by the autograd ops.
 *
 * <pre>{@code
 * Backends.Selection s = Backends.select("auto", 2);   // blas when OpenBLAS loads, else java
 * System.err.println("backend " + s.reason());
 * Backends.setCurrent(s.backend());
 * }</pre>
 */
public final class Backends {

    /** The choices {@link #select} accepts. */
    public static final String CHOICES = "auto, java, blas";

    /** A chosen backend and, in words, why it was chosen. */
    public record Selection(Backend backend, String reason) {}

    private static volatile Backend current;
    private static final ThreadLocal<Backend> THIS_THREAD = new ThreadLocal<>();   // overrides current on one thread

    private Backends() {}

    /**
     * "java" and "blas" give that backend (blas throws {@link BlasUnavailableException} with the
     * fix when OpenBLAS cannot load); "auto" prefers blas and falls back to java, saying why.
     */
    public static Selection select(String choice, int threads) {
        String c = choice == null ? "" : choice.trim().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "java" -> new Selection(new JavaBackend(threads), "java: requested (" + threads + " threads)");
            case "blas" -> {
                var blas = new BlasBackend(threads);
                yield new Selection(blas, "blas: requested; " + loaded(blas));
            }
            case "auto" -> {
                try {
                    var blas = new BlasBackend(threads);
                    yield new Selection(blas, "blas: " + loaded(blas));
                } catch (BlasUnavailableException | LinkageError e) {
                    yield new Selection(new JavaBackend(threads),
                            "java: OpenBLAS could not be loaded (" + reasonOf(e) + ")");
                }
            }
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + choice + "'; valid choices: " + CHOICES);
        };
    }

    /** The backend the engine's ops use; on first use, {@code select("auto", availableProcessors)}. */
    public static Backend current() {
        Backend local = THIS_THREAD.get();
        if (local != null) return local;
        Backend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                b = current;
                if (b == null) {
                    b = select("auto", Runtime.getRuntime().availableProcessors()).backend();
                    current = b;
                }
            }
        }
        return b;
    }

    /** Makes {@code backend} the process-wide default. */
    public static void setCurrent(Backend backend) {
        if (backend == null) {
            throw new IllegalArgumentException("Backends.setCurrent(null): pass a Backend, e.g. new JavaBackend()");
        }
        current = backend;
    }

    /**
     * Runs {@code work} with {@code backend} as {@link #current()} on this thread only (other
     * threads keep theirs): a data-parallel worker computes its shard on a one-thread backend while
     * its siblings do the same on the other cores.
     */
    public static void runWith(Backend backend, Runnable work) {
        Backend before = THIS_THREAD.get();
        THIS_THREAD.set(backend);
        try {
            work.run();
        } finally {
            if (before == null) THIS_THREAD.remove(); else THIS_THREAD.set(before);
        }
    }

    static String loaded(BlasBackend blas) {
        return "OpenBLAS " + OpenBlas.VERSION + " loaded from " + blas.library() + " (" + blas.threads() + " threads"
                + (blas.threads() > 1 ? ", idle workers spin 2^" + OpenBlas.threadTimeout() + " cycles, then sleep" : "") + ")";
    }

    private static String reasonOf(Throwable e) {
        return e instanceof BlasUnavailableException u ? u.file() + ": " + u.reason() : e.toString();
    }
}
