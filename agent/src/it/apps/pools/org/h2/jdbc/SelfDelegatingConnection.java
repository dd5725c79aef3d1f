package org.h2.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/** H2's connection, whose prepared statements behave as MySQL Connector/J's: executeUpdate() calls executeLargeUpdate(). */
public final class SelfDelegatingConnection extends JdbcConnection {

    public SelfDelegatingConnection(String url, Properties info) throws SQLException {
        super(url, info, info.getProperty("user"), "", false);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return new Statement(this, sql);
    }

    private static final class Statement extends JdbcPreparedStatement {

        Statement(JdbcConnection connection, String sql) {
            super(connection, sql, 0, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, null);
        }

        @Override
        public int executeUpdate() throws SQLException {
            return (int) executeLargeUpdate();
        }
    }
}
