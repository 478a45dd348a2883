package dev.greenml.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Where a command's words go: the result on stdout (one JSON object with --json, text otherwise),
 * progress and logs on stderr, so that scripts can read stdout. The streams are the command
 * line's writers (System.out and System.err unless a caller such as a test replaced them).
 */
public final class Output {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public final boolean json;
    public final PrintWriter out;
    public final PrintWriter err;

    public Output(picocli.CommandLine commandLine, boolean json) {
        this.json = json;
        this.out = commandLine.getOut();
        this.err = commandLine.getErr();
    }

    /** A log line on stderr. */
    private final java.util.List<String> held = new java.util.ArrayList<>();

    /**
     * A log line held back until {@link #release()}: for the lines a command prints while it is
     * still checking its input, so that a run that then fails prints its one error line only.
     */
    public void hold(String format, Object... args) {
        held.add(String.format(java.util.Locale.ROOT, format, args));
    }

    /** Prints the held lines (the input was good); later calls print nothing. */
    public void release() {
        for (String line : held) err.println(line);
        held.clear();
        err.flush();
    }

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

    /**
     * {@code text} for a terminal: control characters other than newline and tab (a generated
     * sample may hold any byte: NUL, backspace, escape sequences) written as {@code \xNN}, so they
     * neither garble the screen nor make a line filter take the stream for binary. JSON output
     * stays exact (JSON escapes them itself).
     */
    public static String printable(CharSequence text) {
        StringBuilder s = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // \r\n is a Windows line end, not a control to show; a lone \r could overwrite a line
            boolean crlf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
            boolean control = c < 0x20 && c != '\n' && c != '\t' && !crlf || c >= 0x7f && c <= 0x9f;
            if (control && s == null) s = new StringBuilder(text.length() + 8).append(text, 0, i);
            if (control) s.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            else if (s != null) s.append(c);
        }
        return s == null ? text.toString() : s.toString();
    }

    public static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
