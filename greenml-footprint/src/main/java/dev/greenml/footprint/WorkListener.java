package dev.greenml.footprint;

/**
 * What a compute engine tells the footprint about the work it does. The engine calls these;
 * the footprint never imports the engine. Implementations must be thread-safe and cheap
 * (called once per op or per batch, not per element).
 */
public interface WorkListener {

    /** Floating-point operations done (a multiply-add counts as 2). */
    void flops(long count);

    /** Bytes read from storage (model files, datasets). */
    default void bytesRead(long count) {}

    /** Bytes written to storage (model files, checkpoints, reports). */
    default void bytesWritten(long count) {}

    /** Bytes sent over a network. */
    default void bytesSent(long count) {}

    WorkListener NONE = count -> {};
}
