package dev.greenml.cli;

import dev.greenml.kernels.Backends;
import picocli.CommandLine.Option;

/** --backend and --threads, shared by every command that computes. */
public final class BackendOptions {

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|java|blas",
            description = "GEMM kernels: java (Vector API), blas (OpenBLAS) or auto (blas when it loads). Default: ${DEFAULT-VALUE}.")
    public String backend;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Threads for the kernels; 0 = one per core (default).")
    public int threads;

    /** Selects and installs the backend; returns the line to print ("backend: … because …"). */
    public String apply() {
        if (threads < 0) throw new UserError("--threads must be 0 (one per core) or more, got " + threads);
        int n = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        Backends.Selection s;
        try {
            s = Backends.select(backend, n);
        } catch (IllegalArgumentException | dev.greenml.kernels.BlasUnavailableException e) {
            throw new UserError(e.getMessage());   // --backend blas without OpenBLAS: the message says how to get it
        }
        Backends.setCurrent(s.backend());
        return "backend: " + s.backend().name() + ", " + s.backend().threads() + " thread(s) — " + s.reason();
    }
}
