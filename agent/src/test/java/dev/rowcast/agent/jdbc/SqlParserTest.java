package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlParserTest {

    /** jOOQ quotes every name, in capitals on H2, which folds unquoted names so: "CHAT" is chat. */
    @Test
    void aNameQuotedInCapitalsIsTheUnquotedNameAndOneInMixedCaseKeepsItsCase() {
        SqlShape shape = SqlParser.parse("update \"PUBLIC\".\"MSGS\" set \"CONTENT\" = ?, \"userId\" = ? where \"PUBLIC\".\"MSGS\".\"ID\" = ?");
        assertThat(shape.table()).isEqualTo("public.msgs");
        assertThat(shape.rows().get(0)).containsOnlyKeys("content", "userId");
        assertThat(shape.key()).containsOnlyKeys("id");
    }

    /** The driver runs every statement of the string: the first alone would hide the rest, and a ROLLBACK among them. */
    @Test
    void sqlOfSeveralWritesIsNotReadButAWriteFollowedByQueriesOrCommentsIs() {
        for (String one : List.of("INSERT INTO messages (id) VALUES (?);", "INSERT INTO messages (id) VALUES (?) /* done */ ; ;",
                "INSERT INTO messages (id) VALUES (?); SELECT LAST_INSERT_ID()", "INSERT INTO messages (id) VALUES (?);\n\tSELECT currval('s');",
                "INSERT INTO messages (id) VALUES (?); # a MySQL comment")) {
            assertThat(SqlParser.parse(one).operation()).as(one).isEqualTo("create");
        }
        assertThat(catchThrowable(() -> SqlParser.parse("INSERT INTO messages (id) VALUES (1); INSERT INTO audit (id) VALUES (2)")))
                .isInstanceOfSatisfying(SqlParser.SeveralStatements.class, e -> assertThat(e.tables).containsExactly("messages", "audit"))
                .hasMessageContaining("several statements");
        for (String unknown : List.of("INSERT INTO messages (id) VALUES (6); ROLLBACK", "SET x = 1; DELETE FROM messages WHERE id = 2")) {
            assertThat(catchThrowable(() -> SqlParser.parse(unknown)))
                    .isInstanceOfSatisfying(SqlParser.SeveralStatements.class, e -> assertThat(e.tables).isNull());
        }
    }

    /** H2's SELECT ... FROM FINAL TABLE (INSERT ...), which jOOQ issues for returning() and store(): the insert's shape. */
    @Test
    void aDataChangeDeltaTableIsTheWriteInside() {
        SqlShape shape = SqlParser.parse("select \"ID\" from final table (insert into \"PUBLIC\".\"ORDERS\" (\"USER_ID\", \"STATUS\")"
                + " values (?, ?)) \"ORDERS\"");
        assertThat(shape.operation()).isEqualTo("create");
        assertThat(shape.table()).isEqualTo("public.orders");
        assertThat(shape.rows().get(0)).containsEntry("user_id", new SqlShape.Param(1)).containsEntry("status", new SqlShape.Param(2));
        SqlShape update = SqlParser.parse("SELECT * FROM FINAL TABLE (UPDATE orders SET status = ? WHERE id = ?)");
        assertThat(update.operation()).isEqualTo("update");
        assertThat(update.key()).containsEntry("id", new SqlShape.Param(2));
    }

    @Test
    void insertMapsEachColumnToItsParameterOrLiteral() {
        SqlShape shape = SqlParser.parse("INSERT INTO \"Messages\" (id, Chat, content) VALUES (?, 7, 'it''s')");
        assertThat(shape.operation()).isEqualTo("create");
        assertThat(shape.table()).isEqualTo("Messages");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", new SqlShape.Param(1));
        row.put("chat", 7L);
        row.put("content", "it's");
        assertThat(shape.rows()).containsExactly(row);
    }

    /**
     * Text cast to JSON or a timestamp (jOOQ binds an OffsetDateTime on PostgreSQL as text with such a
     * cast): the parameter carries the cast, a literal is read at once; other casts keep the value.
     */
    @Test
    void aParameterCastToJsonOrATimestampIsReadAsOne() {
        SqlShape shape = SqlParser.parse("insert into t (a, b, c, d, e) values (?::jsonb, cast(? as timestamp(6) with time zone),"
                + " ?::uuid, cast('2025-01-02 03:04:05+00:00' as timestamp with time zone), CAST(? AS timestamp))");
        assertThat(shape.rows().get(0))
                .containsEntry("a", new SqlShape.Param(1, TextCast.JSON))
                .containsEntry("b", new SqlShape.Param(2, TextCast.TIMESTAMP_WITH_ZONE))
                .containsEntry("c", new SqlShape.Param(3))
                .containsEntry("d", java.time.OffsetDateTime.parse("2025-01-02T03:04:05Z"))
                .containsEntry("e", new SqlShape.Param(4, TextCast.TIMESTAMP));
    }

    /** WHERE id IN (...) and id = ANY(?): the id is the list; NOT IN and a subquery are no key. */
    @Test
    void aWhereOnAListOfIdsKeysTheList() {
        assertThat(SqlParser.parse("delete from orders where (id in (?, ?, 3))").key())
                .containsEntry("id", new SqlShape.AnyOf(List.of(new SqlShape.Param(1), new SqlShape.Param(2), 3L)));
        assertThat(SqlParser.parse("UPDATE orders SET status = ? WHERE id = ANY (?::bigint[]) AND user_id = ?").key())
                .containsEntry("id", new SqlShape.AnyOf(List.of(new SqlShape.Param(2))))
                .containsEntry("user_id", new SqlShape.Param(3));
        assertThat(SqlParser.parse("delete from orders where id not in (?)").key()).isEmpty();
        // rows are known by their id alone: a list of another column's values is no key
        assertThat(SqlParser.parse("delete from orders where user_id in (?, ?)").key()).isEmpty();
        assertThat(SqlParser.parse("delete from orders where user_id = any(?)").key().values()).noneMatch(v -> v instanceof SqlShape.AnyOf);
        assertThat(SqlParser.parse("delete from orders where id in (select order_id from gone)").key()).isEmpty();
    }

    @Test
    void multiRowInsertGivesOneRowPerValuesTuple() {
        SqlShape shape = SqlParser.parse("insert into t (a, b) values (?, ?), (?, ?)");
        assertThat(shape.rows()).hasSize(2);
        assertThat(shape.rows().get(1)).containsEntry("a", new SqlShape.Param(3)).containsEntry("b", new SqlShape.Param(4));
    }

    /** A value in parentheses is not a row of its own (this threw ClassCastException and lost the commit's rows). */
    @Test
    void oneRowWhoseValuesAreInParenthesesIsOneRow() {
        SqlShape shape = SqlParser.parse("INSERT INTO t (a, b) VALUES ((?), ?)");
        assertThat(shape.rows()).hasSize(1);
        assertThat(shape.rows().get(0)).containsEntry("b", new SqlShape.Param(2));

        assertThat(SqlParser.parse("INSERT INTO t (a, b) VALUES ((?), (?))").rows()).hasSize(1);
        assertThat(SqlParser.parse("INSERT INTO t (a) VALUES ((?)), ((?))").rows()).hasSize(2);
    }

    @Test
    void aParenthesizedWhereAndACastParameterStillGiveTheKey() {
        SqlShape shape = SqlParser.parse("UPDATE messages SET content = ? WHERE (id = ? AND chat = ?::uuid)");
        assertThat(shape.key()).containsExactly(Map.entry("id", new SqlShape.Param(2)), Map.entry("chat", new SqlShape.Param(3)));
        assertThat(SqlParser.parse("DELETE FROM messages WHERE id = CAST(? AS bigint)").key())
                .containsExactly(Map.entry("id", new SqlShape.Param(1)));
    }

    @Test
    void anUpsertKnowsWhatItSetsInTheRowItMeets() {
        SqlShape mysql = SqlParser.parse("INSERT INTO t (id, c, n) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE c = VALUES(c), n = n + 1");
        assertThat(mysql.operation()).isEqualTo(SqlShape.UPSERT);
        assertThat(mysql.updates()).containsExactly(Map.entry("c", new SqlShape.Param(2)), Map.entry("n", SqlShape.UNKNOWN));
        SqlShape postgres = SqlParser.parse("INSERT INTO t (id, c) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET c = EXCLUDED.c");
        assertThat(postgres.operation()).isEqualTo(SqlShape.UPSERT);
        assertThat(postgres.updates()).containsExactly(Map.entry("c", new SqlShape.Param(2)));
        assertThat(SqlParser.parse("INSERT INTO t (id) VALUES (?) ON CONFLICT DO NOTHING").operation()).isEqualTo("create");
        assertThat(SqlParser.parse("MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.c = s.c").operation())
                .isEqualTo(SqlShape.UNREAD);
    }

    @Test
    void sqlThatCannotBeReadIsRefusedEachTimeWithTheSameError() {
        SqlParser parser = new SqlParser();
        String sql = "INSERT INTO t (a) VALUES (?) THIS IS NOT SQL";
        Throwable first = catchThrowable(() -> parser.shape(sql));
        assertThat(first).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot parse SQL");
        // remembered: not parsed again at each commit
        assertThatThrownBy(() -> parser.shape(sql)).isSameAs(first);
    }

    @Test
    void updateGivesTheSetColumnsAndTheKeyWithParametersInTextOrder() {
        SqlShape shape = SqlParser.parse("UPDATE messages SET content = ?, edits = edits + 1 WHERE id = ? AND chat = 3");
        assertThat(shape.operation()).isEqualTo("update");
        assertThat(shape.rows().get(0)).containsEntry("content", new SqlShape.Param(1)).containsEntry("edits", SqlShape.UNKNOWN);
        assertThat(shape.key()).containsExactly(Map.entry("id", new SqlShape.Param(2)), Map.entry("chat", 3L));
    }

    @Test
    void deleteGivesTheKey() {
        SqlShape shape = SqlParser.parse("DELETE FROM public.messages WHERE ? = id");
        assertThat(shape.operation()).isEqualTo("delete");
        assertThat(shape.table()).isEqualTo("public.messages");
        assertThat(shape.key()).containsExactly(Map.entry("id", new SqlShape.Param(1)));
    }

    @Test
    void selectIsNotAWrite() {
        assertThat(SqlParser.parse("SELECT * FROM messages WHERE id = ?").operation()).isNull();
    }

    @Test
    void unparsableSqlIsAClearError() {
        assertThatThrownBy(() -> SqlParser.parse("INSERT INTO (((")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot parse SQL: INSERT INTO (((");
    }

    @Test
    void distinctSqlIsParsedOnceAndCached() {
        SqlParser parser = new SqlParser();
        SqlShape first = parser.shape("delete from t where id = ?");
        assertThat(parser.shape("delete from t where id = ?")).isSameAs(first);
        assertThat(List.of(first.key().keySet().toArray())).containsExactly("id");
    }
}
