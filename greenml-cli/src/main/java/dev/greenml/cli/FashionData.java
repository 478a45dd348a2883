package dev.greenml.cli;

import dev.greenml.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * --data for the compression commands: "fashion-mnist" (Debian's dataset-fashion-mnist, in
 * /usr/share/datasets/fashion-mnist) or a directory holding the four IDX files. Pixels are
 * normalized as greenml's Fashion-MNIST training normalizes them (mean 0.2860, std 0.3530).
 */
final class FashionData {

    private FashionData() {}

    static FashionMnist.Splits load(String spec) throws IOException {
        Path dir = spec.equalsIgnoreCase("fashion-mnist") ? FashionMnist.DEFAULT_DIR : Path.of(spec);
        if (!Files.isDirectory(dir)) {
            throw new UserError("--data " + spec + ": " + dir + " is not a directory; give 'fashion-mnist' (install it with"
                    + " 'apt-get install dataset-fashion-mnist') or a directory holding the four Fashion-MNIST IDX files");
        }
        return FashionMnist.load(dir, true);
    }
}
