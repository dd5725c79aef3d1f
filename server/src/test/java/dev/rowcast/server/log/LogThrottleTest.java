package dev.rowcast.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1), now::get);

    @Test
    void theFirstLinePassesAndTheRestOfTheMinuteIsHeldBack() {
        assertThat(throttle.admit()).isZero();
        for (int i = 0; i < 299; i++) assertThat(throttle.admit()).isEqualTo(-1);
    }

    @Test
    void theNextLineAfterTheIntervalSaysHowManyWereHeldBack() {
        throttle.admit();
        for (int i = 0; i < 5; i++) throttle.admit();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(throttle.admit()).as("still within the minute").isEqualTo(-1);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.admit()).isEqualTo(6);
        assertThat(throttle.admit()).isEqualTo(-1);
    }

    @Test
    void aClockThatReadsZeroStillCountsAsALineLetThrough() {
        now.set(0);
        assertThat(throttle.admit()).isZero();
        assertThat(throttle.admit()).isEqualTo(-1);
    }
}
