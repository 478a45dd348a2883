package dev.greenml.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    @TempDir Path dir;

    private static final String TEXT = "In the beginning God created the heaven and the earth. "
            + "And the earth was without form, and void; and darkness was upon the face of the deep. ÆØ naïve 123 🙂\n";

    @Test void bytesRoundTrip() {
        Tokenizer t = new ByteTokenizer();
        int[] ids = t.encode(TEXT);
        assertThat(ids.length).isEqualTo(TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(t.decode(ids)).isEqualTo(TEXT);
    }

    @Test void bpeLearnsMergesCompressesAndRoundTripsThroughJson() throws Exception {
        BpeTokenizer t = BpeTokenizer.train(TEXT.repeat(3), 300);
        assertThat(t.vocabSize()).isGreaterThan(256).isLessThanOrEqualTo(300);
        int[] ids = t.encode(TEXT);
        assertThat(ids.length).isLessThan(TEXT.length() * 2 / 3);
        assertThat(t.decode(ids)).isEqualTo(TEXT);
        assertThat(t.decode(t.encode("unseen words: zebra 42"))).isEqualTo("unseen words: zebra 42");
        Path f = dir.resolve("tok.json");
        Tokenizers.write(f, t);
        Tokenizer back = Tokenizers.read(f);
        assertThat(back.encode(TEXT)).containsExactly(ids);
        assertThat(Tokenizers.fromJson("{\"type\":\"byte\"}", "x").vocabSize()).isEqualTo(256);
    }

    @Test void malformedTokenizerFilesFailNamingTheProblem() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"type\":\"bpe\",\"merges\":[[1,2],[3]]}");
        assertThatThrownBy(() -> Tokenizers.read(f)).hasMessageContaining("bad.json").hasMessageContaining("merges[1]");
        assertThatThrownBy(() -> Tokenizers.fromJson("{\"type\":\"bpe\",\"merges\":[[1,400]]}", "t.json"))
                .hasMessageContaining("uses id 400");
        assertThatThrownBy(() -> Tokenizers.fromJson("{\"type\":\"wordpiece\"}", "t.json")).hasMessageContaining("unknown tokenizer type 'wordpiece'");
        assertThatThrownBy(() -> Tokenizers.fromJson("{not json", "t.json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Tokenizers.fromJson("{\"type\":\"bpe\"}", "t.json")).hasMessageContaining("\"merges\"");
        assertThatThrownBy(() -> Tokenizers.fromJson("{\"type\":\"bpe\",\"vocab\":300,\"merges\":[[1,2]]}", "t.json"))
                .hasMessageContaining("\"vocab\" says 300");
    }
}
