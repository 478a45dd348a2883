package dev.greenml.cli;

import static dev.greenml.cli.Cli.greenml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.greenml.footprint.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** greenml report on a run resumed once: whole-run totals with the session count, last-session figures labelled. */
class ReportResumedRunTest {

    @TempDir Path dir;

    @Test
    void resumedRunIsReportedWithItsTotalsOverAllSessions() throws Exception {
        Path csv = Cli.regressionCsv(dir), resumed = dir.resolve("resumed"), single = dir.resolve("single");
        Cli.Outcome first = greenml("train", "--layers", "2,8,1", "--data", csv, "--target", "y", "--epochs", 1,
                "--run-dir", resumed, "--threads", 1);
        assertThat(first.code()).as(first.toString()).isZero();
        Cli.Outcome second = greenml("train", "--layers", "2,8,1", "--data", csv, "--target", "y", "--epochs", 2,
                "--resume", resumed, "--threads", 1);
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(greenml("train", "--layers", "2,8,1", "--data", csv, "--target", "y", "--epochs", 1,
                "--run-dir", single, "--threads", 1).code()).isZero();

        JsonNode fp = new ObjectMapper().readTree(resumed.resolve("footprint.json").toFile());
        JsonNode cumulative = fp.get("cumulative");
        assertThat(cumulative.get("sessions").asInt()).isEqualTo(2);
        double total = cumulative.get("energy_joules").asDouble(), lastSession = fp.get("energy").get("joules").asDouble();
        assertThat(total).isGreaterThan(lastSession);

        Path page = dir.resolve("r.html");
        Cli.Outcome report = greenml("report", resumed, single, "--out", page);
        assertThat(report.code()).as(report.toString()).isZero();
        String html = Files.readString(page);
        String overview = html.substring(html.indexOf("<table class=\"overview\">"), html.indexOf("</table>", html.indexOf("<table class=\"overview\">")));
        String resumedRow = overview.substring(overview.indexOf(">resumed</a>"), overview.indexOf("</tr>", overview.indexOf(">resumed</a>")));
        assertThat(resumedRow).contains("(2 sessions)").contains(HtmlReport.joules(total));
        if (!HtmlReport.joules(total).equals(HtmlReport.joules(lastSession))) {
            assertThat(resumedRow).doesNotContain(HtmlReport.joules(lastSession));
        }
        assertThat(html).contains("whole run (2 sessions)").contains("energy (IT), last session (2 of 2)");
        String singleSection = html.substring(html.indexOf("id=\"run-1\""));
        assertThat(singleSection).doesNotContain("last session").doesNotContain("whole run (");

        // run.json keeps the forecast made after an epoch; once the run has completed it is no claim about steps left
        JsonNode run = new ObjectMapper().readTree(resumed.resolve("run.json").toFile());
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("forecast").isObject()).isTrue();
        assertThat(html).doesNotContain("forecast seconds=");
    }
}
