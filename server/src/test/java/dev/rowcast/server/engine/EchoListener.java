package dev.rowcast.server.engine;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The official test suites' fixture: every message is sent back unchanged. It also records
 * sessions and close reasons so tests can assert what the layer above would see.
 */
public final class EchoListener implements EngineListener {
    private final Map<String, EngineSocket> sockets = new ConcurrentHashMap<>();
    private final Map<String, String> closeReasons = new ConcurrentHashMap<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(EngineSocket socket) {
        sockets.put(socket.id(), socket);
    }

    @Override
    public void onMessage(EngineSocket socket, String text) {
        received.add(text);
        socket.send(EngineMessage.text(text));
    }

    @Override
    public void onBinary(EngineSocket socket, byte[] data) {
        received.add("binary:" + data.length);
        socket.send(EngineMessage.binary(data));
    }

    @Override
    public void onClose(EngineSocket socket, String reason) {
        closeReasons.put(socket.id(), reason);
        sockets.remove(socket.id());
    }

    /** The open session with this id, or null. */
    public EngineSocket socket(String sid) {
        return sockets.get(sid);
    }

    /** Every session opened so far and still open. */
    public java.util.Collection<EngineSocket> sockets() {
        return sockets.values();
    }

    /** Why the session ended, or null while it is open. */
    public String closeReason(String sid) {
        return closeReasons.get(sid);
    }

    /**
     * Why the session ended, once the listener has been told (within 2 s). The server tells it on
     * the session's loop after answering the request that ended it, so a client can see the answer
     * first.
     */
    public String awaitCloseReason(String sid) {
        await().atMost(Duration.ofSeconds(2)).until(() -> closeReasons.get(sid) != null);
        return closeReasons.get(sid);
    }

    public BlockingQueue<String> received() {
        return received;
    }
}
