package dev.greenml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputTest {

    @Test
    void printableEscapesControlCharactersButNewlinesAndTabs() {
        assertThat(Output.printable("a\u0000b\u0001c\bd\u0011e\u001b[2Jf\u007f\u0085")).isEqualTo(
                "a\\x00b\\x01c\\x08d\\x11e\\x1b[2Jf\\x7f\\x85");
        assertThat(Output.printable("line one\n\tline two, café")).isEqualTo("line one\n\tline two, café");
    }

    @Test
    void windowsLineEndsPrintAsLineEndsButALoneCarriageReturnIsShown() {
        assertThat(Output.printable("one\r\ntwo\rthree\r")).isEqualTo("one\r\ntwo\\x0dthree\\x0d");
    }

    @Test
    void aLineEndSplitBetweenTwoTokensIsNotEscaped() {
        var text = new java.io.StringWriter();
        var stream = new GenerateCommand.Utf8Stream(new java.io.PrintWriter(text));
        stream.write("one\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        stream.write("\ntwo\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        stream.finish();
        assertThat(text.toString()).isEqualTo("one\r\ntwo\\x0d");
    }
}
