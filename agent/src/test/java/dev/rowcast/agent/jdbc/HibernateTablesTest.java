package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HibernateTablesTest {

    @Test
    void anEntityTableMatchesTheNameTheSqlParserGivesWhateverItsSchemaQuotesAndCase() {
        HibernateTables tables = new HibernateTables();
        tables.add("shop.public.Orders");
        tables.add("\"Line_Tags\"");
        tables.add("app.`audit`");

        // as SqlParser names the tables of: insert into ORDERS ..., insert into "Line_Tags" ..., insert into `audit` ...
        assertThat(tables.reported("orders")).isTrue();
        assertThat(tables.reported("Line_Tags")).isTrue();
        assertThat(tables.reported("audit")).isTrue();
        assertThat(tables.reported("order_line")).isFalse();
        assertThat(tables.reported(null)).isFalse();
    }

    @Test
    void tablesThatCouldNotBeReadLeaveAllOfHibernatesSqlToHibernate() {
        HibernateTables tables = new HibernateTables();
        tables.unknown();

        assertThat(tables.reported("line_tags")).isTrue();
    }
}
