package dev.greenml.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of {@code size} threads — the caller and {@code size − 1} workers it keeps — that
 * run one task together: {@code run(task)} calls {@code task.accept(i)} for i = 0 … size−1, i = 0
 * on the caller, and returns when all have finished.
 *
 * <p>Why not an executor: a training step hands out work twice (shards; gradient sum with the
 * optimizer), each a few tens of microseconds at batch 32. Waking a parked thread costs about as
 * much, so a waiting thread first spins — pausing for {@link #PAUSE_NANOS}, then yielding — and
 * parks after {@link #SPIN_NANOS}; a machine whose cores are shared loses at most that much CPU per
 * hand-off. Measured on the 2-vCPU VM in docs/parallel.md (spin length, and why it yields).
 *
 * <pre>{@code
 * try (Team team = new Team(2)) {
 *     team.run(i -> sums[i] = sumOf(part(i)));
 * }
 * }</pre>
 */
public final class Team implements AutoCloseable {

    /** How long an idle worker (or the caller waiting for workers) spins before it parks. */
    static final long SPIN_NANOS = Long.getLong("greenml.team.spinMicros", 100) * 1_000;
    /** The first part of a wait, spent in a pausing spin before yielding the core. */
    static final long PAUSE_NANOS = 5_000;

    private final int size;
    private final Thread[] workers;                 // (size − 1); worker w runs task index w + 1
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile IntConsumer task;
    private volatile long generation;               // incremented once per run()
    private volatile boolean closed;
    private volatile Thread caller;                 // the thread inside run(), to unpark when the last worker ends

    public Team(int size) {
        if (size < 1) throw new IllegalArgumentException("a team needs at least 1 thread, got " + size);
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int w = 0; w < workers.length; w++) {
            int index = w + 1;
            workers[w] = Thread.ofPlatform().daemon().name("greenml-team-" + index).unstarted(() -> work(index));
            workers[w].start();
        }
    }

    /** Threads in the team, the caller included. */
    public int size() {
        return size;
    }

    /**
     * Runs {@code task.accept(i)} for every i in [0, size) at once, i = 0 on this thread; returns
     * when all are done. The first exception any of them threw is rethrown here (the others still
     * finish first). Not reentrant, and one caller at a time.
     */
    public void run(IntConsumer task) {
        if (closed) throw new IllegalStateException("this team is closed");
        if (size == 1) {
            task.accept(0);
            return;
        }
        this.task = task;
        failure.set(null);
        pending.set(size - 1);
        caller = Thread.currentThread();
        generation++;                                // publishes task (volatile write after it)
        for (Thread w : workers) LockSupport.unpark(w);
        try {
            task.accept(0);
        } catch (Throwable e) {   // whatever task 0 throws, the workers are waited for before run() returns
            failure.compareAndSet(null, e);
        }
        awaitWorkers();
        this.task = null;
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        while (pending.get() != 0) idle(start, true);
    }

    /**
     * One round of waiting that began at {@code start}: pause for the first microseconds, then
     * yield, then park. Yielding matters when the scheduler has put the waiter and the thread it
     * waits for on the same core: a pausing spin would hold that core until its time ran out
     * (seen on the 2-vCPU VM: batch-32 training fell from ≈ 100k to 23k samples/s and stayed there).
     */
    private static void idle(long start, boolean timedPark) {
        long waited = System.nanoTime() - start;
        if (waited < PAUSE_NANOS) Thread.onSpinWait();
        else if (waited < SPIN_NANOS) Thread.yield();
        else if (timedPark) LockSupport.parkNanos(100_000);
        else LockSupport.park();
    }

    private void work(int index) {
        long seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (generation == seen && !closed) idle(start, false);
            if (generation == seen) return;   // closed while idle; a task handed out before close() still runs
            seen = generation;
            try {
                task.accept(index);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    /** Stops the workers (they are daemon threads, so an unclosed team does not keep the JVM alive). */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }

    /** [from, to) of part {@code i} when {@code n} items are cut into {@code parts} nearly equal contiguous parts. */
    public static int partStart(int n, int parts, int i) {
        return (int) ((long) n * i / parts);
    }
}
