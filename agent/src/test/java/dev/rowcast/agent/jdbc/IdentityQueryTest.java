package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which queries read the key the connection's last insert generated. */
class IdentityQueryTest {

    @ParameterizedTest
    @ValueSource(strings = {"SELECT lastval()", "select LASTVAL ( )", "SELECT currval('orders_id_seq')",
            "SELECT currval(pg_get_serial_sequence('orders', 'id'))", "SELECT LAST_INSERT_ID()", "CALL IDENTITY()",
            "SELECT IDENTITY()", "SELECT @@IDENTITY", "SELECT SCOPE_IDENTITY() AS id", "VALUES IDENTITY_VAL_LOCAL()",
            "SELECT IDENTITY_VAL_LOCAL() FROM SYSIBM.SYSDUMMY1", "SELECT LAST_INSERT_ID() FROM DUAL;",
            "/* selectKey */ SELECT currval('orders_id_seq')", "  select lastval() as \"id\"\n"})
    void readsTheLastGeneratedKey(String sql) {
        assertThat(IdentityQuery.is(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT id FROM orders", "SELECT lastval() + 1", "SELECT nextval('orders_id_seq')",
            "SELECT count(*) FROM orders WHERE id = LAST_INSERT_ID()", "INSERT INTO orders (id) VALUES (lastval())",
            "SELECT lastval(), currval('x')", "CALL refresh_identity()", ""})
    void otherQueriesDoNot(String sql) {
        assertThat(IdentityQuery.is(sql)).isFalse();
    }
}
