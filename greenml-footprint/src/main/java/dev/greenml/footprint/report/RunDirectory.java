package dev.greenml.footprint.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one run directory (docs/run-directory.md), read as plain JSON so that this module
 * needs nothing from the engine that wrote them. {@code footprint.json} is required; {@code run.json}
 * and {@code history.jsonl} are optional (a {@code greenml demo} or {@code footprint run} directory has
 * neither), and every field inside them is optional too: readers use {@code path(...)}.
 *
 * @param name      how the report names the run: the directory's name
 * @param footprint footprint.json, schema {@value JsonReport#SCHEMA}
 * @param run       run.json, or a MissingNode when there is none
 * @param history   history.jsonl, one object per epoch in file order; empty when there is none
 */
public record RunDirectory(Path dir, String name, JsonNode footprint, JsonNode run, List<JsonNode> history) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RunDirectory {
        history = List.copyOf(history);
    }

    /**
     * Reads {@code dir}. Bad input throws IllegalArgumentException with one line naming the file,
     * what is wrong with it and what to do.
     */
    public static RunDirectory read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
                    + "; give a run directory (one that holds footprint.json, e.g. runs/demo after ./greenml demo)");
        }
        Path footprintFile = dir.resolve("footprint.json");
        if (!Files.isRegularFile(footprintFile)) {
            throw new IllegalArgumentException(footprintFile + ": not found; a run directory holds footprint.json,"
                    + " written when a greenml run (demo, train, footprint run) ends or checkpoints"
                    + " — give such a directory, or wait for the run to write it");
        }
        JsonNode footprint = object(footprintFile, text(footprintFile), 0);
        String schema = footprint.path("schema").asText("");
        if (!schema.equals(JsonReport.SCHEMA)) {
            throw new IllegalArgumentException(footprintFile + ": schema is '" + schema + "', expected '" + JsonReport.SCHEMA
                    + "'; the file was not written by this greenml version — rerun with it, or use the greenml that wrote it");
        }

        Path runFile = dir.resolve("run.json");
        JsonNode run = Files.isRegularFile(runFile) ? object(runFile, text(runFile), 0) : MissingNode.getInstance();

        Path historyFile = dir.resolve("history.jsonl");
        List<JsonNode> history = new ArrayList<>();
        if (Files.isRegularFile(historyFile)) {
            String[] lines = text(historyFile).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) history.add(object(historyFile, lines[i], i + 1));
            }
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new RunDirectory(dir, name == null ? dir.toString() : name.toString(), footprint, run, history);
    }

    private static String text(Path file) {
        try {
            return dev.greenml.files.TextFiles.readUtf8(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses one JSON object; {@code line} > 0 names the line of a JSON-lines file. */
    private static JsonNode object(Path file, String text, int line) {
        String where = line > 0 ? file + " line " + line : file.toString();
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new IllegalArgumentException(where + ": not valid JSON" + (line > 0 ? "" : at) + " (" + e.getOriginalMessage().replaceAll("\\s+", " ")
                    + "); the file is damaged — restore it or rerun the run that wrote it");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected one JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT))
                    + "; the file is damaged — restore it or rerun the run that wrote it");
        }
        return node;
    }
}
