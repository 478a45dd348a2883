package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** train --model gpt → generate, end to end on a tiny model, and the errors a user can cause. */
class GptCommandsTest {

    @TempDir Path dir;

    record Outcome(int code, String out, String err) {}

    /** Runs the CLI in-process; Output writes to System.out/err, so those are captured too. */
    static Outcome greenml(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        StringWriter cliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(cliErr, true));
            int code = cl.execute(args);
            return new Outcome(code, out.toString(), err + cliErr.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test void trainsAGptThenGeneratesWithItsFootprintPerThousandTokens() throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth. And the earth was without form.\n".repeat(40));
        Path model = dir.resolve("m.safetensors");
        Outcome train = greenml("train", "--model", "gpt", "--data", text.toString(), "--layers", "1", "--heads", "2",
                "--width", "16", "--context", "16", "--batch-size", "4", "--steps", "6", "--eval-every", "3",
                "--eval-windows", "2", "--tokenizer", "bpe", "--vocab", "280", "--threads", "1", "--sample-tokens", "5",
                "--out", model.toString(), "--run-dir", dir.resolve("run").toString(), "--json");
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(train.out());
        assertThat(r.get("validation_loss").asDouble()).isPositive();
        assertThat(r.get("unigram_loss").asDouble()).isPositive();
        assertThat(r.get("history")).hasSize(2);
        assertThat(r.get("architecture").get("architecture").asText()).isEqualTo("gpt");
        assertThat(dir.resolve("m.tokenizer.json")).exists();
        // not kjv: the sample starts from the text's own words (the validation split begins at a line here)
        assertThat(r.get("sample_prompt").asText()).isEqualTo("In the beginning");
        assertThat(r.get("sample").asText()).startsWith("In the beginning");

        Outcome gen = greenml("generate", "--model", model.toString(), "--prompt", "In the", "--tokens", "12",
                "--temperature", "0", "--threads", "1", "--json",
                "--footprint-out", dir.resolve("generate.footprint.json").toString());
        assertThat(gen.code()).as(gen.err()).isZero();
        JsonNode g = new ObjectMapper().readTree(gen.out());
        assertThat(g.get("tokens").asInt()).isEqualTo(12);
        assertThat(g.get("tokens_per_second").asDouble()).isPositive();
        assertThat(g.get("joules_per_1000_tokens").asDouble()).isPositive();
        assertThat(g.get("text").asText()).isNotEmpty();

        Outcome longPrompt = greenml("generate", "--model", model.toString(), "--prompt",
                "In the beginning God created the heaven and the earth. ".repeat(4), "--tokens", "3", "--threads", "1",
                "--footprint-out", dir.resolve("long.footprint.json").toString());
        assertThat(longPrompt.code()).as(longPrompt.err()).isZero();
        assertThat(longPrompt.err()).containsOnlyOnce("exceed the model's context of 16; only its last 16 tokens are read");

        Path badTok = dir.resolve("bad.json");
        Files.writeString(badTok, "{\"type\":\"bpe\",\"merges\":[[1,2,3]]}");
        Outcome bad = greenml("generate", "--model", model.toString(), "--tokenizer", badTok.toString(), "--threads", "1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("bad.json").contains("merges[0]");
    }

    @Test void theSamplePromptIsAndGodSaidForKjvElseTheFirstWordsOfTheValidationText() {
        assertThat(GptTraining.samplePrompt("KJV", "whatever text", 5)).isEqualTo("And God said");
        String text = "Call me Ishmael. Some years ago, never mind how long precisely";
        int cut = text.indexOf("years") + 2;   // the 90/10 cut inside "years": that word's tail is skipped
        assertThat(GptTraining.samplePrompt("moby.txt", text, cut)).isEqualTo("ago, never mind");
        assertThat(GptTraining.samplePrompt("moby.txt", text, text.indexOf("Some"))).isEqualTo("Some years ago,");
        assertThat(GptTraining.samplePrompt("moby.txt", "Call me\nIshmael   \n ", 17)).isEqualTo("Call me");   // nothing after the cut
    }

    @Test void badGptOptionsFailWithOneLine() throws Exception {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "abc ".repeat(100));
        Outcome layers = greenml("train", "--model", "gpt", "--data", text.toString(), "--layers", "4,16,3");
        assertThat(layers.code()).isEqualTo(2);
        assertThat(layers.err()).contains("--layers for --model gpt");
        Outcome heads = greenml("train", "--model", "gpt", "--data", text.toString(), "--width", "10", "--heads", "3",
                "--tokenizer", "byte", "--threads", "1");
        assertThat(heads.code()).isEqualTo(2);
        assertThat(heads.err()).contains("divisible");
        Outcome missing = greenml("train", "--model", "gpt", "--data", dir.resolve("nope.txt").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }
}
