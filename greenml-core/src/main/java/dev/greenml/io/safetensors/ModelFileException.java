package dev.greenml.io.safetensors;

/**
 * A model file could not be read or written: it is truncated, malformed, or violates the
 * safetensors specification, or the file system refused. The message is meant for the person
 * at the terminal: it names the file, the problem and what to do, in one sentence, e.g.
 * {@code "model.safetensors: header length 9223372036854775807 exceeds the file size 1234
 * (truncated or not a safetensors file)"}.
 *
 * <p>Unchecked so that a command-line tool can catch it once at the top and print the message.
 */
public class ModelFileException extends RuntimeException {

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
