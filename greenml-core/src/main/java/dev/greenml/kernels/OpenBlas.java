package dev.greenml.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The OpenBLAS shared library as loaded into this process, with the downcall handles greenml
 * uses. The natives come from the {@code org.bytedeco:openblas:0.3.31-1.5.13:linux-x86_64} jar:
 * they are extracted once into a cache directory and loaded with plain FFM (no JavaCPP).
 *
 * <p>The handles are made with {@code Linker.Option.critical(true)}: the calls are short, never
 * call back into Java, and may then take heap segments ({@code MemorySegment.ofArray(float[])}),
 * so no float is copied on the way in or out.
 */
record OpenBlas(Path file, String config,
                MethodHandle sgemm,           // cblas_sgemm(order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)
                MethodHandle sgemv,           // cblas_sgemv(order, trans, m, n, alpha, A, lda, x, incx, beta, y, incy)
                MethodHandle setNumThreads,   // openblas_set_num_threads(n)
                MethodHandle getNumThreads,   // openblas_get_num_threads()
                AtomicInteger threadsSet) {   // what this process last asked OpenBLAS for (it is process-wide)

    static final String VERSION = "0.3.31";
    static final String ARTIFACT = "org.bytedeco:openblas:0.3.31-1.5.13:linux-x86_64";
    static final String RESOURCE_DIR = "org/bytedeco/openblas/linux-x86_64/";
    static final String LIBRARY = "libopenblas.so.0";
    /** OpenBLAS's own dependencies, in the order the dynamic linker needs them present. */
    static final List<String> DEPENDENCIES = List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5");

    // CBLAS enum values (cblas.h)
    static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    private static final Map<Path, OpenBlas> LOADED = new ConcurrentHashMap<>();

    /** Loads (once per process and directory) the library from {@code dir}. */
    static OpenBlas load(Path dir) {
        return LOADED.computeIfAbsent(dir.toAbsolutePath().normalize(), OpenBlas::loadNow);
    }

    /** The library from the jar on the class path, extracted into the cache directory first. */
    static OpenBlas loadFromClassPath() {
        return load(extract(cacheDir()));
    }

    /**
     * log₂ of the CPU cycles an idle OpenBLAS worker thread spins before it sleeps
     * ({@code OPENBLAS_THREAD_TIMEOUT}, read by the library when it loads; OpenBLAS clamps it to 4–30).
     * OpenBLAS's default, 28, is 2²⁸ cycles ≈ 70 ms at 3.7 GHz: after every threaded product the
     * workers keep a core busy that long, CPU time that a footprint tool charges as energy and that
     * a machine whose cores are shared takes from the threads doing the work. 2²⁰ (≈ 0.3 ms) still
     * bridges the gaps between the products of one forward pass. Measured on the 2-vCPU VM
     * (2026-11-30, {@code greenml compare} of a 784-256-128-10 MLP, 2 threads, 3 rounds each): CPU
     * per batch-1 inference after the threaded batch-256 phase 35–65 µs at 28 against 25–30 µs at
     * 16–22, J per 1,000 batch-1 inferences 0.51–0.80 against 0.36–0.50; batch-256 throughput equal
     * within the noise. {@code bench seed-mlp --threads 2} batch-1024 inference: 288k–411k samples/s
     * at 28 (9 runs, median 347k), 287k–386k at 16–22 (12 runs, median 330k) — within the ±15% the
     * host adds between runs. greenml sets this unless the environment already has
     * OPENBLAS_THREAD_TIMEOUT; {@code -Dgreenml.blas.threadTimeout=N} overrides it.
     */
    static final int THREAD_TIMEOUT = Integer.getInteger("greenml.blas.threadTimeout", 20);

    /** The spin in effect: the environment's OPENBLAS_THREAD_TIMEOUT when set, else {@link #THREAD_TIMEOUT}. */
    static String threadTimeout() {
        String env = System.getenv("OPENBLAS_THREAD_TIMEOUT");
        return env != null ? env + " (from the environment)" : String.valueOf(THREAD_TIMEOUT);
    }

    /**
     * Puts OPENBLAS_THREAD_TIMEOUT into this process's C environment (libc setenv, without
     * overwriting) before the library reads it at load. System.getenv cannot see the change (the
     * JDK copies the environment at start-up), which is why {@link #threadTimeout} reads the variable
     * and not what is set here.
     */
    private static void setThreadTimeoutUnlessSet() {
        if (System.getenv("OPENBLAS_THREAD_TIMEOUT") != null) return;
        Linker linker = Linker.nativeLinker();
        var setenv = linker.defaultLookup().find("setenv");
        if (setenv.isEmpty()) return;   // not a libc we know: OpenBLAS keeps its default spin
        MethodHandle h = linker.downcallHandle(setenv.get(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) h.invokeExact(arena.allocateFrom("OPENBLAS_THREAD_TIMEOUT"),
                    arena.allocateFrom(String.valueOf(THREAD_TIMEOUT)), 0);
            if (rc != 0) System.err.println("greenml: could not set OPENBLAS_THREAD_TIMEOUT (setenv returned " + rc + "); OpenBLAS keeps its default spin");
        } catch (Throwable e) {
            System.err.println("greenml: could not set OPENBLAS_THREAD_TIMEOUT (" + e + "); OpenBLAS keeps its default spin");
        }
    }

    private static OpenBlas loadNow(Path dir) {
        Path lib = dir.resolve(LIBRARY);
        String os = System.getProperty("os.name", "?").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "?");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw unavailable(lib, "this JVM runs on " + os + "/" + arch + ", the bundled natives are linux-x86_64 only");
        }
        for (String name : DEPENDENCIES) {
            Path dep = dir.resolve(name);
            if (!Files.isRegularFile(dep)) {
                throw unavailable(dep, "file not found (OpenBLAS needs it next to " + LIBRARY + ")");
            }
            try {
                System.load(dep.toString());
            } catch (UnsatisfiedLinkError e) {
                throw unavailable(dep, e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(lib)) {
            throw unavailable(lib, "file not found");
        }
        setThreadTimeoutUnlessSet();
        SymbolLookup symbols;
        try {
            symbols = SymbolLookup.libraryLookup(lib, Arena.global());
        } catch (IllegalArgumentException e) {
            throw unavailable(lib, e.getMessage(), e);
        } catch (IllegalCallerException e) {
            throw unavailable(lib, "native access is disabled; start the JVM with --enable-native-access=ALL-UNNAMED", e);
        }
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        MethodHandle sgemm = linker.downcallHandle(find(symbols, lib, "cblas_sgemm"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT), critical);
        MethodHandle sgemv = linker.downcallHandle(find(symbols, lib, "cblas_sgemv"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT), critical);
        MethodHandle set = linker.downcallHandle(find(symbols, lib, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        MethodHandle get = linker.downcallHandle(find(symbols, lib, "openblas_get_num_threads"),
                FunctionDescriptor.of(JAVA_INT));
        String config = "OpenBLAS";
        try {
            MethodHandle cfg = linker.downcallHandle(find(symbols, lib, "openblas_get_config"),
                    FunctionDescriptor.of(ADDRESS));
            config = ((MemorySegment) cfg.invokeExact()).reinterpret(256).getString(0).trim();
        } catch (Throwable ignored) {
            // the version string is only informative
        }
        int current;
        try {
            current = (int) get.invokeExact();
        } catch (Throwable e) {
            throw unavailable(lib, "openblas_get_num_threads failed: " + e, e);
        }
        return new OpenBlas(lib, config, sgemm, sgemv, set, get, new AtomicInteger(current));
    }

    /** Asks OpenBLAS for {@code threads} threads unless that is already what it was last told. */
    void useThreads(int threads) {
        if (threadsSet.get() == threads) {
            return;
        }
        try {
            setNumThreads.invokeExact(threads);
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_set_num_threads(" + threads + ") failed", e);
        }
        threadsSet.set(threads);
    }

    /**
     * The idle-spin exponent OpenBLAS read at load (its exported {@code openblas_thread_timeout()}),
     * or -1 when this build does not export it.
     */
    int threadTimeoutInEffect() {
        var symbol = SymbolLookup.libraryLookup(file, Arena.global()).find("openblas_thread_timeout");
        if (symbol.isEmpty()) return -1;
        try {
            return (int) Linker.nativeLinker().downcallHandle(symbol.get(), FunctionDescriptor.of(JAVA_INT)).invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_thread_timeout() failed", e);
        }
    }

    int numThreads() {
        try {
            return (int) getNumThreads.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_get_num_threads failed", e);
        }
    }

    private static MemorySegment find(SymbolLookup symbols, Path lib, String name) {
        return symbols.find(name).orElseThrow(() -> unavailable(lib, "symbol " + name + " not found"));
    }

    /** {@code $XDG_CACHE_HOME/greenml/openblas-0.3.31}, or {@code ~/.cache/...} without it. */
    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("greenml").resolve("openblas-" + VERSION);
    }

    /**
     * Copies the natives out of the jar into {@code dir} unless a file of the same size is there
     * already. Each file is written to a temporary name and renamed, so a concurrent process or a
     * crash never leaves a half-written library under the real name.
     */
    static Path extract(Path dir) {
        ClassLoader loader = OpenBlas.class.getClassLoader();
        for (String name : concat(DEPENDENCIES, LIBRARY)) {
            URL url = loader.getResource(RESOURCE_DIR + name);
            Path target = dir.resolve(name);
            if (url == null) {
                throw unavailable(target, "resource " + RESOURCE_DIR + name + " is not on the class path (add "
                        + ARTIFACT + ")");
            }
            try {
                URLConnection conn = url.openConnection();
                conn.setUseCaches(false);   // a cached JarFile would keep the jar open
                long size = conn.getContentLengthLong();
                if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
                    continue;
                }
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, name, ".part");
                try (InputStream in = conn.getInputStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw unavailable(target, "cannot extract it from the jar: " + e, e);
            }
        }
        return dir;
    }

    private static List<String> concat(List<String> first, String last) {
        var all = new java.util.ArrayList<>(first);
        all.add(last);
        return all;
    }

    static BlasUnavailableException unavailable(Path file, String why) {
        return unavailable(file, why, null);
    }

    static BlasUnavailableException unavailable(Path file, String why, Throwable cause) {
        return new BlasUnavailableException(file, why, cause);
    }
}
