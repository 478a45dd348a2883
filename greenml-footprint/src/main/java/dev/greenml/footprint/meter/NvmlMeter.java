package dev.greenml.footprint.meter;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Energy of one NVIDIA GPU through NVML ({@code libnvidia-ml.so.1}), called with the FFM API.
 *
 * <p>On Volta and newer, {@code nvmlDeviceGetTotalEnergyConsumption} gives a millijoule counter
 * since the driver loaded; we difference it. On older boards that call fails and we integrate
 * {@code nvmlDeviceGetPowerUsage} (milliwatts) over the reads (trapezoid rule), which is as good
 * as the sampling interval. NVIDIA documents board power readings as accurate to about ±5 W or
 * ±5%; we state ±5% (counter) and ±10% (sampled power).
 */
@SuppressWarnings("restricted") // FFM native calls are the point of this class; the launcher enables native access
public final class NvmlMeter implements Meter {

    /** The library name the NVIDIA driver installs. */
    public static final String LIBRARY = "libnvidia-ml.so.1";

    private static final int NVML_SUCCESS = 0;
    private static final int NAME_BUFFER = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE

    private final int index;
    private final String name;
    private final MemorySegment device;
    private final Native nvml;
    private final boolean counter;
    private final long startMilliJoules;
    // for the sampled-power fallback
    private long lastNanos;
    private double lastWatts;
    private double integratedJoules;

    private NvmlMeter(Native nvml, int index, MemorySegment device, String name) throws Throwable {
        this.nvml = nvml;
        this.index = index;
        this.device = device;
        this.name = name;
        long energy = nvml.totalEnergy(device);
        this.counter = energy >= 0;
        this.startMilliJoules = energy;
        if (!counter) {
            lastNanos = System.nanoTime();
            lastWatts = nvml.powerWatts(device);
        }
    }

    /** One meter per GPU, or one unavailable meter saying why there is none. */
    public static List<Meter> detect() { return detect(LIBRARY); }

    /** As {@link #detect()}, with the library name or path given (tests point it at a missing file). */
    public static List<Meter> detect(String library) {
        Native nvml;
        try {
            nvml = new Native(SymbolLookup.libraryLookup(library, Arena.global()));
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return List.of(unavailable("no NVIDIA GPU (" + library + " not found)",
                    "install the NVIDIA driver if this machine has an NVIDIA GPU; otherwise nothing to do"));
        } catch (IllegalCallerException e) {
            return List.of(unavailable("native access is disabled for greenml",
                    "run java with --enable-native-access=ALL-UNNAMED (the greenml launcher does)"));
        }
        try {
            int rc = nvml.init();
            if (rc != NVML_SUCCESS) return List.of(unavailable("nvmlInit_v2 failed with NVML error " + rc,
                    "check the driver with nvidia-smi"));
            int count = nvml.count();
            if (count <= 0) return List.of(unavailable("NVML reports no GPU", "check the driver with nvidia-smi"));
            List<Meter> meters = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                MemorySegment handle = nvml.handle(i);
                meters.add(new NvmlMeter(nvml, i, handle, nvml.name(handle)));
            }
            return meters;
        } catch (Throwable t) {
            return List.of(unavailable("NVML call failed: " + t.getMessage(), "check the driver with nvidia-smi"));
        }
    }

    private static UnavailableMeter unavailable(String reason, String fix) {
        return new UnavailableMeter("nvml", "gpu", Method.MEASURED, "NVML", reason, fix);
    }

    /** The GPU's name as NVML reports it, e.g. "NVIDIA H100 80GB HBM3". */
    public String gpuName() { return name; }

    @Override public String id() { return "nvml:" + index; }
    @Override public String component() { return "gpu:" + index; }
    @Override public Availability availability() { return Availability.ok(); }
    @Override public Method method() { return Method.MEASURED; }
    @Override public double uncertainty() { return counter ? 0.05 : 0.10; }

    @Override public String source() {
        return "NVML " + (counter ? "nvmlDeviceGetTotalEnergyConsumption" : "nvmlDeviceGetPowerUsage (sampled, integrated)")
                + " on " + name;
    }

    @Override public synchronized double joules() {
        try {
            if (counter) return (nvml.totalEnergy(device) - startMilliJoules) / 1e3;
            long now = System.nanoTime();
            double watts = nvml.powerWatts(device);
            integratedJoules += (watts + lastWatts) / 2 * (now - lastNanos) / 1e9;
            lastNanos = now;
            lastWatts = watts;
            return integratedJoules;
        } catch (Throwable t) {
            throw new IllegalStateException("NVML read failed on GPU " + index + ": " + t.getMessage(), t);
        }
    }

    /** The few NVML entry points we call. */
    private static final class Native {
        private final MethodHandle init, count, handle, name, energy, power;

        Native(SymbolLookup lib) {
            Linker linker = Linker.nativeLinker();
            var i = ValueLayout.JAVA_INT;
            var a = ValueLayout.ADDRESS;
            init = linker.downcallHandle(lib.find("nvmlInit_v2").orElseThrow(), FunctionDescriptor.of(i));
            count = linker.downcallHandle(lib.find("nvmlDeviceGetCount_v2").orElseThrow(), FunctionDescriptor.of(i, a));
            handle = linker.downcallHandle(lib.find("nvmlDeviceGetHandleByIndex_v2").orElseThrow(), FunctionDescriptor.of(i, i, a));
            name = linker.downcallHandle(lib.find("nvmlDeviceGetName").orElseThrow(), FunctionDescriptor.of(i, a, a, i));
            energy = linker.downcallHandle(lib.find("nvmlDeviceGetTotalEnergyConsumption").orElseThrow(), FunctionDescriptor.of(i, a, a));
            power = linker.downcallHandle(lib.find("nvmlDeviceGetPowerUsage").orElseThrow(), FunctionDescriptor.of(i, a, a));
        }

        int init() throws Throwable { return (int) init.invokeExact(); }

        int count() throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
                int rc = (int) count.invokeExact(out);
                return rc == NVML_SUCCESS ? out.get(ValueLayout.JAVA_INT, 0) : -rc;
            }
        }

        MemorySegment handle(int index) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                int rc = (int) handle.invokeExact(index, out);
                if (rc != NVML_SUCCESS) throw new IllegalStateException("nvmlDeviceGetHandleByIndex_v2(" + index + ") error " + rc);
                return out.get(ValueLayout.ADDRESS, 0); // an opaque pointer owned by the driver
            }
        }

        String name(MemorySegment device) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(NAME_BUFFER);
                int rc = (int) name.invokeExact(device, buf, NAME_BUFFER);
                return rc == NVML_SUCCESS ? buf.getString(0) : "unknown NVIDIA GPU";
            }
        }

        /** Millijoules since the driver loaded, or -1 when the board has no energy counter. */
        long totalEnergy(MemorySegment device) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
                int rc = (int) energy.invokeExact(device, out);
                return rc == NVML_SUCCESS ? out.get(ValueLayout.JAVA_LONG, 0) : -1;
            }
        }

        double powerWatts(MemorySegment device) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
                int rc = (int) power.invokeExact(device, out);
                if (rc != NVML_SUCCESS) throw new IllegalStateException("nvmlDeviceGetPowerUsage error " + rc);
                return Integer.toUnsignedLong(out.get(ValueLayout.JAVA_INT, 0)) / 1e3;
            }
        }
    }
}
