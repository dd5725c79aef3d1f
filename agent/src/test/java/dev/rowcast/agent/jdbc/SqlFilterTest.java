package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlFilterTest {

    @Test
    void onlyWritesNamingAConfiguredTableAsAWordAreRelevant() throws Exception {
        SqlFilter filter = new SqlFilter(ConfigLoader.load("rowcast.yml", "collections:\n  m: { table: messages }\n", Map.of()));
        assertThat(filter.relevant("INSERT INTO messages (id) VALUES (?)")).isTrue();
        assertThat(filter.relevant("  update MESSAGES set a = 1")).isTrue();
        assertThat(filter.relevant("delete from \"messages\" where id = 1")).isTrue();
        assertThat(filter.relevant("SELECT * FROM messages")).isFalse();
        assertThat(filter.relevant("INSERT INTO messages_archive (id) VALUES (1)")).isFalse();
        assertThat(filter.relevant("INSERT INTO audit (id) VALUES (1)")).isFalse();
    }

    /** jOOQ's insert().returning() and a record's store() on H2: the write inside is the statement. */
    @Test
    void aWriteInsideADataChangeDeltaTableIsRelevant() throws Exception {
        SqlFilter filter = new SqlFilter(ConfigLoader.load("rowcast.yml", "collections:\n  o: { table: orders }\n", Map.of()));
        assertThat(filter.relevant("select \"ID\" from final table (insert into \"PUBLIC\".\"ORDERS\" (\"USER_ID\", \"NOTE\") values (?, ?)) \"ORDERS\""))
                .isTrue();
        assertThat(filter.relevant("SELECT * FROM OLD TABLE (DELETE FROM orders WHERE id = ?)")).isTrue();
        assertThat(filter.relevant("SELECT * FROM final_table_view WHERE id IN (SELECT id FROM orders)")).isFalse();
        assertThat(filter.relevant("SELECT * FROM FINAL TABLE (INSERT INTO audit (id) VALUES (?))")).isFalse();
        // a parameter before the write would shift its numbering: not read
        assertThat(SqlFilter.deltaTableInner("SELECT ?, id FROM FINAL TABLE (INSERT INTO orders (id) VALUES (?))")).isNull();
        assertThat(SqlFilter.deltaTableInner("select id from new table (insert into orders (note) values ('a)(b')) t"))
                .isEqualTo("insert into orders (note) values ('a)(b')");
    }

    @Test
    void inHibernatesFlushOnlyTheTablesHibernateDoesNotReportCount() throws Exception {
        SqlFilter filter = new SqlFilter(ConfigLoader.load("rowcast.yml",
                "collections:\n  i: { entity: Item }\n  r: { table: item }\n  t: { table: item_tags }\n", Map.of()));
        HibernateTables reported = new HibernateTables();
        reported.add("public.ITEM");

        assertThat(filter.relevantToFlush("insert into item (name, id) values (?, ?)", reported)).isFalse();
        assertThat(filter.relevantToFlush("insert into item_tags (item_id, tags) values (?, ?)", reported)).isTrue();
        // the same SQL outside a flush: plain JDBC on the entity's table still counts
        assertThat(filter.relevant("insert into item (name, id) values (?, ?)")).isTrue();
        reported.unknown();
        assertThat(filter.relevantToFlush("delete from item_tags where item_id = ?", reported)).isFalse();
    }

    @Test
    void writesAfterCommentsAndCommonTableExpressionsAreRelevant() throws Exception {
        SqlFilter filter = new SqlFilter(ConfigLoader.load("rowcast.yml", "collections:\n  m: { table: messages }\n", Map.of()));
        assertThat(filter.relevant("/* app:svc,route:/chat */ INSERT INTO messages (id) VALUES (?)")).isTrue();
        assertThat(filter.relevant("-- insert a message\n  UPDATE messages SET a = 1")).isTrue();
        assertThat(filter.relevant("/* a */ /* b */ -- c\nDELETE FROM messages WHERE id = 1")).isTrue();
        assertThat(filter.relevant("WITH m AS (SELECT 1 AS id) INSERT INTO messages (id) SELECT id FROM m")).isTrue();
        assertThat(filter.relevant("WITH m AS (SELECT id FROM messages) SELECT * FROM m")).isFalse();
        assertThat(filter.relevant("WITH q AS (SELECT id FROM messages FOR UPDATE SKIP LOCKED) SELECT * FROM q")).isFalse();
        assertThat(filter.relevant("WITH q AS (SELECT 'insert' AS w) SELECT * FROM messages")).isFalse();
        assertThat(filter.relevant("with recursive a (x) as (select 1), b as not materialized (select 2) "
                + "/* then */ update messages set a = 1")).isTrue();
        assertThat(filter.relevant("/* INSERT INTO messages */ SELECT 1")).isFalse();
        assertThat(filter.relevant("/* never closed INSERT INTO messages")).isFalse();
    }

    @Test
    void theFirstWordIsFoundAfterWhiteSpaceParenthesesAndComments() {
        assertThat(SqlFilter.firstWord("insert")).isZero();
        assertThat(SqlFilter.firstWord(" ( insert")).isEqualTo(3);
        assertThat(SqlFilter.firstWord("/**/insert")).isEqualTo(4);
        assertThat(SqlFilter.firstWord("--x\ninsert")).isEqualTo(4);
        assertThat(SqlFilter.firstWord("-- only a comment")).isEqualTo(17);
    }
}
