package dev.greenml.kernels;

import java.util.List;

/** The backends every engine test runs on: both implementations, created once per test JVM. */
public final class BackendsUnderTest {
    private BackendsUnderTest() {}

    private static final List<Backend> ALL = List.of(
            Backends.select("java", 2).backend(),
            Backends.select("blas", 2).backend());

    public static List<Backend> all() {
        return ALL;
    }
}
