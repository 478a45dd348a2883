package dev.greenml.cli.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FootprintCommandTest {

    @TempDir Path dir;

    record Outcome(int code, String out, String err) {}

    static Outcome greenml(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    JsonNode report(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("footprint.json").toFile());
    }

    static double cpuJoules(JsonNode report) {
        for (JsonNode c : report.get("components")) if (c.get("component").asText().equals("cpu")) return c.get("joules").asDouble();
        throw new AssertionError("no cpu component in " + report);
    }

    @Test
    void detectExplainsEachMeter() throws Exception {
        Outcome text = greenml("footprint", "detect");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("model:cpu").contains("nvml");
        Outcome json = greenml("footprint", "detect", "--json");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.isObject()).isTrue();
        JsonNode a = root.get("meters");
        assertThat(a.isArray()).isTrue();
        for (JsonNode m : a) {
            if (!m.get("available").asBoolean()) assertThat(m.get("reason").asText()).isNotBlank();
        }
        assertThat(a.findValuesAsText("id")).contains("model:cpu", "model:ram");
    }

    @Test
    void busyCommandCostsMoreThanSleepingOneAndBothAreReported() throws Exception {
        Path idleOut = dir.resolve("idle"), busyOut = dir.resolve("busy");
        Outcome idle = greenml("footprint", "run", "--country", "FR", "--out", idleOut.toString(), "--", "sleep", "1");
        Outcome busy = greenml("footprint", "run", "--country", "FR", "--out", busyOut.toString(), "--json", "--",
                "sh", "-c", "end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done");
        assertThat(idle.code()).isZero();
        assertThat(busy.code()).isZero();
        JsonNode i = report(idleOut), b = report(busyOut);
        assertThat(cpuJoules(b)).isGreaterThan(cpuJoules(i));
        assertThat(b.get("co2e").get("grams").asDouble()).isGreaterThan(i.get("co2e").get("grams").asDouble());
        assertThat(b.get("energy").get("method").asText()).isIn("measured", "modelled");
        assertThat(i.get("duration_s").asDouble()).isGreaterThan(0.5);
        assertThat(i.get("exit_code").asInt()).isZero();
        assertThat(idle.err()).startsWith("Footprint (").contains("CO2e");
        assertThat(new ObjectMapper().readTree(busy.out()).get("schema").asText()).isEqualTo("greenml-footprint/1");
        assertThat(Files.readAllLines(idleOut.resolve("emissions.csv"))).hasSize(2);
    }

    @Test
    void meteringCoversTheWholeCommandFromBeforeItStarts() throws Exception {
        Outcome o = greenml("footprint", "run", "--country", "FR", "--out", dir.toString(), "--", "sleep", "1");
        assertThat(o.code()).isZero();
        // the window opens before the child is started, so it cannot be shorter than the child's own second
        assertThat(report(dir).get("duration_s").asDouble()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void jsonPutsTheCommandsStdoutOnStderrAndOneObjectOnStdout() throws Exception {
        Outcome o = greenml("footprint", "run", "--country", "FR", "--out", dir.toString(), "--json", "--", "echo", "hello");
        assertThat(o.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(o.out());
        assertThat(j.get("schema").asText()).isEqualTo("greenml-footprint/1");
        assertThat(o.out()).doesNotContain("hello");
        assertThat(o.err()).startsWith("hello\n");
    }

    @Test
    void exitCodeOfTheCommandIsForwardedAndNoLocationSaysHowToSetOne() {
        Outcome o = greenml("footprint", "run", "--out", dir.toString(), "--", "sh", "-c", "exit 3");
        assertThat(o.code()).isEqualTo(3);
        assertThat(o.err()).contains("world average").contains("--country");
    }

    @Test
    void badInputExitsTwoWithOneLineNamingTheProblem() {
        Outcome unknown = greenml("footprint", "run", "--country", "XX", "--out", dir.toString(), "--", "true");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("XX").doesNotContain("Exception").hasLineCount(1);

        Outcome pue = greenml("footprint", "run", "--pue", "-1", "--out", dir.toString(), "--", "true");
        assertThat(pue.code()).isEqualTo(2);
        assertThat(pue.err()).contains("PUE").contains("-1").hasLineCount(1);

        Outcome notNumber = greenml("footprint", "run", "--pue", "abc", "--", "true");
        assertThat(notNumber.code()).isEqualTo(2);
        assertThat(notNumber.err()).contains("--pue").contains("abc").hasLineCount(1);

        Outcome none = greenml("footprint", "run", "--out", dir.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no command").hasLineCount(1);

        Outcome two = greenml("footprint", "run", "--country", "FR", "--intensity", "50", "--", "true");
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).contains("one location").hasLineCount(1);
        assertThat(Files.exists(dir.resolve("footprint.json"))).isFalse();
    }

    @Test
    void anOutThatCannotTakeTheReportsIsRefusedBeforeTheCommandRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("feat.csv"), "a,b\n1,2\n");
        Path marker = dir.resolve("ran");
        for (String out : new String[] {file.toString(), "/proc/zz"}) {
            Outcome o = greenml("footprint", "run", "--out", out, "--", "touch", marker.toString());
            assertThat(o.code()).as(o.err()).isEqualTo(2);
            assertThat(o.err()).hasLineCount(1).contains("--out " + out).doesNotContain("reports:");
            assertThat(marker).as("the command must not run").doesNotExist();
        }
        assertThat(Files.readString(file)).isEqualTo("a,b\n1,2\n");
    }

    @Test
    void whenOnlyTheCsvCannotBeWrittenTheJsonReportIsStillNamed() throws Exception {
        Files.createDirectories(dir.resolve("emissions.csv"));   // a directory where the CSV should go
        Outcome o = greenml("footprint", "run", "--out", dir.toString(), "--", "true");
        assertThat(o.code()).as(o.err()).isEqualTo(1);
        assertThat(o.err()).contains("cannot write " + dir.resolve("emissions.csv"))
                .contains("reports: " + dir.resolve("footprint.json")).doesNotContain("reports: " + dir.resolve("footprint.json") + ",");
        assertThat(report(dir).get("energy")).isNotNull();
    }
}
