package dev.greenml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.greenml.footprint.run.FootprintResult;
import dev.greenml.footprint.run.FootprintRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's footprint over all its sessions: what the sessions before this one spent plus
 * what this session's footprint run has measured or modelled so far, or, once it has finished,
 * its final figures (those of its footprint.json and emissions.csv row). Shared by the MLP/CNN and
 * the GPT training sessions.
 *
 * <p>run.json's {@code footprint_so_far.by_session} keeps each session's own figures, the final
 * ones once it finished. A resumed run adds those up: the checkpoint's {@code footprint_so_far}
 * was written at the last checkpoint, so it misses what a session spent after it (the final save,
 * the test evaluation, the steps after the last checkpoint), and it is only the fallback for
 * run directories written before by_session existed.
 */
final class RunTotals {

    /** A run that starts here: no earlier session. A new object each time: {@link #finish} marks it finished. */
    static RunTotals fresh() {
        return new RunTotals(new double[] {0, 0, 0}, List.of(), 1);
    }

    final double[] prior;                          // (3) seconds, joules, grams of the sessions before this one
    final int session;                             // this session's number: 1 for a new run
    private final List<Map<String, Object>> earlier;   // by_session entries of the sessions before this one
    private double[] finalFigures;                 // this session's [seconds, joules, grams] once finished

    private RunTotals(double[] prior, List<Map<String, Object>> earlier, int session) {
        this.prior = prior;
        this.earlier = earlier;
        this.session = session;
    }

    /**
     * From a checkpoint's footprint so far (null: a checkpoint without one counts as a new run) and
     * the run directory's run.json (null when absent): the earlier sessions' own figures from
     * run.json's by_session when it records every session the checkpoint counts, else the checkpoint's.
     */
    static RunTotals fromCheckpoint(JsonNode footprintSoFar, JsonNode runJson) {
        if (footprintSoFar == null) return fresh();
        int sessions = footprintSoFar.path("sessions").asInt(1);
        JsonNode bySession = runJson == null ? null : runJson.path("footprint_so_far").path("by_session");
        if (bySession != null && bySession.isArray() && bySession.size() >= sessions) {
            double[] prior = new double[3];
            List<Map<String, Object>> earlier = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {   // sessions after the checkpoint's are not this run's history any more
                JsonNode s = bySession.get(i);
                double[] f = {s.path("seconds").asDouble(), s.path("energy_joules").asDouble(), s.path("co2e_grams").asDouble()};
                for (int k = 0; k < 3; k++) prior[k] += f[k];
                earlier.add(entry(i + 1, f, s.path("final").asBoolean(false)));
            }
            return new RunTotals(prior, earlier, sessions + 1);
        }
        return new RunTotals(new double[] {footprintSoFar.path("seconds").asDouble(), footprintSoFar.path("energy_joules").asDouble(),
                footprintSoFar.path("co2e_grams").asDouble()}, List.of(), sessions + 1);
    }

    /** This session has finished: from now on its figures are the report's, not a later live reading. */
    void finish(FootprintResult r) {
        finalFigures = new double[] {r.durationSeconds(), r.energy().joules(), r.carbon().gramsCo2e()};
    }

    /** [seconds, joules, grams] of this session: final once finished, else so far. */
    private double[] thisSession(FootprintRun run) {
        return finalFigures != null ? finalFigures.clone()
                : new double[] {run.secondsSoFar(), run.joulesSoFar(), run.gramsCo2eSoFar()};
    }

    /** [seconds, joules, grams] of the whole run so far: earlier sessions plus this one. */
    double[] cumulative(FootprintRun run) {
        double[] s = thisSession(run);
        return new double[] {prior[0] + s[0], prior[1] + s[1], prior[2] + s[2]};
    }

    /** run.json's {@code footprint_so_far}: the whole run's energy, CO2e and seconds so far, with their method, and each session's. */
    Map<String, Object> soFar(FootprintRun run) {
        double[] c = cumulative(run);
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("energy_joules", c[1]);
        fp.put("co2e_grams", c[2]);
        fp.put("seconds", c[0]);
        fp.put("energy_method", run.methodSoFar());
        List<Map<String, Object>> by = new ArrayList<>(earlier);
        by.add(entry(session, thisSession(run), finalFigures != null));
        fp.put("by_session", by);
        return fp;
    }

    private static Map<String, Object> entry(int session, double[] f, boolean finished) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", session);
        m.put("energy_joules", f[1]);
        m.put("co2e_grams", f[2]);
        m.put("seconds", f[0]);
        m.put("final", finished);   // false: read while the session ran (its last run.json update)
        return m;
    }

    /** The checkpoint's {@code greenml.footprint_so_far} entry, as JSON: the totals so far and this session's number. */
    String soFarJson(FootprintRun run) {
        Map<String, Object> fp = soFar(run);
        fp.remove("by_session");   // run.json holds them, updated after the checkpoint too
        fp.put("sessions", session);
        return Output.toJson(fp);
    }
}
