package app;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * JDBC through PostgreSQL's or H2's XA driver (by the URL given), as a JTA transaction manager drives it: one branch committed
 * in one phase, one in two, one prepared and rolled back, one rolled back before prepare. Prints
 * the rows the table holds: "held: a | b | ...".
 */
public final class XaApp {

    private static final String INSERT = "INSERT INTO messages (id, chat, author, content) VALUES (?, 1, 'xa', ?)";

    record Branch(int formatId, byte[] globalTransactionId, byte[] branchQualifier) implements Xid {
        Branch(String id) {
            this(1, id.getBytes(StandardCharsets.UTF_8), new byte[] {1});
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return globalTransactionId;
        }

        @Override
        public byte[] getBranchQualifier() {
            return branchQualifier;
        }
    }

    public static void main(String[] args) throws SQLException, XAException {
        XAConnection xa;
        if (args[0].startsWith("jdbc:h2:")) {
            JdbcDataSource source = new JdbcDataSource();
            source.setURL(args[0]);
            source.setUser(args[1]);
            xa = source.getXAConnection();
        } else {
            PGXADataSource source = new PGXADataSource();
            source.setUrl(args[0]);
            source.setUser(args[1]);
            xa = source.getXAConnection();
        }
        try (Connection c = xa.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, author VARCHAR(40), content VARCHAR(200))");
            }
            XAResource resource = xa.getXAResource();
            branch(resource, c, new Branch("one-phase"), 1, "committed in one phase").commit(true);
            branch(resource, c, new Branch("two-phase"), 2, "committed in two phases").prepareAndCommit();
            branch(resource, c, new Branch("prepared-rollback"), 3, "prepared, then rolled back").prepareAndRollback();
            branch(resource, c, new Branch("rollback"), 4, "rolled back before prepare").rollback();

            List<String> held = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT content FROM messages ORDER BY id")) {
                while (rows.next()) {
                    held.add(rows.getString(1));
                }
            }
            System.out.println("held: " + String.join(" | ", held));
        } finally {
            xa.close();
        }
    }

    /** Starts a branch, inserts one row in it and ends it; the caller says how it finishes. */
    private static Finish branch(XAResource resource, Connection c, Xid xid, int id, String content) throws SQLException, XAException {
        resource.start(xid, XAResource.TMNOFLAGS);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setInt(1, id);
            ps.setString(2, content);
            ps.executeUpdate();
        }
        resource.end(xid, XAResource.TMSUCCESS);
        return new Finish(resource, xid);
    }

    record Finish(XAResource resource, Xid xid) {
        void commit(boolean onePhase) throws XAException {
            resource.commit(xid, onePhase);
        }

        void prepareAndCommit() throws XAException {
            resource.prepare(xid);
            resource.commit(xid, false);
        }

        void prepareAndRollback() throws XAException {
            resource.prepare(xid);
            resource.rollback(xid);
        }

        void rollback() throws XAException {
            resource.rollback(xid);
        }
    }
}
