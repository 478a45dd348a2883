package dev.greenml.cli;

import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM (kill, systemd, Kubernetes, batch schedulers) as requests rather
 * than kills: the first one runs {@code onFirst} (the trainer then stops between two steps and
 * saves a checkpoint), a second one ends the process at once with the signal's exit code (130 for
 * Ctrl-C, 143 for SIGTERM, the shells' 128 + signal number). A JVM shutdown hook could not do this:
 * by the time hooks run, System.exit is under way and the main thread cannot finish its work and
 * choose the exit code. Uses sun.misc.Signal (module jdk.unsupported, present in every JDK).
 */
final class Interrupts implements AutoCloseable {

    /** A stop signal: its name for messages and the exit code of a run it stopped. */
    enum Kind {
        CTRL_C("Ctrl-C", 130), SIGTERM("SIGTERM", 143);

        final String label;
        final int exitCode;

        Kind(String label, int exitCode) {
            this.label = label;
            this.exitCode = exitCode;
        }
    }

    private static final Signal INT = new Signal("INT");
    private static final Signal TERM = new Signal("TERM");
    private SignalHandler previousInt, previousTerm;   // null: not installed
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();   // signals so far (each signal's handler runs on its own thread)

    private Interrupts() {}

    /**
     * Installs the handlers, or returns null when the JVM handles neither signal (started with
     * -Xrs). Ctrl-C is left alone when SIGINT is ignored (a background job of a non-interactive
     * shell): {@link #handlesCtrlC()} then says false, and SIGTERM still works.
     */
    static Interrupts install(Consumer<Kind> onFirst, Consumer<Kind> onSecond) {
        Interrupts i = new Interrupts();
        i.previousTerm = i.handle(TERM, Kind.SIGTERM, onFirst, onSecond);
        i.previousInt = i.handle(INT, Kind.CTRL_C, onFirst, onSecond);
        // HotSpot leaves an ignored SIGINT ignored and says so only here
        if (i.previousInt == SignalHandler.SIG_IGN) {
            restore(INT, i.previousInt);
            i.previousInt = null;
        }
        if (i.previousInt == null && i.previousTerm == null) return null;
        return i;
    }

    private SignalHandler handle(Signal signal, Kind kind, Consumer<Kind> onFirst, Consumer<Kind> onSecond) {
        try {
            return Signal.handle(signal, sig -> {
                if (count.getAndIncrement() == 0) {
                    onFirst.accept(kind);
                } else {
                    onSecond.accept(kind);
                    Runtime.getRuntime().halt(kind.exitCode);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * The handlers of a training session: the first signal calls {@code stop} and says what happens
     * next — the step in progress finishes and a checkpoint is saved, or, once {@code finishing} says
     * training is over, the model and the run record are written; a second signal quits at once.
     * Says so when this JVM cannot handle Ctrl-C. Null when it handles neither signal.
     */
    static Interrupts forTraining(Output o, java.util.function.BooleanSupplier finishing, Consumer<Kind> stop) {
        Interrupts i = install(kind -> {
            stop.accept(kind);
            o.err.println("\n" + kind.label + (finishing.getAsBoolean() ? ": finishing: writing the model and the run record ("
                    : ": stopping after this step and saving a checkpoint (") + kind.label + " again quits at once, without one)");
        }, kind -> o.err.println("\n" + kind.label + " again: quitting without a checkpoint"));
        if (i == null || !i.handlesCtrlC()) {
            o.log("note: this JVM may not handle Ctrl-C (SIGINT ignored or -Xrs); Ctrl-C will not save a checkpoint");
        }
        return i;
    }

    boolean handlesCtrlC() { return previousInt != null; }

    /** Restores the previous handlers (tests run many commands in one JVM). */
    @Override public void close() {
        if (previousInt != null) restore(INT, previousInt);
        if (previousTerm != null) restore(TERM, previousTerm);
    }

    private static void restore(Signal signal, SignalHandler handler) {
        try {
            Signal.handle(signal, handler);
        } catch (IllegalArgumentException ignored) {
            // nothing to restore
        }
    }
}
