package dev.rowcast.server.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO client written by hand over the JDK's WebSocket, so that tests see the exact
 * packets on the wire ({@code 42["chat",{"x":1}]}). Engine.IO pings are answered and skipped.
 */
final class RawClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final BlockingQueue<String> packets = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    /** The Socket.IO id the server gave in its CONNECT reply, or null when it refused. */
    String sid;
    /** The whole CONNECT reply. */
    String connectReply;

    /** Opens the session and sends CONNECT with that auth payload (null: none); returns the server's answer packet. */
    static RawClient open(int port, String authJson) {
        RawClient client = new RawClient();
        try {
            client.socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("WebSocket connect failed: " + e, e);
        }
        String open = client.next();
        if (!open.startsWith("0{")) throw new AssertionError("expected the Engine.IO open packet, got " + open);
        client.send(authJson == null ? "40" : "40" + authJson);
        return client;
    }

    /** Opens and expects the CONNECT reply. */
    static RawClient connect(int port, String authJson) {
        RawClient client = open(port, authJson);
        String reply = client.next();
        if (!reply.startsWith("40{\"sid\":\"")) throw new AssertionError("expected a CONNECT reply, got " + reply);
        client.connectReply = reply;
        client.sid = reply.substring(10, reply.indexOf('"', 10));
        return client;
    }

    static RawClient connect(int port) {
        return connect(port, null);
    }

    static RawClient connectWithToken(int port, String token) {
        return connect(port, "{\"token\":\"" + token + "\"}");
    }

    void send(String packet) {
        socket.sendText(packet, true).join();
    }

    /** The next Engine.IO message as on the wire ({@code 42[...]}), pings excepted. */
    String next() {
        try {
            String packet = packets.poll(5, TimeUnit.SECONDS);
            if (packet == null) throw new AssertionError("no packet within 5 s");
            return packet;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends a packet with an ack id and returns the ack's packet. */
    String call(String ackedPacket) {
        send(ackedPacket);
        return next();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (message.equals("2")) webSocket.sendText("3", true);
            else packets.add(message);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (socket != null) socket.abort();
    }
}
