package dev.greenml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine;

/** Runs the greenml command in-process and writes the small CSV files the CLI tests train on. */
final class Cli {

    private Cli() {}

    /** What one invocation did: exit code, stdout, stderr. */
    record Outcome(int code, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * Runs greenml in-process. A {@code train} without --run-dir or --resume gets a fresh
     * temporary run directory, so tests never write into the working directory's runs/.
     */
    static Outcome greenml(Object... args) {
        java.util.List<String> list = new java.util.ArrayList<>();
        for (Object arg : args) list.add(String.valueOf(arg));
        if (!list.isEmpty() && list.getFirst().equals("train") && !list.contains("--run-dir") && !list.contains("--resume")
                && !list.contains("--help")) {
            try {
                list.add("--run-dir");
                list.add(java.nio.file.Files.createTempDirectory("greenml-run").resolve("run").toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String[] a = list.toArray(String[]::new);
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(a);
        return new Outcome(code, out.toString(), err.toString());
    }

    /** y = 2a − b + 0.5 with a, b uniform in [−1, 1]: 200 rows, seeded. */
    static Path regressionCsv(Path dir) {
        Random r = new Random(7);
        StringBuilder s = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            double a = 2 * r.nextDouble() - 1, b = 2 * r.nextDouble() - 1;
            s.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", a, b, 2 * a - b + 0.5));
        }
        return write(dir.resolve("regression.csv"), s.toString());
    }

    /** Three well-separated blobs (class 0, 1, 2) in two dimensions: 300 rows, seeded, shuffled. */
    static Path classificationCsv(Path dir) {
        Random r = new Random(11);
        double[][] centres = {{-2, -2}, {2, -2}, {0, 2}};
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int c = i % 3;
            rows.add(String.format(Locale.ROOT, "%.4f,%.4f,%d", centres[c][0] + 0.4 * r.nextGaussian(),
                    centres[c][1] + 0.4 * r.nextGaussian(), c));
        }
        java.util.Collections.shuffle(rows, r);
        return write(dir.resolve("classes.csv"), "x1,x2,label\n" + String.join("\n", rows) + "\n");
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample variance of column {@code column} of a numeric CSV with a header. */
    static double variance(Path csv, int column) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        double sum = 0, sq = 0;
        int n = 0;
        for (String l : lines.subList(1, lines.size())) {
            double v = Double.parseDouble(l.split(",")[column]);
            sum += v;
            sq += v * v;
            n++;
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }
}
