package dev.greenml.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Where a command's words go: the result on stdout (one JSON object with --json, text otherwise),
 * progress and logs on stderr, so that scripts can read stdout.
 */
public final class Output {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public final boolean json;
    public final PrintStream out = System.out;
    public final PrintStream err = System.err;

    public Output(boolean json) {
        this.json = json;
    }

    /** A log line on stderr. */
    public void log(String format, Object... args) {
        err.println(String.format(Locale.ROOT, format, args));
    }

    /** A result line for humans on stdout (suppressed with --json, where the JSON is the result). */
    public void text(String format, Object... args) {
        if (!json) out.println(String.format(Locale.ROOT, format, args));
        else err.println(String.format(Locale.ROOT, format, args));
    }

    /** Prints {@code result} as one JSON object on stdout when --json was given. */
    public void result(Object result) {
        if (!json) return;
        try {
            out.println(JSON.writeValueAsString(result));
        } catch (Exception e) {
            throw new IllegalStateException("could not write the JSON result: " + e.getMessage(), e);
        }
    }

    public static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
