package dev.greenml.footprint.run;

import dev.greenml.footprint.WorkListener;
import dev.greenml.footprint.meter.CpuInfo;
import dev.greenml.footprint.meter.Meter;
import dev.greenml.footprint.meter.Meters;
import dev.greenml.footprint.meter.NvmlMeter;
import dev.greenml.footprint.meter.ProcFs;
import dev.greenml.footprint.meter.RamModelMeter;
import dev.greenml.footprint.run.FootprintResult.ComponentEnergy;
import dev.greenml.footprint.run.FootprintResult.Energy;
import dev.greenml.footprint.run.FootprintResult.PhaseResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One metered run: from {@link Footprint#start} to {@link #finish()} (or {@link #close()}).
 * A daemon thread reads every meter once per interval (the power time series, and keeping
 * wrapping counters and integrating models current). Phases nest; a phase's energy includes its
 * children. The engine reports FLOPs and bytes through {@link WorkListener}.
 *
 * <p>Phases are meant to be opened and closed by one driver thread; energy is the whole
 * process's (or machine's, for RAPL), not a thread's.
 */
public final class FootprintRun implements AutoCloseable, WorkListener {

    private volatile FootprintConfig config;   // gains the pid once a metered child is started (Footprint.startChild)
    private final List<Meter> meters;
    private final String runId = UUID.randomUUID().toString();
    private final Instant start;
    private final long startNanos;
    private final double[] startJoules;
    private final List<double[]> sampleJoules = new ArrayList<>(); // cumulative J per meter at each sample
    private final List<Long> sampleNanos = new ArrayList<>();
    private final Deque<PhaseNode> open = new ArrayDeque<>();
    private final List<PhaseNode> topPhases = new ArrayList<>();
    private final Map<String, Long> units = new LinkedHashMap<>();
    // where each kind of unit was counted: the innermost open phases, null for outside any phase
    private final Map<String, java.util.Set<PhaseNode>> unitPhases = new LinkedHashMap<>();
    private final LongAdder flops = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final Thread sampler;
    private final Object samplingLock = new Object();
    private volatile Thread earlyReads;   // the reads shortly after a metered child starts (childStarted)
    private FootprintResult result;

    FootprintRun(FootprintConfig config) {
        this.config = config;
        List<Meter> chosen = config.meters() != null ? config.meters()
                : Meters.select(Meters.detect(config.root(), NvmlMeter.LIBRARY, config.pid(), config.ourChild(), config.interval()));
        this.meters = List.copyOf(chosen);
        this.start = Instant.now();
        this.startNanos = System.nanoTime();
        this.startJoules = read();
        synchronized (this) {
            sampleNanos.add(startNanos);
            sampleJoules.add(startJoules.clone());
        }
        long intervalNanos = config.interval().toNanos();
        this.sampler = Thread.ofPlatform().daemon().name("greenml-footprint-sampler").unstarted(() -> {
            try {
                while (true) {
                    Thread.sleep(Duration.ofNanos(intervalNanos));
                    sample();
                }
            } catch (InterruptedException e) {
                // finish() stops us
            }
        });
        sampler.start();
    }

    /** The child this run meters has started as {@code pid}: the reports name it. */
    void childStarted(long pid) {
        config = config.withProcess(pid, true);
        // a reading of the child as soon as it exists: the meters of its tree read nothing before
        // (no pid), and the sampler's first read comes one interval later, after a short command
        // has already exited, so without it the child's memory would integrate to about 0
        sample();
        // ... but at that moment the child has only just been spawned (a python holds 0.1 of its
        // 9 MB): further reads at 50, 100, 200 … ms, up to one interval, see it once it has loaded,
        // and a command that exits in between keeps its last reading (RamModelMeter)
        long interval = config.interval().toNanos(), started = System.nanoTime();
        earlyReads = Thread.ofPlatform().daemon().name("greenml-footprint-early-reads").start(() -> {
            try {
                for (long after = RamModelMeter.FIRST_READ_MS * 1_000_000L; after < interval; after *= 2) {
                    Thread.sleep(Duration.ofNanos(Math.max(0, started + after - System.nanoTime())));
                    sample();
                }
            } catch (InterruptedException e) {
                // finish() stops us
            }
        });
    }

