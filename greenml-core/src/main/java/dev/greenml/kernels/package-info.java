/**
 * The hot kernels of the engine behind one interface, {@link dev.greenml.kernels.Backend}.
 *
 * <ul>
 *   <li>{@link dev.greenml.kernels.JavaBackend}: pure Java on the Vector API. Packed,
 *       register-blocked sgemm (6 rows × 2 vectors of C per micro-tile), a GEMV-style path for
 *       products with at most 4 rows or columns, a one-pass path for depth k ≤ 4, and a
 *       ForkJoinPool for large products whose result equals the single-threaded one bit for bit.
 *       Cache-block sizes can be overridden for tuning with {@code -Dgreenml.gemm.kc/mc/nc}.</li>
 *   <li>{@link dev.greenml.kernels.BlasBackend}: OpenBLAS 0.3.31 from the bytedeco jar, loaded
 *       through FFM from {@code ~/.cache/greenml/openblas-0.3.31/} and called on the heap arrays
 *       without copies.</li>
 *   <li>{@link dev.greenml.kernels.Backends}: {@code auto | java | blas} selection with a reason,
 *       and the process-wide default the ops use.</li>
 *   <li>{@link dev.greenml.kernels.GemmBenchmark}: interleaved sgemm timings, JSON lines out.</li>
 * </ul>
 */
package dev.greenml.kernels;
