package dev.rowcast.bench.server;

import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.Socket;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.engine.EngineOptions;

/**
 * The Rowcast side of {@link ServerBench}: a {@link SocketIoServer} on 127.0.0.1 in its own JVM, driven
 * over stdin ({@link ServerLoop}). A client's {@code join} event (with an ack) moves it from its previous
 * bench room to the named one.
 *
 * <p>Configured for throughput: one Netty I/O thread per core the process may use (Netty's default is two),
 * and per-session queues large enough that an overload shows as latency, not as closed sessions (the peers
 * have no such limit). Everything else is {@link ServerOptions#defaults()}.
 *
 * <p>{@code java -Xmx2g -cp benchmarks.jar dev.rowcast.bench.server.RowcastServerMain}
 */
public final class RowcastServerMain {

    private static final String ROOM_KEY = "bench.room";

    private RowcastServerMain() {}

    public static void main(String[] args) throws Exception {
        EngineOptions engine = EngineOptions.builder()
                .ioThreads(Runtime.getRuntime().availableProcessors())
                .maxQueuedPackets(1_000_000)
                .maxQueuedBytes(256L * 1024 * 1024)
                .build();
        SocketIoServer server = new SocketIoServer(ServerOptions.builder().engine(engine).build());
        server.onConnection(RowcastServerMain::onConnection);
        int port = server.start();
        try {
            ServerLoop.serve(port, (room, event, payload) -> server.to(room).emit(event, payload));
        } finally {
            server.stop();
        }
    }

    private static void onConnection(Socket socket) {
        socket.on("join", (args, ack) -> {
            Object previous = socket.data().get(ROOM_KEY);
            if (previous != null) socket.leave((String) previous);
            String room = args.get(0).asText();
            socket.data().put(ROOM_KEY, room);
            socket.join(room);
            ack.send();
        });
    }
}
