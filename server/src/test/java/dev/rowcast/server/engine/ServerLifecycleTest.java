package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class ServerLifecycleTest {

    @Test
    void statsCountSessionsAndBytes() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat())) {
            EngineStats stats = engine.server.stats();
            String sid = engine.openPolling();
            engine.openPolling();
            engine.push(sid, "4hello");

            assertThat(stats.openSessions()).isEqualTo(2);
            assertThat(stats.sessionsTotal()).isEqualTo(2);
            assertThat(stats.bytesIn()).isGreaterThan(100);
            assertThat(stats.bytesOut()).isGreaterThan(200);

            engine.push(sid, "1");
            assertThat(stats.openSessions()).isEqualTo(1);
            assertThat(stats.sessionsTotal()).isEqualTo(2);
        }
    }

    @Test
    void stopTellsEveryListenerTheServerIsShuttingDownAndEndsHeldPollsWithClose() {
        TestEngine engine = new TestEngine(TestEngine.quietHeartbeat());
        String polling = engine.openPolling();
        CompletableFuture<HttpResponse<String>> held = engine.getAsync("EIO=4&transport=polling&sid=" + polling);
        WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"));
        String websocket = TestEngine.openPacket(ws.nextText()).get("sid").asText();
        await().atMost(Duration.ofSeconds(2)).until(() -> engine.server.stats().openSessions() == 2);

        engine.close();

        assertThat(engine.listener.closeReason(polling)).isEqualTo("server shutting down");
        assertThat(engine.listener.closeReason(websocket)).isEqualTo("server shutting down");
        assertThat(held.join().body()).isEqualTo("1");
        ws.awaitClose();
        assertThat(engine.server.stats().openSessions()).isZero();
    }

    @Test
    void withDaemonThreadsTheServerNeverKeepsItsHostJvmAlive() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().daemonThreads(true))) {
            WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"));
            TestEngine.openPacket(ws.nextText());
            engine.openPolling();

            java.util.List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("rowcast-")).toList();
            // the acceptor and the I/O threads that serve the two clients
            assertThat(started).extracting(Thread::getName).anyMatch(name -> name.startsWith("rowcast-accept"))
                    .anyMatch(name -> name.startsWith("rowcast-io"));
            assertThat(started).allMatch(Thread::isDaemon, "a daemon");
        }
    }

    @Test
    void byDefaultTheServerKeepsServingAfterTheMainThatStartedItReturns() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat())) {
            engine.openPolling();
            assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.getName().startsWith("rowcast-")))
                    .isNotEmpty().noneMatch(Thread::isDaemon);
        }
    }

    @Test
    void aClientThatConnectedToAPortBoundBeforeTheServerStartedIsServedOnceItStarts() throws Exception {
        java.nio.channels.ServerSocketChannel bound = java.nio.channels.ServerSocketChannel.open();
        bound.bind(new java.net.InetSocketAddress("127.0.0.1", 0), EngineServer.BACKLOG);
        int port = ((java.net.InetSocketAddress) bound.getLocalAddress()).getPort();
        var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        // the request goes out while nothing accepts: it waits in the backlog instead of being refused
        CompletableFuture<HttpResponse<String>> early = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(early).isNotDone();

        EngineServer server = new EngineServer(EngineOptions.builder().build(), Map.of("/engine.io/", new EchoListener()));
        try {
            assertThat(server.start(bound)).isEqualTo(port);
            HttpResponse<String> answer = early.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(TestEngine.openPacket(answer.body()).get("sid").asText()).isNotEmpty();
        } finally {
            server.stop();
        }
        assertThat(bound.isOpen()).isFalse();
    }

    @Test
    void oneServerServesSeveralEndpointsWithSeparateSessions() {
        EchoListener first = new EchoListener();
        EchoListener second = new EchoListener();
        Map<String, EngineListener> endpoints = new LinkedHashMap<>();
        endpoints.put("/engine.io/", first);
        endpoints.put("/socket.io", second);
        EngineServer server = new EngineServer(EngineOptions.builder().build(), endpoints);
        int port = server.start();
        try {
            var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
            String sid = TestEngine.openPacket(a.body()).get("sid").asText();
            HttpResponse<String> crossed = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=polling&sid=" + sid)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(second.socket(sid)).isNotNull();
            assertThat(first.socket(sid)).isNull();
            assertThat(crossed.statusCode()).isEqualTo(400);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            server.stop();
        }
    }

    @Test
    void aTakenPortIsReportedWithTheAddress() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat())) {
            EngineServer clash = new EngineServer(EngineOptions.builder().port(engine.port).build(), Map.of("/x", new EchoListener()));

            assertThatThrownBy(clash::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + engine.port);
        }
    }
}
