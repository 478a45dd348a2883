package dev.greenml.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Small products run on one OpenBLAS thread; the pool's count is the backend's between calls. */
class BlasThreadPolicyTest {

    @Test void smallProductsUseOneThreadLargeOnesAll() {
        var blas = new BlasBackend(2);
        assertThat(blas.threadsFor(32L * 200 * 1000)).isEqualTo(1);     // seed model, batch 32, layer 1
        assertThat(blas.threadsFor(256L * 200 * 1000)).isEqualTo(2);    // batch 256
        assertThat(blas.threadsFor(1024L * 1024 * 1024)).isEqualTo(2);
        assertThat(new BlasBackend(1).threadsFor(1024L * 1024 * 1024)).isEqualTo(1);
    }

    @Test void aSmallProductLeavesThePoolAtTheBackendsCount() {
        var blas = new BlasBackend(2);
        float[] a = new float[4 * 5], b = new float[5 * 6], c = new float[4 * 6];
        a[0] = 2f;
        b[0] = 3f;
        blas.sgemm(false, false, 4, 6, 5, 1f, a, 0, 5, b, 0, 6, 0f, c, 0, 6);
        assertThat(c[0]).isEqualTo(6f);
        assertThat(blas.lib().numThreads()).isEqualTo(2);
    }

    /**
     * OpenBLAS read greenml's idle spin (OPENBLAS_THREAD_TIMEOUT, set through libc before the
     * library loaded) instead of its default 28 (≈ 70 ms of spinning after every threaded product) —
     * unless the environment running the tests sets its own.
     */
    @Test void idleWorkersSpinBrieflyUnlessTheEnvironmentSaysOtherwise() {
        var blas = new BlasBackend(2);
        String env = System.getenv("OPENBLAS_THREAD_TIMEOUT");
        int expected = env != null ? Math.max(4, Math.min(30, Integer.parseInt(env.trim()))) : OpenBlas.THREAD_TIMEOUT;
        assertThat(blas.lib().threadTimeoutInEffect()).isEqualTo(expected);
        assertThat(Backends.loaded(blas)).contains("idle workers spin 2^");
    }
}
