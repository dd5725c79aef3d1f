package app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** Writes an audit row through JDBC inside the app's own insert, on the app's thread. */
public final class AuditTrigger implements Trigger {

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO audit (id) VALUES (?)")) {
            ps.setInt(1, 100 + (Integer) newRow[0]);
            ps.executeUpdate();
        }
    }
}
