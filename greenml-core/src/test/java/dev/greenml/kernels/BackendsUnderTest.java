package dev.greenml.kernels;

import java.util.List;

/** The backends every engine test runs on. */
public final class BackendsUnderTest {
    private BackendsUnderTest() {}

    public static List<Backend> all() {
        return List.of(Backends.current());
    }
}
