package dev.rowcast.server;

import dev.rowcast.server.engine.Cors;
import dev.rowcast.server.engine.EchoListener;
import dev.rowcast.server.engine.EngineOptions;
import dev.rowcast.server.engine.EngineServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The server the official engine.io-protocol and socket.io-protocol test suites expect on
 * localhost:3000 (run it with {@code server/conformance-fixture}): a raw echo at /engine.io/ and,
 * at /socket.io/, the suite's handlers on "/" and "/custom". Arguments: [port] [host].
 */
public final class ConformanceFixture {
    private ConformanceFixture() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        EngineOptions engineOptions = EngineOptions.builder()
                .host(host)
                .port(port)
                .pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200))
                .maxPayload(1_000_000)
                .cors(Cors.anyOrigin())
                .build();
        SocketIoServer io = new SocketIoServer(ServerOptions.builder()
                .engine(engineOptions)
                .connectTimeout(Duration.ofMillis(1000))
                .build());
        suiteHandlers(io.sockets());
        suiteHandlers(io.of("/custom"));

        EngineServer engine = new EngineServer(engineOptions,
                Map.of("/engine.io/", new EchoListener(), io.options().path(), io.engineListener()));
        int bound = engine.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.stop();
            io.stop();
            stopped.countDown();
        }, "rowcast-fixture-stop"));
        System.out.println("[rowcast] conformance fixture on http://" + host + ":" + bound
                + " (/engine.io/ echo, /socket.io/ test-suite handlers); Ctrl-C stops it");
        stopped.await();
    }

    private static void suiteHandlers(Namespace namespace) {
        namespace.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
        });
    }
}
