package dev.rowcast.server.engine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw WebSocket client (the JDK's) that queues whole messages: String for text, byte[] for binary. */
final class WsTestClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    /** The close code the server sent, or -1 when the connection dropped without a close frame. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    private WebSocket socket;

    static WsTestClient connect(URI uri) {
        WsTestClient client = new WsTestClient();
        try {
            client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(2))
                    .buildAsync(uri, client).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("WebSocket connect to " + uri + " failed: " + e, e);
        }
        return client;
    }

    Object next() {
        try {
            Object message = messages.poll(3, TimeUnit.SECONDS);
            if (message == null) throw new AssertionError("no WebSocket message within 3 s");
            return message;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    String nextText() {
        Object message = next();
        if (!(message instanceof String s)) throw new AssertionError("expected a text frame, got binary");
        return s;
    }

    byte[] nextBinary() {
        Object message = next();
        if (!(message instanceof byte[] b)) throw new AssertionError("expected a binary frame, got text " + message);
        return b;
    }

    void sendText(String message) {
        socket.sendText(message, true).join();
    }

    /** One text message sent as several frames (a first frame and continuations). */
    void sendTextInFragments(String... parts) {
        for (int i = 0; i < parts.length; i++) socket.sendText(parts[i], i == parts.length - 1).join();
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    int awaitClose() {
        try {
            return closed.get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("WebSocket not closed within 3 s", e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
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
