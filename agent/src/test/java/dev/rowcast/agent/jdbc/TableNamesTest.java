package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which writes a {@code table:} takes, by the names their SQL gives the table. */
class TableNamesTest {

    private static final List<String> WRITES = List.of(
            "INSERT INTO messages (chat, content) VALUES (1, 'bare')",
            "INSERT INTO public.messages (chat, content) VALUES (1, 'public')",
            "INSERT INTO \"public\".\"messages\" (chat, content) VALUES (1, 'quoted public')",
            "INSERT INTO PUBLIC.MESSAGES (chat, content) VALUES (1, 'upper public')",
            "INSERT INTO archive.messages (chat, content) VALUES (1, 'archive')",
            "INSERT INTO public.messages_old (chat, content) VALUES (1, 'other table')");

    @ParameterizedTest(name = "table: {0}")
    @CsvSource(delimiter = '|', value = {
        "messages        | bare, public, quoted public, upper public, archive",
        "public.messages | bare, public, quoted public, upper public",
        "PUBLIC.Messages | bare, public, quoted public, upper public",
        "archive.messages| bare, archive"})
    void aTableMatchesInAnySchemaAndASchemaQualifiedOneInItsSchemaOrNone(String table, String expected) throws Exception {
        try (CaptureFixture fixture = new CaptureFixture(table)) {
            Statement statement = CaptureFixture.autoCommitted(Statement.class);
            for (String sql : WRITES) {
                fixture.capture.executed(statement, sql, false, 1, null, Bridge.executeEnter());
            }
            fixture.capture.executed(statement, "INSERT INTO messages (chat, content) VALUES (1, 'last')", false, 1, null,
                    Bridge.executeEnter());

            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.stream().anyMatch(r -> "last".equals(r.data().get("content"))));
            List<Object> contents = fixture.routed.stream().map(CapturedRow::data).map(d -> d.get("content"))
                    .filter(c -> !"last".equals(c)).toList();
            assertThat(contents).containsExactly((Object[]) expected.split(", "));
        }
    }
}
