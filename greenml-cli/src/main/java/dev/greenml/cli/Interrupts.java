package dev.greenml.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) as a request rather than a kill: the first one runs {@code onFirst} (the
 * trainer then stops between two steps and saves a checkpoint), a second one ends the process
 * at once with exit code 130. A JVM shutdown hook could not do this: by the time hooks run,
 * System.exit is under way and the main thread cannot finish its work and choose the exit code.
 * Uses sun.misc.Signal (module jdk.unsupported, present in every JDK).
 */
final class Interrupts implements AutoCloseable {

    private static final Signal INT = new Signal("INT");
    private final SignalHandler previous;
    private volatile int count;

    private Interrupts(Runnable onFirst, Runnable onSecond) {
        this.previous = Signal.handle(INT, sig -> {
            if (count++ == 0) {
                onFirst.run();
            } else {
                onSecond.run();
                Runtime.getRuntime().halt(130);
            }
        });
    }

    /**
     * Installs the handler, or returns null when the JVM may not handle SIGINT (started with
     * -Xrs, or as a background job whose SIGINT is ignored); Ctrl-C then keeps its default effect.
     */
    static Interrupts install(Runnable onFirst, Runnable onSecond) {
        try {
            Interrupts i = new Interrupts(onFirst, onSecond);
            // HotSpot leaves an ignored SIGINT ignored (a background job of a non-interactive shell) and says so only here
            if (i.previous == SignalHandler.SIG_IGN) {
                i.close();
                return null;
            }
            return i;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return null;
        }
    }

    boolean triggered() { return count > 0; }

    /** Restores the previous handler (tests run many commands in one JVM). */
    @Override public void close() {
        try {
            Signal.handle(INT, previous);
        } catch (IllegalArgumentException ignored) {
            // nothing to restore
        }
    }
}
