package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.footprint.report.JsonReport;
import dev.greenml.footprint.run.Footprint;
import dev.greenml.footprint.run.FootprintConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    @TempDir Path dir;

    record Outcome(int code, String out, String err) {}

    /** Runs the command line; Output prints results on System.out, so that is captured too. */
    static Outcome greenml(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    /** A run directory holding a real footprint.json of a short metered run with one phase. */
    Path meteredRun(String name) throws Exception {
        Path run = Files.createDirectories(dir.resolve(name));
        try (var fp = Footprint.start(FootprintConfig.defaults().withCountry("FR"))) {
            fp.phase("work", () -> { double s = 0; for (int i = 0; i < 1_000_000; i++) s += Math.sqrt(i); return s; });
            JsonReport.write(run.resolve("footprint.json"), fp.finish());
        }
        return run;
    }

    @Test
    void writesOnePageForSeveralRunsAndSaysWhere() throws Exception {
        // one metered run (about 2 s) in two directories: the report reads files, not runs
        Path a = meteredRun("a"), b = Files.createDirectories(dir.resolve("b")), page = dir.resolve("report.html");
        Files.copy(a.resolve("footprint.json"), b.resolve("footprint.json"));
        Outcome o = greenml("report", a.toString(), b.toString(), "--out", page.toString(), "--json");
        assertThat(o.code()).as(o.err()).isZero();
        var result = new ObjectMapper().readTree(o.out());
        assertThat(result.get("bytes").asLong()).isEqualTo(Files.size(page));
        assertThat(result.get("runs")).hasSize(2);
        assertThat(result.get("chart_library").asText()).startsWith("Chart.js ");
        String html = Files.readString(page);
        assertThat(html.startsWith("<!DOCTYPE html>")).isTrue();
        assertThat(html.contains("<h2>a</h2>") && html.contains("<h2>b</h2>")).isTrue();
    }

    @Test
    void aDirectoryWithoutFootprintIsOneLineAndExitTwo() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Outcome o = greenml("report", empty.toString(), "--out", dir.resolve("r.html").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).startsWith("greenml report: " + empty.resolve("footprint.json") + ": not found;").doesNotContain("\n");
        assertThat(dir.resolve("r.html")).doesNotExist();

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("footprint.json"), "{ not json");
        Outcome bad = greenml("report", broken.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).contains(broken.resolve("footprint.json") + ": not valid JSON").doesNotContain("\n");
    }

    @Test
    void noRunDirectoryIsAUsageError() {
        Outcome o = greenml("report", "--out", dir.resolve("r.html").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("RUN_DIR");
    }
}
