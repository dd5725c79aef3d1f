package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.agent.jdbc.TransactionSql.Kind;
import org.junit.jupiter.api.Test;

class TransactionSqlTest {

    @Test
    void theTransactionStatementsOfPostgresqlMysqlAndH2AreRead() {
        assertThat(TransactionSql.of("BEGIN")).isEqualTo(new TransactionSql(Kind.BEGIN, null));
        assertThat(TransactionSql.of("begin work;")).isEqualTo(new TransactionSql(Kind.BEGIN, null));
        assertThat(TransactionSql.of("START TRANSACTION READ WRITE")).isEqualTo(new TransactionSql(Kind.BEGIN, null));
        assertThat(TransactionSql.of("/* svc */ COMMIT")).isEqualTo(new TransactionSql(Kind.COMMIT, null));
        assertThat(TransactionSql.of("end transaction")).isEqualTo(new TransactionSql(Kind.COMMIT, null));
        assertThat(TransactionSql.of("ROLLBACK WORK")).isEqualTo(new TransactionSql(Kind.ROLLBACK, null));
        assertThat(TransactionSql.of("abort")).isEqualTo(new TransactionSql(Kind.ROLLBACK, null));
        assertThat(TransactionSql.of("SAVEPOINT S1")).isEqualTo(new TransactionSql(Kind.SAVEPOINT, "s1"));
        assertThat(TransactionSql.of("savepoint \"S1\"")).isEqualTo(new TransactionSql(Kind.SAVEPOINT, "\"S1\""));
        assertThat(TransactionSql.of("BEGIN IMMEDIATE")).isEqualTo(new TransactionSql(Kind.BEGIN, null));
        assertThat(TransactionSql.of("begin tran")).isEqualTo(new TransactionSql(Kind.BEGIN, null));
        assertThat(TransactionSql.of("PREPARE TRANSACTION 'Tx1'")).isEqualTo(new TransactionSql(Kind.PREPARE, "'Tx1'"));
        assertThat(TransactionSql.of("COMMIT PREPARED 'Tx1'")).isEqualTo(new TransactionSql(Kind.COMMIT_PREPARED, "'Tx1'"));
        assertThat(TransactionSql.of("rollback prepared 'Tx1';")).isEqualTo(new TransactionSql(Kind.ROLLBACK_PREPARED, "'Tx1'"));
        assertThat(TransactionSql.of("ROLLBACK TO SAVEPOINT s1")).isEqualTo(new TransactionSql(Kind.ROLLBACK_TO, "s1"));
        assertThat(TransactionSql.of("rollback work to s1;")).isEqualTo(new TransactionSql(Kind.ROLLBACK_TO, "s1"));
        assertThat(TransactionSql.of("RELEASE SAVEPOINT s1")).isEqualTo(new TransactionSql(Kind.RELEASE, "s1"));
        assertThat(TransactionSql.of("release s1")).isEqualTo(new TransactionSql(Kind.RELEASE, "s1"));
    }

    @Test
    void aSavepointsNameIsFoldedAsTheDatabaseFoldsUnquotedNames() {
        assertThat(TransactionSql.of("SAVEPOINT Sp").savepointName(false)).isEqualTo("sp");
        assertThat(TransactionSql.of("SAVEPOINT Sp").savepointName(true)).isEqualTo("SP");
        assertThat(TransactionSql.of("SAVEPOINT \"Sp\"").savepointName(true)).isEqualTo("Sp");
        assertThat(TransactionSql.of("RELEASE `Sp`").savepointName(false)).isEqualTo("Sp");
    }

    @Test
    void commentsAnywhereAndChainsAreRead() {
        assertThat(TransactionSql.of("ROLLBACK -- undo")).isEqualTo(new TransactionSql(Kind.ROLLBACK, null));
        assertThat(TransactionSql.of("COMMIT/*traceparent='00-4bf9'*/")).isEqualTo(new TransactionSql(Kind.COMMIT, null));
        assertThat(TransactionSql.of("rollback /* a */ to /* b */ savepoint s1 -- c")).isEqualTo(new TransactionSql(Kind.ROLLBACK_TO, "s1"));
        assertThat(TransactionSql.of("COMMIT AND CHAIN")).isEqualTo(new TransactionSql(Kind.COMMIT, null, true));
        assertThat(TransactionSql.of("rollback work and chain")).isEqualTo(new TransactionSql(Kind.ROLLBACK, null, true));
        assertThat(TransactionSql.of("COMMIT AND NO CHAIN")).isEqualTo(new TransactionSql(Kind.COMMIT, null, false));
    }

    @Test
    void h2sTwoPhaseCommitIsRead() {
        // what H2's XA resource runs; COMMIT and ROLLBACK TRANSACTION name are H2's only on an H2 connection (see JdbcCapture)
        assertThat(TransactionSql.of("PREPARE COMMIT \"1_6f6e65_01\"")).isEqualTo(new TransactionSql(Kind.PREPARE, "\"1_6f6e65_01\""));
        assertThat(TransactionSql.of("COMMIT TRANSACTION \"1_6f6e65_01\"")).isEqualTo(new TransactionSql(Kind.COMMIT_NAMED, "\"1_6f6e65_01\""));
        assertThat(TransactionSql.of("ROLLBACK TRANSACTION before_batch")).isEqualTo(new TransactionSql(Kind.ROLLBACK_NAMED, "before_batch"));
        assertThat(TransactionSql.of("ROLLBACK TRANSACTION TO s1")).isEqualTo(new TransactionSql(Kind.ROLLBACK_TO, "s1"));
        assertThat(TransactionSql.of("COMMIT TRANSACTION")).isEqualTo(new TransactionSql(Kind.COMMIT, null));
    }

    @Test
    void autocommitSwitchedInSqlIsRead() {
        TransactionSql on = new TransactionSql(Kind.AUTOCOMMIT_ON, null);
        TransactionSql off = new TransactionSql(Kind.AUTOCOMMIT_OFF, null);
        assertThat(TransactionSql.of("SET AUTOCOMMIT FALSE")).isEqualTo(off);
        assertThat(TransactionSql.of("set autocommit on;")).isEqualTo(on);
        assertThat(TransactionSql.of("SET autocommit=0")).isEqualTo(off);
        assertThat(TransactionSql.of("SET autocommit = 1 /* app */")).isEqualTo(on);
        assertThat(TransactionSql.of("SET SESSION autocommit = OFF")).isEqualTo(off);
        assertThat(TransactionSql.of("SET @@session.autocommit='ON'")).isEqualTo(on);
        assertThat(TransactionSql.of("set @@autocommit := 1")).isNull();
    }

    @Test
    void otherStatementsAreNone() {
        // a PL/SQL block, a prepared transaction ended with END: not read, so nothing is dropped for them
        assertThat(TransactionSql.of("BEGIN archive_old_rows(); END;")).isNull();
        assertThat(TransactionSql.of("END PREPARED 'tx1'")).isNull();
        assertThat(TransactionSql.of("SET autocommit=0, sql_mode='ANSI'")).isNull();
        assertThat(TransactionSql.of("SET autocommit_timeout = 5")).isNull();
        assertThat(TransactionSql.of("SET search_path TO app")).isNull();
        assertThat(TransactionSql.of("CREATE TABLE savepoint_log (id INT)")).isNull();
        assertThat(TransactionSql.of("SELECT * FROM messages")).isNull();
        assertThat(TransactionSql.of("beginning_balance")).isNull();
        assertThat(TransactionSql.of("")).isNull();
        assertThat(TransactionSql.of(null)).isNull();
    }
}
