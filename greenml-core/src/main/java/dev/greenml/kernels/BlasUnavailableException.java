package dev.greenml.kernels;

import java.nio.file.Path;

/**
 * OpenBLAS could not be loaded. The message names the file, the reason and the way out
 * ({@code --backend java}); {@link #file()} and {@link #reason()} give the parts.
 */
public final class BlasUnavailableException extends RuntimeException {

    private final transient Path file;
    private final String reason;

    BlasUnavailableException(Path file, String reason, Throwable cause) {
        super("OpenBLAS could not be loaded from " + file + ": " + reason
                + ". Fix: run with --backend java (pure-Java kernels, no native library), or make "
                + OpenBlas.ARTIFACT + " available on the class path", cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file that could not be found, extracted or loaded. */
    public Path file() {
        return file;
    }

    /** Why, in a few words. */
    public String reason() {
        return reason;
    }
}
