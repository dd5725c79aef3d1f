package app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * A JDBC app that writes when told on stdin: "write" writes one message and one notice, "notify N"
 * one notification for user N (autocommit), "kept" and "late" one message each (autocommit) through
 * a statement of their own that is prepared at their first use and never closed, as a pool's
 * statement cache keeps one; "exit" ends it.
 */
public final class ServeApp {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:serve;DB_CLOSE_DELAY=-1", "sa", "");
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, content VARCHAR(200))");
                s.execute("CREATE TABLE notices (id INT PRIMARY KEY, title VARCHAR(200), at TIMESTAMP)");
                s.execute("CREATE TABLE notifications (id INT PRIMARY KEY, user_id INT, message VARCHAR(200))");
            }
            System.out.println("ready");
            String insert = "INSERT INTO messages (id, chat, content) VALUES (?, ?, ?)";
            PreparedStatement kept = null;
            PreparedStatement late = null;
            int id = 1;
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                if (line.equals("write")) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (id, chat, content) VALUES (?, ?, ?)")) {
                        ps.setInt(1, id);
                        ps.setInt(2, 7);
                        ps.setString(3, "for chat 7 only");
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO notices (id, title, at) VALUES (?, ?, ?)")) {
                        ps.setInt(1, id);
                        ps.setString(2, "for everyone");
                        ps.setTimestamp(3, java.sql.Timestamp.from(java.time.Instant.parse("2024-05-06T07:08:09Z")));
                        ps.executeUpdate();
                    }
                    c.commit();
                    id++;
                    System.out.println("written");
                } else if (line.equals("kept") || line.equals("late")) {
                    c.setAutoCommit(true);
                    PreparedStatement ps;
                    if (line.equals("kept")) {
                        ps = kept = kept != null ? kept : c.prepareStatement(insert);
                    } else {
                        ps = late = late != null ? late : c.prepareStatement(insert);
                    }
                    ps.setInt(1, id);
                    ps.setInt(2, 7);
                    ps.setString(3, line + " " + id);
                    ps.executeUpdate();
                    id++;
                    System.out.println("wrote " + line);
                } else if (line.startsWith("notify ")) {
                    int user = Integer.parseInt(line.substring("notify ".length()).trim());
                    c.setAutoCommit(true);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO notifications (id, user_id, message) VALUES (?, ?, ?)")) {
                        ps.setInt(1, id);
                        ps.setInt(2, user);
                        ps.setString(3, "for user " + user);
                        ps.executeUpdate();
                    }
                    id++;
                    System.out.println("notified " + user);
                }
            }
        }
    }
}
