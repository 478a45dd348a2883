package dev.greenml.cli;

import dev.greenml.data.DataLoader;
import dev.greenml.data.Dataset;
import dev.greenml.data.FashionMnist;
import dev.greenml.footprint.run.FootprintRun;
import dev.greenml.nn.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Datasets that {@code --data} may name instead of a CSV file: for now "fashion-mnist". Loads
 * the training split (seeded validation split, optional limit) and the test split.
 */
final class NamedData {

    static final List<String> NAMES = List.of("fashion-mnist");

    /** Train, validation (or null) and test sets, with a line for the log and fields for the provenance record. */
    record Loaded(Dataset train, Dataset validation, Dataset test, String description, Map<String, Object> record) {}

    private NamedData() {}

    /** True when {@code --data} names a dataset rather than a file. */
    static boolean isName(Path data) {
        return NAMES.contains(data.toString().toLowerCase(Locale.ROOT));
    }

    static Loaded load(String name, Path dir, ModelConfig arch, String loss, double validationSplit, long seed,
                       int limit, FootprintRun run) {
        Path from = dir != null ? dir : FashionMnist.DEFAULT_DIR;
        if (!loss.equals("cross-entropy")) {
            throw new UserError(name + " is a classification dataset: use --loss cross-entropy (the default for it), not " + loss);
        }
        if (arch.inputFeatures() != FashionMnist.PIXELS || arch.outputFeatures() != FashionMnist.CLASSES) {
            throw new UserError(name + " has 784 pixels per image and 10 classes, but the model maps "
                    + arch.inputFeatures() + " inputs to " + arch.outputFeatures() + " outputs; use --model mlp|cnn"
                    + " or --layers 784,...,10");
        }
        FashionMnist.Splits s = run.phase("read data", () -> {
            try {
                return FashionMnist.load(from, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        run.bytesRead(sizeOf(from));
        Dataset train = limit > 0 ? DataLoader.limit(s.train(), limit) : s.train();
        Dataset test = limit > 0 ? DataLoader.limit(s.test(), Math.max(1, limit / 6)) : s.test();
        DataLoader.Split split = DataLoader.split(train, validationSplit, seed);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("dataset", name);
        record.put("data_dir", from.toString());
        record.put("normalized", Map.of("mean", FashionMnist.MEAN, "std", FashionMnist.STD));
        if (limit > 0) record.put("limit", limit);
        String description = String.format(Locale.ROOT,
                "data: %s from %s, %,d training images (%,d train, %,d validation, split at random with seed %d), %,d test images;"
                        + " pixels scaled to [0, 1] then normalized with mean %.4f, std %.4f",
                name, from, train.rows(), split.train().rows(), split.validation() == null ? 0 : split.validation().rows(),
                seed, test.rows(), FashionMnist.MEAN, FashionMnist.STD);
        return new Loaded(split.train(), split.validation(), test, description, record);
    }

    private static long sizeOf(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains("-ubyte")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
