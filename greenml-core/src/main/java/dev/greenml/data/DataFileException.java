package dev.greenml.data;

/**
 * A data file that cannot be used as it is: missing, truncated, corrupt or inconsistent. The
 * message names the file, the problem and, where there is one, the fix. An
 * IllegalArgumentException, so the CLI reports it as bad input (one line, exit 2).
 */
public final class DataFileException extends IllegalArgumentException {
    public DataFileException(String message) {
        super(message);
    }
}
