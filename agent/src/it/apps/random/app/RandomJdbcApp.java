package app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A plain JDBC app that knows nothing of Rowcast: from a seed it runs random transactions (autocommit
 * writes; manual ones mixing inserts, batches, key updates and savepoints, then commit or rollback)
 * and writes what it knows was committed, in commit order, one {@code operation:id:content} a line.
 * Arguments: JDBC URL, user, seed, transaction count, ground-truth file.
 */
public final class RandomJdbcApp {

    private static final String INSERT = "INSERT INTO messages (id, chat, author, content) VALUES (?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE messages SET content = ? WHERE id = ?";

    private final Connection connection;
    private final Random random;
    private final List<String> committed = new ArrayList<>();
    // ids known to be committed: updates target only these, so each emits exactly one event
    private final List<Integer> committedIds = new ArrayList<>();
    private final List<String> pending = new ArrayList<>();
    private final List<Integer> pendingIds = new ArrayList<>();
    private int nextId = 1;
    private int nextEdit = 1;

    private RandomJdbcApp(Connection connection, long seed) {
        this.connection = connection;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws SQLException, IOException {
        String url = args[0];
        String user = args[1];
        long seed = Long.parseLong(args[2]);
        int transactions = Integer.parseInt(args[3]);
        Path truth = Path.of(args[4]);
        System.out.println("seed " + seed);
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, author VARCHAR(40), content VARCHAR(200))");
            }
            RandomJdbcApp app = new RandomJdbcApp(c, seed);
            for (int i = 0; i < transactions; i++) {
                app.transaction(i);
            }
            c.setAutoCommit(true);
            Files.write(truth, app.committed, StandardCharsets.UTF_8);
        }
        System.out.println("done");
    }

    private void transaction(int tx) throws SQLException {
        if (random.nextInt(4) == 0) {
            connection.setAutoCommit(true);
            if (!committedIds.isEmpty() && random.nextInt(4) == 0) {
                update(tx);
            } else if (random.nextBoolean()) {
                insertLiteral(tx);
            } else {
                insertPrepared(tx);
            }
            publish();
            return;
        }
        connection.setAutoCommit(false);
        writeSome(tx);
        if (random.nextInt(3) == 0) {
            Savepoint savepoint = connection.setSavepoint();
            int mark = pending.size();
            int markIds = pendingIds.size();
            writeSome(tx);
            if (random.nextBoolean()) {
                connection.rollback(savepoint);
                pending.subList(mark, pending.size()).clear();
                pendingIds.subList(markIds, pendingIds.size()).clear();
                if (random.nextBoolean()) {
                    writeSome(tx);
                }
            }
        }
        if (random.nextInt(10) < 7) {
            connection.commit();
            publish();
        } else {
            connection.rollback();
            pending.clear();
            pendingIds.clear();
        }
    }

    private void publish() {
        committed.addAll(pending);
        committedIds.addAll(pendingIds);
        pending.clear();
        pendingIds.clear();
    }

    private void writeSome(int tx) throws SQLException {
        int steps = 1 + random.nextInt(3);
        for (int i = 0; i < steps; i++) {
            int kind = random.nextInt(10);
            if (kind < 3) {
                insertPrepared(tx);
            } else if (kind < 5) {
                insertLiteral(tx);
            } else if (kind < 8) {
                batch(tx, 1 + random.nextInt(5));
            } else if (!committedIds.isEmpty()) {
                update(tx);
            } else {
                insertPrepared(tx);
            }
        }
    }

    private void insertPrepared(int tx) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            bind(ps, tx);
            ps.executeUpdate();
        }
    }

    private void insertLiteral(int tx) throws SQLException {
        int id = nextId++;
        String content = "tx" + tx + " literal " + id;
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("INSERT INTO messages (id, chat, author, content) VALUES (" + id + ", " + (id % 7)
                    + ", 'ann', '" + content + "')");
        }
        created(id, content);
    }

    private void batch(int tx, int size) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            for (int i = 0; i < size; i++) {
                bind(ps, tx);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void bind(PreparedStatement ps, int tx) throws SQLException {
        int id = nextId++;
        String content = "tx" + tx + " row " + id;
        ps.setInt(1, id);
        ps.setInt(2, id % 7);
        ps.setString(3, "bob");
        ps.setString(4, content);
        created(id, content);
    }

    private void update(int tx) throws SQLException {
        int id = committedIds.get(random.nextInt(committedIds.size()));
        String content = "tx" + tx + " edit " + nextEdit++;
        try (PreparedStatement ps = connection.prepareStatement(UPDATE)) {
            ps.setString(1, content);
            ps.setInt(2, id);
            ps.executeUpdate();
        }
        pending.add("update:" + id + ":" + content);
    }

    private void created(int id, String content) {
        pending.add("create:" + id + ":" + content);
        pendingIds.add(id);
    }
}
