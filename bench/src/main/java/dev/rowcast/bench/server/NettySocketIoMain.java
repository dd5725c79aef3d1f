package dev.rowcast.bench.server;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The netty-socketio peer of {@link ServerBench} (com.corundumstudio.socketio:netty-socketio 2.0.14), driven
 * over stdin like the others ({@link ServerLoop}). It runs in its own JVM from {@code target/classes} plus
 * {@code target/netty-socketio/*}: netty-socketio is built on Netty 4.1 and this module's classpath has
 * Rowcast's Netty 4.2, so the two never share a class path.
 *
 * <p>Configured for throughput, as its README advises: native epoll transport, one worker thread per core
 * the process may use, one boss thread, WebSocket transport only, TCP_NODELAY, direct buffers.
 *
 * <p>{@code java -Xmx2g -cp target/classes:target/netty-socketio/* dev.rowcast.bench.server.NettySocketIoMain}
 */
public final class NettySocketIoMain {

    private static final String ROOM_KEY = "bench.room";

    private NettySocketIoMain() {}

    public static void main(String[] args) throws Exception {
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(freePort());
        config.setBossThreads(1);
        config.setWorkerThreads(Runtime.getRuntime().availableProcessors());
        boolean epoll = epollAvailable();
        config.setUseLinuxNativeEpoll(epoll);
        config.setTransports(Transport.WEBSOCKET);
        config.setPreferDirectBuffer(true);
        SocketConfig socket = new SocketConfig();
        socket.setTcpNoDelay(true);
        socket.setReuseAddress(true);
        config.setSocketConfig(socket);
        if (!epoll) System.err.println("[rowcast-bench] netty-socketio runs on NIO: Netty's native epoll is unavailable on this machine");

        SocketIOServer server = new SocketIOServer(config);
        server.addEventListener("join", String.class, (client, room, ack) -> {
            String previous = client.get(ROOM_KEY);
            if (previous != null) client.leaveRoom(previous);
            client.set(ROOM_KEY, room);
            client.joinRoom(room);
            ack.sendAckData();
        });
        server.start();
        try {
            ServerLoop.serve(config.getPort(), (room, event, payload) -> server.getRoomOperations(room).sendEvent(event, payload));
        } finally {
            server.stop();
        }
    }

    /** Netty 4.1's {@code Epoll.isAvailable()}, by name: this module compiles against Rowcast's Netty, which lacks the epoll classes. */
    private static boolean epollAvailable() {
        try {
            return (Boolean) Class.forName("io.netty.channel.epoll.Epoll").getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /** netty-socketio cannot report the port it bound, so the bench picks a free one first. */
    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return probe.getLocalPort();
        }
    }
}
