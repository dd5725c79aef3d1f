package dev.rowcast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.engine.EngineOptions;
import dev.rowcast.server.protocol.PacketGarbage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.rowcast.server.testing.FailOnNettyLeak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mutated Socket.IO packets sent over real connections, on both transports, while a
 * well-behaved client keeps talking on its own connection: the bad sessions are closed, the
 * good one never notices, and no session is left behind.
 */
@ExtendWith(FailOnNettyLeak.class)
class GarbageOverTheWireTest {
    private static final int SESSIONS_PER_TRANSPORT = 300;
    private static final int MESSAGES_PER_SESSION = 5;

    private SocketIoServer io;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        io = new SocketIoServer(ServerOptions.builder()
                // generous heartbeat: the good client must not lose a pong to a loaded CI machine
                .engine(EngineOptions.builder().pingInterval(Duration.ofSeconds(1)).pingTimeout(Duration.ofSeconds(10)).build())
                .connectTimeout(Duration.ofSeconds(2))
                .build());
        io.of("/custom");
        io.onConnection(socket -> {
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
        });
        base = "127.0.0.1:" + io.start() + "/socket.io/?EIO=4";
    }

    @AfterEach
    void stop() {
        io.stop();
    }

    @Test
    void garbageOnBothTransportsClosesOnlyTheSendersWhileAGoodClientKeepsTalking() throws Exception {
        GoodClient good = new GoodClient();
        good.connect();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger sent = new AtomicInteger();
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                long seed = 1000L + worker;
                boolean websocket = worker % 2 == 0;
                jobs.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < SESSIONS_PER_TRANSPORT / 2; i++) {
                        List<EngineMessage> garbage = new ArrayList<>();
                        for (int m = 0; m < MESSAGES_PER_SESSION; m++) garbage.add(PacketGarbage.message(random));
                        if (websocket) sendOverWebSocket(garbage);
                        else sendOverPolling(garbage);
                        sent.addAndGet(garbage.size());
                        if (i % 20 == 0) good.ping();
                    }
                    return null;
                }));
            }
            for (Future<?> job : jobs) job.get(90, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(sent.get()).isEqualTo(2 * SESSIONS_PER_TRANSPORT * MESSAGES_PER_SESSION);
        good.ping();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(good.received()).isEqualTo(good.sent()));
        assertThat(good.sent()).isGreaterThanOrEqualTo(2 * SESSIONS_PER_TRANSPORT / 20);
        assertThat(good.closed.get()).as("the good client's connection was never closed").isFalse();
        // abandoned bad sessions time out; only the good one stays
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(io.stats().connections()).isEqualTo(1));
        assertThat(io.stats().socketsByNamespace().get("/")).isEqualTo(1);
        good.close();
    }

    private void sendOverPolling(List<EngineMessage> garbage) throws Exception {
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://" + base + "&transport=polling")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String body = open.body();
        String sid = body.substring(body.indexOf("\"sid\":\"") + 7, body.indexOf('"', body.indexOf("\"sid\":\"") + 7));
        StringBuilder payload = new StringBuilder("40");
        for (EngineMessage message : garbage) {
            payload.append('\u001e');
            if (message.isBinary()) payload.append('b').append(Base64.getEncoder().encodeToString(message.binary()));
            else payload.append('4').append(message.text());
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://" + base + "&transport=polling&sid=" + sid))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(payload.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isIn(200, 400);
        // a session that survived its garbage is closed as a client would; one the server closed answers 400
        HttpResponse<String> close = http.send(HttpRequest.newBuilder(URI.create("http://" + base + "&transport=polling&sid=" + sid))
                        .header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString("1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(close.statusCode()).isIn(200, 400);
    }

    private void sendOverWebSocket(List<EngineMessage> garbage) throws Exception {
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + base + "&transport=websocket"),
                new WebSocket.Listener() {}).get(5, TimeUnit.SECONDS);
        try {
            ws.sendText("40", true).get(5, TimeUnit.SECONDS);
            for (EngineMessage message : garbage) {
                CompletableFuture<WebSocket> done = message.isBinary()
                        ? ws.sendBinary(ByteBuffer.wrap(message.binary()), true)
                        : ws.sendText("4" + message.text(), true);
                done.get(5, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException closedByServer) {
            // the server may close the connection before the last frame: that is the point
        } finally {
            ws.abort();
        }
    }

    /** Speaks Engine.IO/Socket.IO by hand over a WebSocket: answers pings, echoes, counts replies. */
    private final class GoodClient implements WebSocket.Listener {
        private final AtomicInteger sentCount = new AtomicInteger();
        private final AtomicInteger receivedCount = new AtomicInteger();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        private final CompletableFuture<Void> joined = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        void connect() throws Exception {
            ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + base + "&transport=websocket"), this)
                    .get(20, TimeUnit.SECONDS);
            joined.get(20, TimeUnit.SECONDS);
        }

        synchronized void ping() {
            int n = sentCount.incrementAndGet();
            ws.sendText("42[\"message\"," + n + "]", true).join();
        }

        int sent() {
            return sentCount.get();
        }

        int received() {
            assertThat(unexpected).isEmpty();
            return receivedCount.get();
        }

        void close() {
            ws.abort();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            try {
                handle(webSocket, data, last);
            } catch (RuntimeException e) {
                unexpected.add("client failed: " + e);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (text.startsWith("0{")) {
                    synchronized (this) {
                        webSocket.sendText("40", true);
                    }
                } else if (text.startsWith("40{\"sid\"")) {
                    joined.complete(null);
                } else if (text.equals("2")) {
                    synchronized (this) {
                        webSocket.sendText("3", true);
                    }
                } else if (text.startsWith("42[\"message-back\",")) {
                    receivedCount.incrementAndGet();
                } else {
                    unexpected.add(text);
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.set(true);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.set(true);
        }
    }
}
