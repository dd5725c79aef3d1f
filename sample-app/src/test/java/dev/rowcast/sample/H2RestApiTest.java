package dev.rowcast.sample;

import java.util.UUID;

/** The REST contract on the default database, embedded H2. */
class H2RestApiTest extends RestApiContract {

    @Override
    String databaseUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
