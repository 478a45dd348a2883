package dev.greenml.io;

import dev.greenml.data.Dataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Numeric CSV files: a header row of column names, then one row per sample, comma-separated.
 * Every cell must be a finite number; errors name the file, line, column and the fix.
 */
public final class CsvData {

    /** The parsed table: column names and row-major values. */
    public record Table(List<String> columns, float[] values, int rows) {
        public int width() { return columns.size(); }
    }

    private CsvData() {}

    /** Reads a numeric CSV with a header line. */
    public static Table read(Path path) throws IOException {
        String file = path.toString();
        if (!Files.exists(path)) {
            throw new DataException(file + ": file not found; pass the path of a CSV file with a header row");
        }
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || header.isBlank()) {
                throw new DataException(file + ": the file is empty; it needs a header row of column names and then data rows");
            }
            if (header.startsWith("\uFEFF")) header = header.substring(1);
            List<String> columns = new ArrayList<>();
            for (String c : header.split(",", -1)) {
                String name = c.trim();
                if (columns.contains(name)) {   // --target and --drop pick columns by name
                    throw new DataException(file + ":1: column '" + name + "' appears twice in the header "
                            + columns + "; give every column its own name");
                }
                columns.add(name);
            }
            int width = columns.size();
            FloatList values = new FloatList();
            String line;
            int lineNo = 1, rows = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] cells = line.split(",", -1);
                if (cells.length != width) {
                    throw new DataException(file + ":" + lineNo + ": " + cells.length + " values but the header has "
                            + width + " columns " + columns + "; every row needs one value per column");
                }
                for (int c = 0; c < width; c++) {
                    String cell = cells[c].trim();
                    if (cell.isEmpty()) {
                        throw new DataException(file + ":" + lineNo + ": column '" + columns.get(c) + "' is empty;"
                                + " fill in missing values (or drop the row) first");
                    }
                    float v;
                    try {
                        v = parseNumber(cell);
                    } catch (NumberFormatException e) {
                        throw new DataException(file + ":" + lineNo + ": column '" + columns.get(c) + "' holds '" + cell
                                + "', which is not a number; greenml reads numeric CSV only (encode categories as numbers)");
                    }
                    if (!Float.isFinite(v)) {
                        throw new DataException(file + ":" + lineNo + ": column '" + columns.get(c) + "' holds " + cell
                                + "; NaN and infinite values cannot be trained on — remove or impute them first");
                    }
                    values.add(v);
                }
                rows++;
            }
            if (rows == 0) throw new DataException(file + ": no data rows after the header");
            return new Table(List.copyOf(columns), values.toArray(), rows);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        } catch (java.nio.charset.CharacterCodingException e) {   // Java says only "Input length = 1"
            throw new DataException(dev.greenml.files.TextFiles.notUtf8(path));
        }
    }

    /**
     * A decimal number; also the spellings of NaN and infinity that numpy, pandas and R write
     * (nan, inf, -inf, ...), so that those cells get the NaN message rather than "not a number".
     * Java-only suffixes and hex (1f, 2d, 0x1p3) are refused: other tools would not read them.
     */
    private static float parseNumber(String cell) {
        String lower = cell.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        switch (unsigned) {
            case "nan" -> { return Float.NaN; }
            case "inf", "infinity" -> { return lower.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY; }
            default -> { }
        }
        char last = lower.charAt(lower.length() - 1);
        if (last == 'f' || last == 'd' || lower.contains("x")) throw new NumberFormatException(cell);
        return Float.parseFloat(cell);
    }

    /**
     * Splits a table into features and one target column. With {@code classification}, the target
     * must hold whole numbers 0..C-1 (class indices).
     */
    public static Dataset toDataset(Table t, String target, boolean classification, String file) {
        int tc = t.columns().indexOf(target);
        if (tc < 0) {
            throw new DataException(file + ": no column named '" + target + "'; the columns are " + t.columns());
        }
        int w = t.width(), f = w - 1, rows = t.rows();
        if (f == 0) throw new DataException(file + ": only the target column '" + target + "'; there are no features");
        float[] x = new float[rows * f], y = new float[rows];
        int[] labels = classification ? new int[rows] : null;
        float[] v = t.values();
        for (int r = 0; r < rows; r++) {
            int k = 0;
            for (int c = 0; c < w; c++) {
                float val = v[r * w + c];
                if (c == tc) {
                    y[r] = val;
                    if (classification) {
                        if (val != Math.rint(val) || val < 0) {
                            throw new DataException(file + ": row " + (r + 1) + ": target '" + target + "' is " + val
                                    + "; cross-entropy needs class indices 0, 1, 2, …");
                        }
                        labels[r] = (int) val;
                    }
                } else {
                    x[r * f + k++] = val;
                }
            }
        }
        return classification ? Dataset.classification(x, f, labels) : Dataset.regression(x, f, y, 1);
    }

    /** Features only (for predict): every column, or all but {@code dropColumn} when present. */
    public static float[] features(Table t, int expectedWidth, String file) {
        if (t.width() != expectedWidth) {
            throw new DataException(file + ": " + t.width() + " columns but the model expects " + expectedWidth
                    + " input features; give exactly the feature columns, in training order, without the target");
        }
        return t.values();
    }

    /** Bad data: the message is meant for the user as it is. */
    public static final class DataException extends RuntimeException {
        public DataException(String message) {
            super(message);
        }
    }

    private static final class FloatList {
        float[] a = new float[1024];
        int n;

        void add(float v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        float[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
