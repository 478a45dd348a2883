package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public final class UnknownLocationException extends IllegalArgumentException {
    public UnknownLocationException(String message) { super(message); }
}
