package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.bootstrap.Bridge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQL outside Hibernate that writes an entity's table (JdbcTemplate on it) publishes nothing when
 * no table: collection names that table: the log says so, once per table, and says nothing of
 * Hibernate's own SQL, of queries, or of tables a table: collection takes.
 */
class EntityTableSqlTest {

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();
    private final Statement plain = CaptureFixture.autoCommitted(Statement.class);
    private final Connection connection = CaptureFixture.fake(Connection.class, null, new boolean[] {true});
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger("dev.rowcast");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        log.addHandler(handler);
        fixture.hibernateTables.add("task");
        fixture.hibernateTables.add("project");
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(handler);
    }

    @Test
    void sqlWritingAnEntitysTableOutsideHibernateIsSaidOncePerTable() {
        prepare("update task set title = ? where id = ?");
        prepare("update task set status = ? where id = ?");
        fixture.capture.executed(plain, "DELETE FROM project WHERE id = 4", false, 1, null, Bridge.executeEnter());

        assertThat(warnings).filteredOn(w -> w.contains("flush did not run")).hasSize(2);
        assertThat(warnings).filteredOn(w -> w.contains("writes task,")).singleElement().asString()
                .contains("(update task set title = ? where id = ?)", "add `table: task` to that collection");
        assertThat(warnings).anyMatch(w -> w.contains("writes project,"));
    }

    @Test
    void hibernatesOwnSqlQueriesAndTablesOfTableCollectionsAreNotSaid() {
        Object calls = Bridge.hibernateEnter();
        try {
            prepare("insert into task (title, id) values (?, ?)");
        } finally {
            Bridge.hibernateExit(calls);
        }
        Object bulk = Bridge.bulkEnter();
        try {
            prepare("update task set title = 'x' where project_id = ?");
        } finally {
            Bridge.bulkExit(bulk, null, 0, false);
        }
        prepare("select * from task where id = ?");
        prepare("update messages set content = ? where id = ?");

        assertThat(warnings).noneMatch(w -> w.contains("flush did not run"));
    }

    private void prepare(String sql) {
        fixture.capture.statementPrepared(connection, CaptureFixture.fake(PreparedStatement.class, connection, new boolean[] {true}), sql);
    }
}
