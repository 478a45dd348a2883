package dev.greenml.kernels;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the tests that run on every backend: {@code @ParameterizedTest @MethodSource("backends")}
 * with a {@code Backend b} argument, {@code Backends.setCurrent(b)} first; the process-wide backend
 * is put back after each test.
 */
public abstract class OnEveryBackend {

    private final Backend saved = Backends.current();

    public static Stream<Backend> backends() {
        return BackendsUnderTest.all().stream();
    }

    @AfterEach void restoreTheProcessWideBackend() {
        Backends.setCurrent(saved);
    }
}
