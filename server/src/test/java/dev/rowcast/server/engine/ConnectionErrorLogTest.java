package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.LogCapture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class ConnectionErrorLogTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @Test
    void aFloodOfBadClientsIsOneLineWithoutAStackTrace() {
        ConnectionErrorLog errors = new ConnectionErrorLog();
        try (LogCapture log = LogCapture.server()) {
            for (int i = 0; i < 100; i++) errors.closing(channel, "HTTP", new DecoderException("bad bytes"));

            assertThat(log.records()).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getThrown()).isNull();
                assertThat(r.getMessage()).contains("DecoderException: bad bytes");
            });
        }
    }

    @Test
    void theNextLineSaysHowManyWereHeldBack() {
        ConnectionErrorLog errors = new ConnectionErrorLog(Duration.ofMillis(50));
        try (LogCapture log = LogCapture.server()) {
            for (int i = 0; i < 5; i++) errors.closing(channel, "HTTP", new DecoderException("bad bytes"));
            await().pollDelay(Duration.ofMillis(60)).atMost(Duration.ofSeconds(2)).until(() -> {
                errors.closing(channel, "HTTP", new DecoderException("bad bytes"));
                return log.records().size() == 2;
            });

            assertThat(log.records().get(1).getMessage()).endsWith("(4 more since the last such line, not logged)");
        }
    }

    @Test
    void aFaultOfOursKeepsItsStackTraceButIsThrottledToo() {
        ConnectionErrorLog errors = new ConnectionErrorLog();
        try (LogCapture log = LogCapture.server()) {
            for (int i = 0; i < 10; i++) errors.closing(channel, "HTTP", new NullPointerException("ours"));
            errors.closing(channel, "HTTP", new DecoderException("a bad client's line still gets through"));

            assertThat(log.records()).hasSize(2);
            assertThat(log.records().get(0).getThrown()).isInstanceOf(NullPointerException.class);
            assertThat(log.records().get(1).getThrown()).isNull();
        }
    }

    @Test
    void aClientThatWentAwayIsNoNews() {
        ConnectionErrorLog errors = new ConnectionErrorLog();
        try (LogCapture log = LogCapture.server()) {
            errors.closing(channel, "HTTP", new IOException("Connection reset by peer"));
            errors.closing(channel, "HTTP", new PrematureChannelClosureException("Channel closed while still aggregating message"));

            assertThat(log.records()).noneMatch(r -> r.getLevel().intValue() >= Level.INFO.intValue());
        }
    }

    @Test
    void theClientsBytesReachTheLogOnOneShortLine() {
        ConnectionErrorLog errors = new ConnectionErrorLog();
        try (LogCapture log = LogCapture.server()) {
            errors.closing(channel, "HTTP", new DecoderException("forged\r\n[rowcast] all is well\u001b[2J" + "x".repeat(5000)));

            String message = log.records().stream().map(LogRecord::getMessage).findFirst().orElseThrow();
            assertThat(message).doesNotContain("\r", "\n", "\u001b").hasSizeLessThan(400);
        }
    }
}
