package dev.greenml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.greenml.footprint.run.FootprintRun;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training run's footprint over all its sessions: what the sessions before this one spent (from
 * the checkpoint's {@code greenml.footprint_so_far}) plus what this session's footprint run has
 * measured or modelled so far. Shared by the MLP/CNN and the GPT training sessions.
 */
final class RunTotals {

    /** A run that starts here: no earlier session. */
    static final RunTotals NEW = new RunTotals(new double[] {0, 0, 0}, 1);

    final double[] prior;   // (3) seconds, joules, grams of the sessions before this one
    final int session;      // this session's number: 1 for a new run

    private RunTotals(double[] prior, int session) {
        this.prior = prior;
        this.session = session;
    }

    /** From a checkpoint's footprint so far (null: a checkpoint without one counts as a new run). */
    static RunTotals fromCheckpoint(JsonNode footprintSoFar) {
        if (footprintSoFar == null) return NEW;
        return new RunTotals(new double[] {footprintSoFar.path("seconds").asDouble(), footprintSoFar.path("energy_joules").asDouble(),
                footprintSoFar.path("co2e_grams").asDouble()}, footprintSoFar.path("sessions").asInt(1) + 1);
    }

    /** [seconds, joules, grams] of the whole run so far: earlier sessions plus this one. */
    double[] cumulative(FootprintRun run) {
        return new double[] {prior[0] + run.secondsSoFar(), prior[1] + run.joulesSoFar(), prior[2] + run.gramsCo2eSoFar()};
    }

    /** run.json's {@code footprint_so_far}: the whole run's energy, CO2e and seconds so far, with their method. */
    Map<String, Object> soFar(FootprintRun run) {
        double[] c = cumulative(run);
        Map<String, Object> fp = new LinkedHashMap<>();
        fp.put("energy_joules", c[1]);
        fp.put("co2e_grams", c[2]);
        fp.put("seconds", c[0]);
        fp.put("energy_method", run.methodSoFar());
        return fp;
    }

    /** The checkpoint's {@code greenml.footprint_so_far} entry, as JSON: {@link #soFar} and this session's number. */
    String soFarJson(FootprintRun run) {
        Map<String, Object> fp = soFar(run);
        fp.put("sessions", session);
        return Output.toJson(fp);
    }
}
