package app;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the app does, each method one transaction, the way Spring apps usually write it. */
@Service
public class TaskService {

    private final TaskRepository tasks;
    private final JdbcTemplate jdbc;

    TaskService(TaskRepository tasks, JdbcTemplate jdbc) {
        this.tasks = tasks;
        this.jdbc = jdbc;
    }

    /** The repository's own transaction. */
    public Task add(long board, String title) {
        return tasks.save(new Task(board, title));
    }

    /** Writes, flushes, then fails: Spring rolls the whole method back. */
    @Transactional
    public void addThenFail(long board, String title) {
        tasks.saveAndFlush(new Task(board, title));
        throw new IllegalStateException("failed after writing " + title);
    }

    /** A managed entity changed inside the transaction: Hibernate's dirty checking writes the UPDATE. */
    @Transactional
    public void rename(long id, String title) {
        tasks.findById(id).orElseThrow().setTitle(title);
    }

    /** Plain JDBC on the entity's table, through the same Hikari pool. */
    @Transactional
    public void insertWithJdbc(long board, String title) {
        jdbc.update("INSERT INTO tasks (board, title, done) VALUES (?, ?, FALSE)", board, title);
    }
}
