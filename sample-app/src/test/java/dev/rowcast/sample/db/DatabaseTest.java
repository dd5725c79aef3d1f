package dev.rowcast.sample.db;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void anUnknownUrlSchemeIsRejectedWithoutShowingThePassword() {
        assertThatThrownBy(() -> Database.open("mysql://root:hunter2@db/cms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageContaining("postgres://user:pass@host:5432/db")
                .hasMessageNotContaining("hunter2");
    }
}
