package dev.greenml.flops;

import dev.greenml.footprint.WorkListener;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the floating-point operations the engine performs, by analytic formula per op
 * (a matrix product (m,k)·(k,n) is 2·m·n·k; an elementwise op is one FLOP per element;
 * see each op's Javadoc). A footprint run reads the total before and after its work, or
 * subscribes as a {@link WorkListener}.
 *
 * <p>Process-wide, because ops run on many threads and a run meters the whole process.
 */
public final class FlopCounter {

    private static final LongAdder TOTAL = new LongAdder();
    private static volatile WorkListener listener = WorkListener.NONE;

    private FlopCounter() {}

    /** Adds {@code flops} done by one op. Cheap: called once per op, never per element. */
    public static void add(long flops) {
        TOTAL.add(flops);
        listener.flops(flops);
    }

    /** FLOPs counted since the process started. Subtract two readings to meter a span. */
    public static long total() {
        return TOTAL.sum();
    }

    /** Routes every future count also to {@code l} (e.g. a footprint run); NONE to stop. */
    public static void setListener(WorkListener l) {
        listener = l == null ? WorkListener.NONE : l;
    }

    public static WorkListener listener() {
        return listener;
    }
}
