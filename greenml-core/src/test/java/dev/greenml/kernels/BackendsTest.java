package dev.greenml.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendsTest {

    @Test
    void blasReportsAMissingLibraryWithFileReasonAndFix(@TempDir Path empty) {
        assertThatThrownBy(() -> new BlasBackend(empty.resolve("nowhere"), 1))
                .isInstanceOf(BlasUnavailableException.class)
                .hasMessageContaining(empty.resolve("nowhere").toString())
                .hasMessageContaining("file not found")
                .hasMessageContaining("--backend java");
    }

    @Test
    void blasReportsALibraryThatIsNotOpenBlas(@TempDir Path dir) throws Exception {
        // a real shared library under OpenBLAS's name: it loads, but has no cblas_sgemm
        OpenBlas.extract(dir);
        Files.copy(dir.resolve("libquadmath.so.0"), dir.resolve(OpenBlas.LIBRARY), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> new BlasBackend(dir, 1))
                .isInstanceOf(BlasUnavailableException.class)
                .hasMessageContaining(dir.resolve(OpenBlas.LIBRARY).toString())
                .hasMessageContaining("symbol cblas_sgemm not found")
                .hasMessageContaining("--backend java");
    }

    @Test
    void extractionIsReusedWhenTheFilesAreThere(@TempDir Path dir) throws Exception {
        OpenBlas.extract(dir);
        Path lib = dir.resolve(OpenBlas.LIBRARY);
        var before = Files.getLastModifiedTime(lib);
        OpenBlas.extract(dir);
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");
        }
    }

    @Test
    void autoPrefersBlasAndSaysWhereItCameFrom() {
        var s = Backends.select("auto", 1);
        assertThat(s.backend().name()).isEqualTo("blas");
        assertThat(s.reason()).startsWith("blas: OpenBLAS 0.3.31 loaded from ").contains("libopenblas.so.0");
    }

    @Test
    void explicitChoicesGiveThatBackend() {
        assertThat(Backends.select("java", 2).backend()).isInstanceOf(JavaBackend.class);
        assertThat(Backends.select("java", 2).backend().threads()).isEqualTo(2);
        assertThat(Backends.select(" BLAS ", 1).backend()).isInstanceOf(BlasBackend.class);
    }

    @Test
    void unknownChoiceNamesTheValidOnes() {
        assertThatThrownBy(() -> Backends.select("cuda", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cuda'").hasMessageContaining("auto, java, blas");
    }

    @Test
    void currentDefaultsToAutoAndCanBeReplaced() {
        Backend before = Backends.current();
        assertThat(before).isNotNull();
        try {
            var java = new JavaBackend(1);
            Backends.setCurrent(java);
            assertThat(Backends.current()).isSameAs(java);
        } finally {
            Backends.setCurrent(before);
        }
    }
}
