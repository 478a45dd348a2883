package dev.greenml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The real dataset, when Debian's dataset-fashion-mnist is installed (CI installs it). */
class FashionMnistTest {

    @Test void loadsBothSplitsWithBalancedClassesAndTheDocumentedStatistics() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        FashionMnist.Splits s = FashionMnist.load(FashionMnist.DEFAULT_DIR, false);
        assertThat(s.train().rows()).isEqualTo(60_000);
        assertThat(s.test().rows()).isEqualTo(10_000);
        assertThat(s.train().features()).isEqualTo(784);
        int[] perClass = new int[10];
        for (int l : s.train().labels()) perClass[l]++;
        assertThat(perClass).containsOnly(6_000);   // the dataset is balanced by construction
        // MEAN and STD are the training pixels' statistics, rounded to 4 decimals
        double sum = 0, sq = 0;
        for (float v : s.train().x()) {
            sum += v;
            sq += (double) v * v;
        }
        double n = s.train().x().length, mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
        assertThat(mean).isCloseTo(FashionMnist.MEAN, org.assertj.core.data.Offset.offset(5e-5));
        assertThat(std).isCloseTo(FashionMnist.STD, org.assertj.core.data.Offset.offset(5e-5));
    }
}
