package dev.greenml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SplitMixBenchDataTest {

    /**
     * Golden values of stream s = 0, computed independently in Python 3 with arbitrary-precision ints:
     * <pre>
     * M = (1 &lt;&lt; 64) - 1
     * def sm(s, k):
     *     z = (s + (k + 1) * 0x9E3779B97F4A7C15) &amp; M
     *     z = ((z ^ (z &gt;&gt; 30)) * 0xBF58476D1CE4E5B9) &amp; M
     *     z = ((z ^ (z &gt;&gt; 27)) * 0x94D049BB133111EB) &amp; M
     *     return z ^ (z &gt;&gt; 31)
     * u_k = (sm(0, k) &gt;&gt; 11) * 2.0**-53     # printed with repr()
     * </pre>
     * (0xE220A8397B1DCDAF is also the well-known first output of SplitMix64 seeded with 0.)
     */
    @Test
    void uniformsOfStreamZeroMatchPythonGolden() {
        long[] raw = {0xe220a8397b1dcdafL, 0x6e789e6aa1b965f4L, 0x06c45d188009454fL, 0xf88bb8a8724c81ecL};
        double[] u = {0.8833108082136426, 0.43152799704850997, 0.026433771592597743, 0.9708819781538285};
        for (int k = 0; k < raw.length; k++) {
            assertThat(SplitMixBenchData.splitMix64(0, k)).as("raw k=%d", k).isEqualTo(raw[k]);
            assertThat(SplitMixBenchData.uniform(0, k)).as("u k=%d", k).isEqualTo(u[k]);
        }
    }

    /** First normals of stream SEED, from the same Python script with math.log/sqrt/cos/sin (glibc). */
    @Test
    void firstNormalsOfSeedStreamMatchPython() {
        double[] expected = {-0.15129519820498252, -0.1696420755118923, 0.06159699133368647, -0.11353476403872542};
        double[] n = SplitMixBenchData.normals(SplitMixBenchData.SEED, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(n[i]).as("n_%d", i).isCloseTo(expected[i], within(1e-15));
        }
        SplitMixBenchData small = SplitMixBenchData.generate(2);
        for (int i = 0; i < 4; i++) {
            assertThat(small.x[i]).isEqualTo((float) expected[i]);
        }
    }

    @Test
    void fullDataSetMatchesProtocolFingerprints() {
        long t0 = System.nanoTime();
        SplitMixBenchData d = SplitMixBenchData.generate();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("splitmix-bm-v1: generated " + d.rows + " rows in " + ms + " ms");
        assertThat(d.rows).isEqualTo(73_728);
        assertThat(d.features).isEqualTo(1000);
        assertThat(d.x).hasSize(73_728 * 1000);
        assertThat(d.y).hasSize(73_728);
        assertThat(SplitMixBenchData.crc32(d.x)).as("X fingerprint").isEqualTo(3818687219L);
        assertThat(SplitMixBenchData.crc32(d.y)).as("y fingerprint").isEqualTo(3916401207L);

        assertThat(d.trainRange()).isEqualTo(new SplitMixBenchData.Range(0, 65_536));
        assertThat(d.testRange()).isEqualTo(new SplitMixBenchData.Range(65_536, 73_728));
        assertThat(d.testX()).hasSize(8192 * 1000);
        assertThat(d.testY()[0]).isEqualTo(d.y[65_536]);
        assertThat(d.trainX()[65_535 * 1000 + 999]).isEqualTo(d.x[65_535 * 1000 + 999]);

        // Sanity: the mean predictor's MSE is about 1.
        double mean = 0;
        for (float v : d.y) mean += v;
        mean /= d.rows;
        double var = 0;
        for (float v : d.y) var += (v - mean) * (v - mean);
        assertThat(var / d.rows).isBetween(0.9, 1.1);
    }

    @Test
    void prefixAndThreadCountDoNotChangeTheData() {
        SplitMixBenchData one = SplitMixBenchData.generate(1537, 1);
        SplitMixBenchData three = SplitMixBenchData.generate(1537, 3);
        SplitMixBenchData shorter = SplitMixBenchData.generate(700, 2);
        assertThat(three.x).isEqualTo(one.x);
        assertThat(three.y).isEqualTo(one.y);
        for (int i = 0; i < 700 * 1000; i++) {
            if (shorter.x[i] != one.x[i]) throw new AssertionError("x differs at " + i);
        }
        for (int i = 0; i < 700; i++) {
            if (shorter.y[i] != one.y[i]) throw new AssertionError("y differs at " + i);
        }
        assertThat(one.trainRange().count()).isEqualTo(1537);
        assertThat(one.testRange().count()).isZero();
    }

    @Test
    void crc32OfKnownBytes() {
        // 1.0f is 0x3F800000, little-endian bytes 00 00 80 3F; java.util.zip.CRC32 of those bytes.
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(new byte[] {0, 0, (byte) 0x80, 0x3F});
        assertThat(SplitMixBenchData.crc32(new float[] {1.0f})).isEqualTo(c.getValue());
        assertThat(SplitMixBenchData.crc32(new float[0])).isZero();
    }
}
