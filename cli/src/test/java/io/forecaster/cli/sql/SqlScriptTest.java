package io.forecaster.cli.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link SqlScript}. */
class SqlScriptTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesAndDropsComments() {
        List<String> s =
                SqlScript.statements(
                        "-- a comment; not a statement\n"
                                + "CREATE TABLE t (`a;b` STRING) WITH ('k' = 'v;w');\n"
                                + "SELECT 'x -- y' FROM t; -- trailing\n",
                        Map.of());
        assertThat(s)
                .containsExactly(
                        "CREATE TABLE t (`a;b` STRING) WITH ('k' = 'v;w')",
                        "SELECT 'x -- y' FROM t");
    }

    @Test
    void replacesVariablesAndNamesAnUnknownOne() {
        assertThat(
                        SqlScript.statements(
                                "SELECT '${bootstrap}'", Map.of("bootstrap", "127.0.0.1:9092")))
                .containsExactly("SELECT '127.0.0.1:9092'");
        assertThatThrownBy(() -> SqlScript.statements("SELECT '${nope}'", Map.of("pwd", "/")))
                .hasMessageContaining("${nope}");
    }

    @Test
    void theDocumentedExampleSplitsIntoItsStatements() throws Exception {
        String text = Files.readString(Path.of("../docs/sql/wind-forecast.sql"));
        List<String> s = SqlScript.statements(text, Map.of("bootstrap", "b:1", "pwd", "/p"));
        assertThat(s).hasSize(7);
        assertThat(s.get(5)).startsWith("INSERT INTO forecasts").contains("FORECAST(");
    }
}
