package dev.greenml.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando Research, 2017): 28×28 grey images of
 * clothing in 10 classes, 60,000 for training and 10,000 for testing, as four IDX files.
 * Debian ships them in the package {@code dataset-fashion-mnist} under {@link #DEFAULT_DIR}.
 *
 * <pre>{@code
 * FashionMnist.Splits data = FashionMnist.load(FashionMnist.DEFAULT_DIR, true);
 * Dataset train = data.train();   // (60000, 784) floats, labels 0..9
 * }</pre>
 *
 * Pixels become {@code p / 255} in [0, 1]; normalized, {@code (p/255 − MEAN) / STD}.
 */
public final class FashionMnist {

    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final int HEIGHT = 28, WIDTH = 28, PIXELS = HEIGHT * WIDTH, CLASSES = 10;

    /**
     * Mean and standard deviation of all 47,040,000 training pixels scaled to [0, 1], computed
     * by greenml from the Debian files (FashionMnistTest recomputes them): 0.28604 and 0.35302.
     * Only the training split is used, so no test information leaks into the model.
     */
    public static final float MEAN = 0.2860f, STD = 0.3530f;

    /** Class names in label order, as the dataset's authors list them. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two splits, each (rows, 784) with labels. */
    public record Splits(Dataset train, Dataset test) {}

    private FashionMnist() {}

    /** Loads both splits from {@code dir}; {@code normalize} applies {@link #MEAN}/{@link #STD}. */
    public static Splits load(Path dir, boolean normalize) throws IOException {
        return new Splits(load(dir, "train", normalize), load(dir, "t10k", normalize));
    }

    /** One split: "train" or "t10k" (the names the IDX files start with). */
    public static Dataset load(Path dir, String split, boolean normalize) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFileException("Fashion-MNIST directory " + dir + " does not exist; " + HOW_TO_GET);
        }
        Idx.Array images = Idx.read(find(dir, split + "-images-idx3-ubyte"));
        Idx.Array labels = Idx.read(find(dir, split + "-labels-idx1-ubyte"));
        return toDataset(images, labels, normalize);
    }

    /** Checks that images and labels belong together and converts them. */
    public static Dataset toDataset(Idx.Array images, Idx.Array labels, boolean normalize) {
        if (images.dims().length != 3 || images.dims()[1] != HEIGHT || images.dims()[2] != WIDTH) {
            throw new DataFileException(images.file() + ": expected images of shape (N, 28, 28), found "
                    + java.util.Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new DataFileException(labels.file() + ": expected a 1-D array of labels, found dimensions "
                    + java.util.Arrays.toString(labels.dims()));
        }
        int n = images.count();
        if (labels.count() != n) {
            throw new DataFileException(images.file() + " holds " + n + " images but " + labels.file() + " holds "
                    + labels.count() + " labels; the two files must come from the same split");
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.unsignedByte(i);
            if (y[i] >= CLASSES) {
                throw new DataFileException(labels.file() + ": label " + y[i] + " at index " + i
                        + " is outside the 10 classes 0..9");
            }
        }
        float[] x = new float[n * PIXELS];
        float scale = 1f / 255f;
        for (int i = 0; i < x.length; i++) {
            float p = images.unsignedByte(i) * scale;
            x[i] = normalize ? (p - MEAN) / STD : p;
        }
        return Dataset.classification(x, PIXELS, y);
    }

    static final String HOW_TO_GET = "install it with 'apt-get install dataset-fashion-mnist', "
            + "or pass another directory with --data-dir";

    /** {@code base.gz} or {@code base} in {@code dir}. */
    private static Path find(Path dir, String base) {
        for (String candidate : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new DataFileException("Fashion-MNIST file " + base + "(.gz) is missing from " + dir + "; " + HOW_TO_GET);
    }
}
