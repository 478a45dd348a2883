package dev.greenml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written here per the format (magic 00 00 08 dims, big-endian sizes, bytes). */
class IdxTest {

    @TempDir Path dir;

    @Test void readsPlainAndGzipFilesAlike() throws IOException {
        byte[] values = new byte[2 * 3 * 4];
        for (int i = 0; i < values.length; i++) values[i] = (byte) (i * 10);   // 230 is > 127: read unsigned
        byte[] file = Idx.encode(new int[] {2, 3, 4}, values);
        Path plain = Files.write(dir.resolve("x-idx3-ubyte"), file);
        Path gz = gzip(dir.resolve("x-idx3-ubyte.bin"), file);   // detected by magic bytes, not by name
        for (Path p : new Path[] {plain, gz}) {
            Idx.Array a = Idx.read(p);
            assertThat(a.dims()).containsExactly(2, 3, 4);
            assertThat(a.count()).isEqualTo(2);
            assertThat(a.itemSize()).isEqualTo(12);
            assertThat(a.unsignedByte(23)).isEqualTo(230);
        }
    }

    @Test void truncatedPayloadNamesFileAndSizes() throws IOException {
        byte[] full = Idx.encode(new int[] {10000, 28, 28}, new byte[1234]);   // header promises 7,840,000
        Path p = gzip(dir.resolve("t10k-images-idx3-ubyte.gz"), full);
        assertThatThrownBy(() -> Idx.read(p)).isInstanceOf(DataFileException.class)
                .hasMessage("t10k-images-idx3-ubyte.gz: truncated: header promises 10000×28×28 = 7,840,000 bytes,"
                        + " file has 1,234 (is the download complete?)");
    }

    @Test void corruptMagicUnsupportedTypeAndShortHeaderAreRejected() {
        assertThatThrownBy(() -> Idx.parse("a", new byte[] {1, 0, 8, 1, 0, 0, 0, 0}))
                .hasMessageContaining("a: not an IDX file").hasMessageContaining("01 00 08 01");
        assertThatThrownBy(() -> Idx.parse("b", new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 0}))
                .hasMessageContaining("0x0D (float32) is not supported");
        assertThatThrownBy(() -> Idx.parse("c", new byte[] {0, 0, 8, 3, 0, 0, 0, 1}))
                .hasMessageContaining("c: truncated: the header declares 3 dimensions");
        assertThatThrownBy(() -> Idx.parse("d", new byte[] {0, 0}))
                .hasMessageContaining("shorter than the 4-byte magic");
        byte[] extra = Arrays.copyOf(Idx.encode(new int[] {2}, new byte[2]), 4 + 4 + 3);
        assertThatThrownBy(() -> Idx.parse("e", extra)).hasMessageContaining("e: trailing bytes: header promises 2 = 2 bytes, file has 3");
    }

    @Test void corruptGzipAndMissingFileAreClear() throws IOException {
        byte[] gz = gzipBytes(Idx.encode(new int[] {100}, new byte[100]));
        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> Idx.read(cut)).hasMessageContaining("cut.gz: corrupt or truncated gzip data");
        assertThatThrownBy(() -> Idx.read(dir.resolve("nope"))).hasMessageContaining("nope: file not found");
    }

    @Test void imagesAndLabelsMustAgree() {
        Idx.Array images = Idx.parse("imgs", Idx.encode(new int[] {3, 28, 28}, new byte[3 * 784]));
        Idx.Array twoLabels = Idx.parse("lbls", Idx.encode(new int[] {2}, new byte[] {1, 2}));
        assertThatThrownBy(() -> FashionMnist.toDataset(images, twoLabels, false))
                .hasMessageContaining("imgs holds 3 images but lbls holds 2 labels");
        Idx.Array badLabel = Idx.parse("lbls", Idx.encode(new int[] {3}, new byte[] {1, 10, 2}));
        assertThatThrownBy(() -> FashionMnist.toDataset(images, badLabel, false))
                .hasMessageContaining("lbls: label 10 at index 1 is outside the 10 classes 0..9");
        Idx.Array small = Idx.parse("imgs", Idx.encode(new int[] {3, 14, 14}, new byte[3 * 196]));
        assertThatThrownBy(() -> FashionMnist.toDataset(small, badLabel, false)).hasMessageContaining("(N, 28, 28)");
    }

    @Test void pixelsAreScaledAndOptionallyNormalized() {
        byte[] px = new byte[784];
        px[0] = (byte) 255;
        Idx.Array images = Idx.parse("i", Idx.encode(new int[] {1, 28, 28}, px));
        Idx.Array labels = Idx.parse("l", Idx.encode(new int[] {1}, new byte[] {9}));
        Dataset raw = FashionMnist.toDataset(images, labels, false);
        assertThat(raw.x()[0]).isEqualTo(1f);
        assertThat(raw.x()[1]).isEqualTo(0f);
        assertThat(raw.labels()).containsExactly(9);
        Dataset norm = FashionMnist.toDataset(images, labels, true);
        assertThat(norm.x()[1]).isEqualTo(-FashionMnist.MEAN / FashionMnist.STD);
    }

    @Test void missingDirectoryOrFilesSayHowToInstall() throws IOException {
        assertThatThrownBy(() -> FashionMnist.load(dir.resolve("absent"), false))
                .hasMessageContaining("apt-get install dataset-fashion-mnist").hasMessageContaining("--data-dir");
        assertThatThrownBy(() -> FashionMnist.load(dir, false))
                .hasMessageContaining("train-images-idx3-ubyte(.gz) is missing").hasMessageContaining("--data-dir");
    }

    private static Path gzip(Path p, byte[] bytes) throws IOException {
        return Files.write(p, gzipBytes(bytes));
    }

    private static byte[] gzipBytes(byte[] bytes) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
