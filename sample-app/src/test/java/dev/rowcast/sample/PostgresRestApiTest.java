package dev.rowcast.sample;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;

/**
 * The same REST contract on a real PostgreSQL server, reached through a
 * {@code postgres://user:pass@host:port/db} URL as DATABASE_URL would give it.
 */
class PostgresRestApiTest extends RestApiContract {

    private EmbeddedPostgres postgres;

    @Override
    String databaseUrl() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        return "postgres://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    @AfterAll
    void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }
}
