package dev.greenml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.greenml.data.Dataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDataTest {

    @TempDir Path dir;

    private Path csv(String text) throws Exception {
        return Files.writeString(dir.resolve("d.csv"), text);
    }

    @Test
    void readsHeaderAndRowsSkippingBlankLines() throws Exception {
        CsvData.Table t = CsvData.read(csv("a, b ,y\r\n1,2,3\n\n4.5,-5e-1, 6\n"));
        assertThat(t.columns()).containsExactly("a", "b", "y");
        assertThat(t.rows()).isEqualTo(2);
        assertThat(t.values()).containsExactly(1, 2, 3, 4.5f, -0.5f, 6);
    }

    @Test
    void byteOrderMarkIsNotPartOfTheFirstColumnName() throws Exception {
        Path f = dir.resolve("bom.csv");
        Files.write(f, "\uFEFFa,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
        CsvData.Table t = CsvData.read(f);
        assertThat(t.columns()).containsExactly("a", "y");
        assertThat(CsvData.toDataset(t, "a", false, f.toString()).features()).isEqualTo(1);
    }

    @Test
    void wrongCellCountNamesTheLineCountingBlankLines() throws Exception {
        Path f = csv("a,b,y\n1,2,3\n\n4,5\n");
        assertThatThrownBy(() -> CsvData.read(f)).isInstanceOf(CsvData.DataException.class)
                .hasMessage(f + ":4: 2 values but the header has 3 columns [a, b, y]; every row needs one value per column");
    }

    @Test
    void nonNumericCellNamesLineAndColumn() throws Exception {
        Path f = csv("a,b,y\n1,2,3\n4,red,6\n");
        assertThatThrownBy(() -> CsvData.read(f)).isInstanceOf(CsvData.DataException.class)
                .hasMessageStartingWith(f + ":3: column 'b' holds 'red', which is not a number");
    }

    @Test
    void javaOnlyNumberFormsAreNotNumbers() throws Exception {
        for (String cell : new String[] {"1f", "2d", "0x1p3"}) {
            Path f = csv("a,y\n" + cell + ",1\n");
            assertThatThrownBy(() -> CsvData.read(f)).as(cell).hasMessageContaining("'" + cell + "', which is not a number");
        }
    }

    @Test
    void nanAndInfinityInAnySpellingAreRefusedAsSuch() throws Exception {
        for (String cell : new String[] {"NaN", "nan", "inf", "-inf", "+Inf", "Infinity", "-Infinity"}) {
            Path f = csv("a,y\n1,2\n" + cell + ",1\n");
            assertThatThrownBy(() -> CsvData.read(f)).as(cell).isInstanceOf(CsvData.DataException.class)
                    .hasMessageStartingWith(f + ":3: column 'a' holds " + cell)
                    .hasMessageContaining("NaN and infinite values cannot be trained on");
        }
    }

    @Test
    void emptyCellIsReportedAsMissing() throws Exception {
        Path f = csv("a,b,y\n1,,3\n");
        assertThatThrownBy(() -> CsvData.read(f)).hasMessageStartingWith(f + ":2: column 'b' is empty");
    }

    @Test
    void emptyFileAndHeaderOnly() throws Exception {
        Path empty = csv("");
        assertThatThrownBy(() -> CsvData.read(empty)).hasMessageContaining("the file is empty");
        Path header = csv("a,y\n");
        assertThatThrownBy(() -> CsvData.read(header)).hasMessageContaining("no data rows after the header");
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("absent.csv");
        assertThatThrownBy(() -> CsvData.read(f)).isInstanceOf(CsvData.DataException.class)
                .hasMessageStartingWith(f + ": file not found");
    }

    @Test
    void duplicateColumnNamesAreRefused() throws Exception {
        Path f = csv("a,b,a\n1,2,3\n");
        assertThatThrownBy(() -> CsvData.read(f)).isInstanceOf(CsvData.DataException.class)
                .hasMessageStartingWith(f + ":1: column 'a' appears twice");
    }

    @Test
    void unknownTargetListsTheColumns() throws Exception {
        CsvData.Table t = CsvData.read(csv("a,b\n1,2\n"));
        assertThatThrownBy(() -> CsvData.toDataset(t, "y", false, "d.csv"))
                .hasMessage("d.csv: no column named 'y'; the columns are [a, b]");
    }

    @Test
    void targetIsTakenOutOfTheFeatures() throws Exception {
        CsvData.Table t = CsvData.read(csv("a,y,b\n1,2,3\n4,5,6\n"));
        Dataset regression = CsvData.toDataset(t, "y", false, "d.csv");
        assertThat(regression.features()).isEqualTo(2);
        assertThat(regression.x()).containsExactly(1, 3, 4, 6);
        assertThat(regression.targets()).containsExactly(2, 5);
        Dataset classes = CsvData.toDataset(t, "a", true, "d.csv");
        assertThat(classes.labels()).containsExactly(1, 4);
    }

    @Test
    void classLabelsMustBeWholeNonNegativeNumbers() throws Exception {
        CsvData.Table t = CsvData.read(csv("a,y\n1,0\n2,1.5\n"));
        assertThatThrownBy(() -> CsvData.toDataset(t, "y", true, "d.csv"))
                .hasMessageContaining("row 2").hasMessageContaining("1.5").hasMessageContaining("class indices");
        CsvData.Table negative = CsvData.read(csv("a,y\n1,-1\n"));
        assertThatThrownBy(() -> CsvData.toDataset(negative, "y", true, "d.csv")).hasMessageContaining("-1.0");
    }

    @Test
    void featuresWidthMismatchSaysWhatIsExpected() throws Exception {
        CsvData.Table t = CsvData.read(csv("a,b,y\n1,2,3\n"));
        assertThatThrownBy(() -> CsvData.features(t, 2, "d.csv"))
                .hasMessageStartingWith("d.csv: 3 columns but the model expects 2 input features");
    }
}
