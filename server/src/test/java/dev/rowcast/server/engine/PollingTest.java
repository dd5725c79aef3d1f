package dev.rowcast.server.engine;

import static dev.rowcast.server.engine.HandshakeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class PollingTest {
    static TestEngine engine;

    @BeforeAll
    static void start() {
        engine = new TestEngine(TestEngine.quietHeartbeat().maxPayload(1000));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void aPostedMessageIsEchoedInTheNextPoll() {
        String sid = engine.openPolling();

        engine.push(sid, "4hello");

        assertThat(engine.poll(sid)).isEqualTo("4hello");
    }

    @Test
    void packetsPostedTogetherComeBackInOneGetBody() {
        String sid = engine.openPolling();

        engine.push(sid, "4test1\u001e4test2\u001e4test3");

        assertThat(engine.poll(sid)).isEqualTo("4test1\u001e4test2\u001e4test3");
    }

    @Test
    void binaryTravelsAsBase64BothWays() {
        String sid = engine.openPolling();

        engine.push(sid, "4hello\u001ebAQIDBA==");

        assertThat(engine.listener.received()).contains("binary:4");
        assertThat(engine.poll(sid)).isEqualTo("4hello\u001ebAQIDBA==");
    }

    @Test
    void aGetWaitsUntilSomethingIsQueued() {
        String sid = engine.openPolling();
        CompletableFuture<HttpResponse<String>> poll = engine.getAsync("EIO=4&transport=polling&sid=" + sid);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !poll.isDone());

        engine.listener.socket(sid).send(EngineMessage.text("later"));

        assertThat(poll.join().body()).isEqualTo("4later");
    }

    @Test
    void messagesSentAsOneUnitArriveTogetherInOrder() {
        String sid = engine.openPolling();
        EngineSocket socket = engine.listener.socket(sid);

        socket.send(java.util.List.of(EngineMessage.text("a"), EngineMessage.binary(new byte[] {1}), EngineMessage.text("b")));

        assertThat(engine.poll(sid)).isEqualTo("4a\u001ebAQ==\u001e4b");
    }

    @Test
    void anInvalidPacketClosesTheSessionWithParseError() {
        String sid = engine.openPolling();

        HttpResponse<String> push = engine.post("EIO=4&transport=polling&sid=" + sid, "abc");

        assertThat(push.statusCode()).isEqualTo(400);
        assertError(engine.get("EIO=4&transport=polling&sid=" + sid), 400, 1, "Session ID unknown");
        assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("parse error");
    }

    @Test
    void aSecondConcurrentGetIsRefusedAndTheFirstGetsCloseAndTheSessionEnds() {
        String sid = engine.openPolling();
        CompletableFuture<HttpResponse<String>> first = engine.getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(Duration.ofSeconds(2)).until(() -> heldGet(sid));

        HttpResponse<String> second = engine.get("EIO=4&transport=polling&sid=" + sid + "&t=burst");

        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(first.join().body()).isEqualTo("1");
        assertThat(engine.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void aBinaryContentTypePostIsABadRequestAndTheSessionSurvives() {
        String sid = engine.openPolling();

        HttpResponse<String> push = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling&sid=" + sid))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {4, 1, 2})));

        assertThat(push.statusCode()).isEqualTo(400);
        engine.push(sid, "4still-here");
        assertThat(engine.poll(sid)).isEqualTo("4still-here");
    }

    @Test
    void aPostOverMaxPayloadGets413AndTheSessionSurvives() {
        String sid = engine.openPolling();

        HttpResponse<String> push = engine.post("EIO=4&transport=polling&sid=" + sid, "4" + "x".repeat(1000));

        assertThat(push.statusCode()).isEqualTo(413);
        engine.push(sid, "4" + "y".repeat(998));
        assertThat(engine.poll(sid)).isEqualTo("4" + "y".repeat(998));
    }

    @Test
    void aClientCloseOverPostEndsTheSessionAndReleasesTheHeldGetWithNoop() {
        String sid = engine.openPolling();
        CompletableFuture<HttpResponse<String>> held = engine.getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(Duration.ofSeconds(2)).until(() -> heldGet(sid));

        engine.push(sid, "1");

        assertThat(held.join().body()).isEqualTo("6");
        assertThat(engine.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("transport close");
    }

    @Test
    void aGetThatCrossesTheClientClosePacketEndsWithNoopOnceThenTheSessionIsGone() {
        String sid = engine.openPolling();

        engine.push(sid, "1");

        assertThat(engine.poll(sid)).isEqualTo("6");
        assertThat(engine.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void aServerCloseIsDeliveredAsACloseInTheNextGetAfterQueuedMessages() {
        String sid = engine.openPolling();
        EngineSocket socket = engine.listener.socket(sid);
        socket.send(EngineMessage.text("bye"));

        socket.close();

        await().atMost(Duration.ofSeconds(1)).until(() -> !socket.isOpen());
        assertThat(socket.send(EngineMessage.text("too late"))).isFalse();
        assertThat(engine.poll(sid)).isEqualTo("4bye\u001e1");
        assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("forced close");
        assertThat(engine.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void aClientPingClosesTheSessionBecauseV4ServersPing() {
        String sid = engine.openPolling();

        engine.push(sid, "2");

        assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("transport error");
        assertThat(engine.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void aGetAbortedByTheClientEndsTheSession() throws Exception {
        String sid = engine.openPolling();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.port)) {
            socket.getOutputStream().write(("GET /engine.io/?EIO=4&transport=polling&sid=" + sid
                    + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(2)).until(() -> heldGet(sid));
        }

        assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("transport error");
    }

    /** Whether the session holds a long-poll GET right now (asked on the session's own loop). */
    private static boolean heldGet(String sid) {
        EngineSocket socket = engine.listener.socket(sid);
        CompletableFuture<Boolean> held = new CompletableFuture<>();
        socket.executor().execute(() -> held.complete(((EngineSession) socket).hasPendingPoll()));
        return held.join();
    }
}
