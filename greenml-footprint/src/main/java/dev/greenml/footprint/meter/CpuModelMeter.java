package dev.greenml.footprint.meter;

/**
 * Modelled CPU energy: CPU seconds × power per core at TDP, the Green Algorithms model
 * (Lannelongue et al. 2021) with its usage factor taken from the measured CPU time.
 *
 * <p>Decision on idle power: none is attributed. The model charges a process for the core-seconds
 * it actually used; the idle floor of the host belongs to whoever owns the host (on a shared or
 * virtual machine, everyone). This under-counts on a dedicated machine that sits idle and over-
 * or under-counts with turbo and SMT, hence the stated ±50%.
 *
 * <p>Why ±50%: TDP is a thermal design figure, not a measured draw; a busy core may draw less
 * than TDP/cores (light instructions, low clocks) or more (turbo, AVX); a vCPU is usually one
 * hardware thread sharing a core with another; and the default per-core figure used for unknown
 * models spans 4–15 W/core across the table.
 */
public final class CpuModelMeter implements Meter {

    /** Relative uncertainty stated for this model (see the class comment). */
    public static final double UNCERTAINTY = 0.5;

    private final CpuTime cpuTime;
    private final TdpTable.Match tdp;
    private final CpuInfo cpu;
    private final double start;

    public CpuModelMeter(CpuInfo cpu, TdpTable.Match tdp, CpuTime cpuTime) {
        this.cpu = cpu;
        this.tdp = tdp;
        this.cpuTime = cpuTime;
        this.start = cpuTime.seconds();
    }

    /** CPU model meter for this JVM, reading {@code root/proc}. */
    public static CpuModelMeter forSelf(java.nio.file.Path root) {
        CpuInfo cpu = CpuInfo.read(root);
        return new CpuModelMeter(cpu, TdpTable.shipped().lookup(cpu), CpuTime.self(new ProcFs(root)));
    }

    /** CPU model meter for process {@code pid} and its descendants ({@code ourChild}: this JVM started it). */
    public static CpuModelMeter forTree(java.nio.file.Path root, long pid, boolean ourChild) {
        return forTree(root, () -> pid, ourChild);
    }

    /** As above for a process about to be started: {@code pid} negative until then (its CPU time counts from 0). */
    public static CpuModelMeter forTree(java.nio.file.Path root, java.util.function.LongSupplier pid, boolean ourChild) {
        CpuInfo cpu = CpuInfo.read(root);
        return new CpuModelMeter(cpu, TdpTable.shipped().lookup(cpu), CpuTime.tree(new ProcFs(root), pid, ourChild));
    }

    public TdpTable.Match tdp() { return tdp; }

    public CpuInfo cpu() { return cpu; }

    /** CPU seconds used since this meter was created. */
    public double cpuSeconds() { return cpuTime.seconds() - start; }

    @Override public String id() { return "model:cpu"; }
    @Override public String component() { return "cpu"; }
    @Override public Availability availability() { return Availability.ok(); }
    @Override public Method method() { return Method.MODELLED; }
    @Override public double uncertainty() { return UNCERTAINTY; }

    @Override public String source() {
        return "CPU time of " + cpuTime.describe() + " × " + TdpTable.fmt(Math.round(tdp.wattsPerCore() * 100) / 100.0)
                + " W/core (" + tdp.source() + ")";
    }

    @Override public String note() { return tdp.note(); }

    @Override public double joules() { return cpuSeconds() * tdp.wattsPerCore(); }
}