    /** The meters this run reads. */
    public List<Meter> meters() { return meters; }

    public FootprintConfig config() { return config; }

    /** Energy used so far in joules (all components), for live progress displays. */
    public double joulesSoFar() {
        double[] now = read();
        double sum = 0;
        for (int i = 0; i < now.length; i++) sum += now[i] - startJoules[i];
        return sum;
    }

    /** Seconds since the run started. */
    public double secondsSoFar() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * CO2e so far in grams, for live displays and budgets: {@link #joulesSoFar()} × PUE × the grid
     * intensity over [start, now], accounted as one interval (the final result uses the sampled
     * intervals, so it can differ slightly with a time-varying intensity).
     */
    public double gramsCo2eSoFar() {
        return Accounting.gramsCo2e(config, start, Instant.now(), joulesSoFar());
    }

    /** "measured" when every meter reads a hardware counter, else "modelled": the label of the figures so far. */
    public String methodSoFar() {
        return dev.greenml.footprint.meter.Method.combine(meters.stream().map(Meter::method).toList()).label();
    }

    private double[] read() {
        double[] j = new double[meters.size()];
        for (int i = 0; i < j.length; i++) j[i] = meters.get(i).joules();
        return j;
    }

    private void sample() {
        // with the early reads two threads sample: samplingLock keeps their samples in time order, and
        // the meters are read outside the run's lock, so units() after each batch does not wait for a read
        synchronized (samplingLock) {
            double[] j = read();
            long now = System.nanoTime();
            synchronized (this) {
                if (result == null) {
                    sampleNanos.add(now);
                    sampleJoules.add(j);
                }
            }
        }
    }

    // ---- phases ----

    /** An open phase; closing it ends the phase. */
    public final class Phase implements AutoCloseable {
        private final PhaseNode node;

        private Phase(PhaseNode node) { this.node = node; }

        @Override public void close() { end(node); }
    }

    /** Opens a phase that ends when the returned scope is closed (try-with-resources). */
    public Phase phase(String name) {
        PhaseNode node = new PhaseNode(name, Instant.now(), read(), flops.sum());
        synchronized (this) {
            if (result != null) throw new IllegalStateException("run already finished; cannot start phase '" + name + "'");
            PhaseNode parent = open.peek();
            node.parent = parent;
            if (parent == null) topPhases.add(node);
            else parent.children.add(node);
            open.push(node);
        }
        return new Phase(node);
    }

    /** Runs {@code body} as a phase named {@code name}. */
    @SuppressWarnings("try") // the scope is used only for its close()
    public void phase(String name, Runnable body) {
        try (Phase p = phase(name)) {
            body.run();
        }
    }

    /** Runs {@code body} as a phase named {@code name} and returns its value. */
    @SuppressWarnings("try")
    public <T> T phase(String name, Supplier<T> body) {
        try (Phase p = phase(name)) {
            return body.get();
        }
    }

    private void end(PhaseNode node) {
        double[] j = read();
        Instant now = Instant.now();
        synchronized (this) {
            if (node.end != null) return;
            // closing a parent closes any child left open
            while (!open.isEmpty()) {
                PhaseNode top = open.pop();
                top.close(now, j, flops.sum());
                if (top == node) break;
            }
        }
    }

    // ---- work ----

    /**
     * Counts units of work for per-unit figures: run.units("samples", 64) after each batch. Units
     * counted inside phases are charged the energy of those phases only (teacher inferences the
     * teacher-inference phase's, samples the training epochs'); units counted outside any phase
     * are charged the whole run.
     */
    public synchronized void units(String kind, long count) {
        units.merge(kind, count, Long::sum);
        unitPhases.computeIfAbsent(kind, k -> new java.util.LinkedHashSet<>()).add(open.peek());
    }

    @Override public void flops(long count) { flops.add(count); }
    @Override public void bytesRead(long count) { bytesRead.add(count); }
    @Override public void bytesWritten(long count) { bytesWritten.add(count); }
    @Override public void bytesSent(long count) { bytesSent.add(count); }

    // ---- end ----

    /** Stops metering and returns the result; later calls return the same result. */
    public FootprintResult finish() {
        synchronized (this) {
            if (result != null) return result;
        }
        Thread early = earlyReads;
        for (Thread t : early == null ? List.of(sampler) : List.of(sampler, early)) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double[] endJoules = read();
        long endNanos = System.nanoTime();
        Instant end = start.plusNanos(endNanos - startNanos);
        synchronized (this) {
            if (result != null) return result;
            while (!open.isEmpty()) open.pop().close(end, endJoules, flops.sum());
            sampleNanos.add(endNanos);
            sampleJoules.add(endJoules);
            result = build(end, endJoules, endNanos);
            return result;
        }
    }

    /** Same as {@link #finish()}. */
    @Override public void close() { finish(); }

    private FootprintResult build(Instant end, double[] endJoules, long endNanos) {
        double seconds = (endNanos - startNanos) / 1e9;
        List<ComponentEnergy> components = components(startJoules, endJoules, seconds);
        Energy total = total(components);

        List<FootprintResult.Sample> samples = new ArrayList<>();
        List<Accounting.Interval> intervals = new ArrayList<>();
        for (int s = 1; s < sampleNanos.size(); s++) {
            double dt = (sampleNanos.get(s) - sampleNanos.get(s - 1)) / 1e9;
            if (dt <= 0) continue;
            double[] a = sampleJoules.get(s - 1), b = sampleJoules.get(s);
            Map<String, Double> watts = new LinkedHashMap<>();
            double joules = 0;
            for (int i = 0; i < meters.size(); i++) {
                watts.merge(meters.get(i).component(), (b[i] - a[i]) / dt, Double::sum);
                joules += b[i] - a[i];
            }
            samples.add(new FootprintResult.Sample((sampleNanos.get(s) - startNanos) / 1e9, watts));
            intervals.add(new Accounting.Interval(start.plusNanos(sampleNanos.get(s - 1) - startNanos),
                    start.plusNanos(sampleNanos.get(s) - startNanos), joules));
        }

        List<FootprintResult.MeterUsed> used = meters.stream().map(m -> new FootprintResult.MeterUsed(m.id(), m.component(),
                m.method().label(), m.source(), m.uncertainty(), m.note())).toList();

        ProcFs proc = new ProcFs(config.root());
        CpuInfo cpu = CpuInfo.read(config.root());
        List<String> gpus = meters.stream().filter(m -> m instanceof NvmlMeter).map(m -> ((NvmlMeter) m).gpuName()).toList();
        var machine = new FootprintResult.Machine(cpu.model(), cpu.logicalCpus(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Runtime.version().toString() + " (" + System.getProperty("java.vm.name") + ")", proc.memTotalBytes(), gpus);

        List<PhaseResult> phases = topPhases.stream().map(p -> p.result(this)).toList();
        Accounting.Raw raw = new Accounting.Raw(runId, start, end, seconds, machine, used, total, components, intervals,
                samples, phases, unitWork(seconds, total), flops.sum(), bytesRead.sum(), bytesWritten.sum(), bytesSent.sum());
        return Accounting.account(config, raw);
    }

    /** Each kind of unit with the energy it is charged and which part of the run that is (see {@link #units}). */
    private Map<String, Accounting.UnitWork> unitWork(double seconds, Energy total) {
        Map<String, Accounting.UnitWork> out = new LinkedHashMap<>();
        units.forEach((kind, count) -> {
            var where = unitPhases.get(kind);
            if (where.contains(null)) {
                out.put(kind, new Accounting.UnitWork(count, total.joules(), "whole run"));
                return;
            }
            // a phase nested in another that also counted is already inside its parent's energy
            List<PhaseNode> outer = where.stream().filter(p -> {
                for (PhaseNode a = p.parent; a != null; a = a.parent) if (where.contains(a)) return false;
                return true;
            }).toList();
            double joules = outer.stream().mapToDouble(p -> total(components(p.startJoules, p.endJoules, 0)).joules()).sum();
            // one name repeated (compare's rounds): say it once, not as a range that seems to span other phases
            boolean oneName = outer.stream().map(p -> p.name).distinct().count() == 1;
            String basis = outer.size() == 1 ? "phase '" + outer.getFirst().name + "'"
                    : oneName ? outer.size() + " phases '" + outer.getFirst().name + "'"
                    : outer.size() + " phases '" + outer.getFirst().name + "' … '" + outer.getLast().name + "'";
            out.put(kind, new Accounting.UnitWork(count, joules, basis));
        });
        return out;
    }

    List<ComponentEnergy> components(double[] from, double[] to, double seconds) {
        Map<String, List<Integer>> byComponent = new LinkedHashMap<>();
        for (int i = 0; i < meters.size(); i++) byComponent.computeIfAbsent(meters.get(i).component(), k -> new ArrayList<>()).add(i);
        List<ComponentEnergy> out = new ArrayList<>();
        for (var e : byComponent.entrySet()) {
            double j = 0, err = 0;
            List<String> sources = new ArrayList<>();
            List<dev.greenml.footprint.meter.Method> methods = new ArrayList<>();
            for (int i : e.getValue()) {
                Meter m = meters.get(i);
                double dj = Math.max(0, to[i] - from[i]);
                j += dj;
                err += dj * m.uncertainty();
                sources.add(m.source());
                methods.add(m.method());
            }
            Energy energy = new Energy(j, dev.greenml.footprint.meter.Method.combine(methods).label(), String.join("; ", sources),
                    j > 0 ? err / j : maxUncertainty(e.getValue()));
            out.add(new ComponentEnergy(e.getKey(), energy, seconds > 0 ? j / seconds : 0));
        }
        return out;
    }

    private double maxUncertainty(List<Integer> idx) {
        return idx.stream().mapToDouble(i -> meters.get(i).uncertainty()).max().orElse(0);
    }

    /** Sum of components; uncertainties add linearly (the parts may err the same way). */
    static Energy total(List<ComponentEnergy> components) {
        double j = 0, err = 0, maxU = 0;
        List<dev.greenml.footprint.meter.Method> methods = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (ComponentEnergy c : components) {
            j += c.energy().joules();
            err += c.energy().joules() * c.energy().uncertainty();
            maxU = Math.max(maxU, c.energy().uncertainty());
            methods.add(dev.greenml.footprint.meter.Method.valueOf(c.energy().method().toUpperCase(java.util.Locale.ROOT)));
            sources.add(c.component() + ": " + c.energy().source());
        }
        return new Energy(j, dev.greenml.footprint.meter.Method.combine(methods).label(), String.join(" | ", sources),
                j > 0 ? err / j : maxU);
    }

    private static final class PhaseNode {
        final String name;
        final Instant start;
        final double[] startJoules;
        final long startFlops;
        final List<PhaseNode> children = new ArrayList<>();
        PhaseNode parent;
        Instant end;
        double[] endJoules;
        long endFlops;

        PhaseNode(String name, Instant start, double[] startJoules, long startFlops) {
            this.name = name;
            this.start = start;
            this.startJoules = startJoules;
            this.startFlops = startFlops;
        }

        void close(Instant at, double[] joules, long flopsNow) {
            end = at;
            endJoules = joules;
            endFlops = flopsNow;
        }

        PhaseResult result(FootprintRun run) {
            double seconds = Duration.between(start, end).toNanos() / 1e9;
            List<ComponentEnergy> comps = run.components(startJoules, endJoules, seconds);
            Energy energy = total(comps);
            List<PhaseResult> kids = children.stream().map(c -> c.result(run)).toList();
            double self = energy.joules() - kids.stream().mapToDouble(k -> k.energy().joules()).sum();
            return new PhaseResult(name, start, end, seconds, energy, comps, Math.max(0, self), endFlops - startFlops, kids);
        }
    }
}
