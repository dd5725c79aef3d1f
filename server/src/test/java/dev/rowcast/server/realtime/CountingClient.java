package dev.rowcast.server.realtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A client that reads as fast as it can and counts one event without keeping it (so the test's heap stays flat). */
final class CountingClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String countedPrefix;
    private final BlockingQueue<String> others = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong counted = new AtomicLong();
    /** Released once per counted event: lets the sender keep only a few in flight to this client. */
    final Semaphore received = new Semaphore(0);
    private WebSocket socket;

    private CountingClient(String event) {
        this.countedPrefix = "42[\"" + event + "\"";
    }

    static CountingClient joinAndCount(int port, String room, String event) throws Exception {
        CountingClient client = new CountingClient(event);
        client.socket = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .get(5, TimeUnit.SECONDS);
        client.expect("0{");
        client.socket.sendText("40", true).join();
        client.expect("40{");
        client.socket.sendText("421[\"join\",\"" + room + "\"]", true).join();
        client.expect("431[{\"ok\":true}]");
        return client;
    }

    long counted() {
        return counted.get();
    }

    private void expect(String prefix) throws InterruptedException {
        String message = others.poll(5, TimeUnit.SECONDS);
        if (message == null || !message.startsWith(prefix)) throw new AssertionError("expected " + prefix + "..., got " + message);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (partial.length() < countedPrefix.length()) partial.append(data, 0, Math.min(data.length(), 64));
        if (last) {
            String start = partial.toString();
            partial.setLength(0);
            if (start.startsWith(countedPrefix)) {
                counted.incrementAndGet();
                received.release();
            } else if (start.equals("2")) {
                webSocket.sendText("3", true);
            } else {
                others.add(start);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        if (socket != null) socket.abort();
    }
}
