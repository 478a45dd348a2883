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
}
